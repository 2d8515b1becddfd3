import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareArrays } from '@ultrafastbert/tensor';
import { readSafetensorsFile } from '@ultrafastbert/tensor/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { run, SHARED } from './run.js';

const tmp = mkdtempSync(join(tmpdir(), 'ufb-cli-'));
const GOLDEN = `${SHARED}golden/`;

describe('forward', () => {
  it.each(['small_mlm', 'fff1x11_cls'])('reproduces the golden outputs of %s through files', async (name) => {
    const out = join(tmp, `${name}.out.safetensors`);
    const r = await run(
      'forward',
      '--model',
      `${GOLDEN}model/${name}`,
      '--input',
      `${GOLDEN}model/${name}/io.safetensors`,
      '--output',
      out,
      '--backend',
      'reference',
    );
    expect(r.stderr).toContain('wrote encoder_hidden');
    expect(r.code).toBe(0);
    const [got, want] = await Promise.all([
      readSafetensorsFile(out),
      readSafetensorsFile(`${GOLDEN}model/${name}/io.safetensors`),
    ]);
    expect(got.entry('encoder_hidden').shape).toEqual(want.entry('encoder_hidden').shape);
    expect(
      compareArrays(got.float32('encoder_hidden'), want.float32('encoder_hidden'), { abs: 2e-5 }).ok,
    ).toBe(true);
    const head = name.endsWith('mlm') ? ['mlm_logits', 1e-4] : ['logits', 1e-5];
    const cmp = compareArrays(got.float32(head[0] as string), want.float32(head[0] as string), {
      abs: head[1] as number,
    });
    expect(cmp.ok, cmp.message).toBe(true);
  });
});

describe('fff', () => {
  it('runs a golden layer with a 3-D input: y keeps the rank, paths are exact', async () => {
    const dir = `${GOLDEN}fff/w64_d5_p2`;
    const out = join(tmp, 'fff.safetensors');
    const r = await run(
      'fff',
      '--weights',
      `${dir}/weights.safetensors`,
      '--input',
      `${dir}/io.safetensors`,
      '--output',
      out,
      '--depth',
      '5',
      '--parallel',
      '2',
    );
    expect(r.code, r.stderr).toBe(0);
    const [got, want] = await Promise.all([
      readSafetensorsFile(out),
      readSafetensorsFile(`${dir}/io.safetensors`),
    ]);
    expect(got.entry('y').shape).toEqual([3, 4, 64]);
    expect(got.entry('paths')).toMatchObject({ dtype: 'I64', shape: [12, 2, 6] });
    expect(Array.from(got.int32('paths'))).toEqual(Array.from(want.int32('paths')));
    expect(compareArrays(got.float32('y'), want.float32('y'), { abs: 2e-5, rel: 2e-5 }).ok).toBe(true);
  });
  it('names the mismatch when --depth does not fit the weights', async () => {
    const dir = `${GOLDEN}fff/w64_d5_p2`;
    const r = await run(
      'fff',
      '--weights',
      `${dir}/weights.safetensors`,
      '--input',
      `${dir}/io.safetensors`,
      '--output',
      join(tmp, 'x'),
      '--depth',
      '4',
      '--parallel',
      '2',
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/linearInWeight must have shape \[62, 64\]/);
  });
});

describe('init and the pipelines', () => {
  const mlm = join(tmp, 'tiny-fff');
  const cls = join(tmp, 'tiny-cls');
  beforeAll(async () => {
    expect((await run('init', '--config', 'tiny-fff', '--out', mlm, '--seed', '3')).code).toBe(0);
    expect((await run('init', '--config', 'tiny-cls', '--out', cls)).code).toBe(0);
  });

  it('fill-mask prints top-k predictions with descending scores', async () => {
    const r = await run(
      'fill-mask',
      '--model',
      mlm,
      '--json',
      '--top-k',
      '3',
      'the capital of france is <mask> .',
    );
    expect(r.code, r.stderr).toBe(0);
    const preds = JSON.parse(r.stdout) as {
      token: string;
      tokenId: number;
      score: number;
      sequence: string;
    }[];
    expect(preds).toHaveLength(3);
    expect(preds[0]!.score).toBeGreaterThanOrEqual(preds[1]!.score);
    expect(preds[0]!.sequence).toContain('the capital of france is');
    const table = await run('fill-mask', '--model', mlm, 'a <mask> b');
    expect(table.stdout.trim().split('\n')).toHaveLength(5);
  });

  it('fill-mask without a mask token is a clear error', async () => {
    const r = await run('fill-mask', '--model', mlm, 'no mask here');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\[E_PIPELINE\] fillMask: the text contains no mask token '<mask>'/);
  });

  it('embed gives one normalised vector per text', async () => {
    const r = await run('embed', '--model', mlm, '--json', '--normalize', 'hello world', 'a b c');
    expect(r.code, r.stderr).toBe(0);
    const v = JSON.parse(r.stdout) as number[][];
    expect(v).toHaveLength(2);
    expect(Math.hypot(...v[0]!)).toBeCloseTo(1, 5);
  });

  it('classify uses id2label', async () => {
    const r = await run('classify', '--model', cls, '--json', 'good', 'bad movie');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { label: string; score: number }[];
    expect(out).toHaveLength(2);
    for (const c of out) expect(c.label).toMatch(/^LABEL_[012]$/);
  });

  it('the same seed writes the same weights', async () => {
    const again = join(tmp, 'tiny-fff-again');
    await run('init', '--config', 'tiny-fff', '--out', again, '--seed', '3');
    const [a, b] = await Promise.all([
      readSafetensorsFile(join(mlm, 'model.safetensors')),
      readSafetensorsFile(join(again, 'model.safetensors')),
    ]);
    expect(Array.from(a.float32('encoder.layers.1.ffn.linear_in.weight').subarray(0, 50))).toEqual(
      Array.from(b.float32('encoder.layers.1.ffn.linear_in.weight').subarray(0, 50)),
    );
  });
});

describe('bad usage', () => {
  it('--help on any command prints its usage and exits 0 without running it', async () => {
    for (const cmd of ['init', 'fill-mask', 'forward']) {
      const r = await run(cmd, '--help');
      expect(r.code, cmd).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: ultrafastbert ${cmd} `));
      expect(r.stderr).toBe('');
    }
    // after `--` it is text, not a flag
    expect((await run('fill-mask', '--model', join(tmp, 'nope'), '--', '--help')).code).toBe(1);
  });
  it('a missing option prints the usage and exits 2', async () => {
    const r = await run('forward', '--input', 'x');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing required option --model[\s\S]*Usage: ultrafastbert forward/);
  });
  it('an unknown backend or preset is named', async () => {
    expect((await run('embed', '--model', 'x', '--backend', 'tpu', 'hi')).stderr).toMatch(
      /--backend must be one of auto, cpu, reference, got 'tpu'/,
    );
    expect((await run('init', '--config', 'bert-huge', '--out', tmp)).stderr).toMatch(
      /unknown --config 'bert-huge'/,
    );
  });
  it('a missing checkpoint directory is a clear error, not a crash', async () => {
    const r = await run('fill-mask', '--model', join(tmp, 'nope'), 'a <mask>');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\[E_CONFIG\] checkpoint directory '.*nope' does not exist/);
  });
});
