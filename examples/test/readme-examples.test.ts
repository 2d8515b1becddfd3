// Every package README opens with a runnable example; this runs each one as a user would (an ES
// module importing the built packages) and expects it to finish cleanly, so the READMEs cannot
// drift from the API.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const examples = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repo = resolve(examples, '..');
const vocab = resolve(repo, '../shared/tokenizers/vocab');

/** The first ```ts / ```js block of a README. */
function firstExample(readme: string): string {
  const m = /```(?:ts|js|mjs)\n([\s\S]*?)```/.exec(readFileSync(readme, 'utf8'));
  if (!m) throw new Error(`${readme} has no ts/js example`);
  return m[1]!;
}

/** Runs code as an .mjs module placed in examples/ (so workspace packages resolve) with cwd `cwd`. */
function runModule(name: string, code: string, cwd: string) {
  const dir = join(examples, '.readme-run');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.mjs`);
  writeFileSync(file, code);
  return spawnSync(process.execPath, [file], { cwd, encoding: 'utf8', timeout: 120_000 });
}

const cases: Array<[string, string, (cwd: string) => void]> = [
  ['tensor', 'packages/tensor/README.md', () => {}],
  ['fff', 'packages/fff/README.md', () => {}],
  ['bert', 'packages/bert/README.md', () => {}],
  ['backend-cpu', 'packages/backend-cpu/README.md', () => {}],
  [
    'tokenizer',
    'packages/tokenizer/README.md',
    (cwd) => {
      // the example reads checkpoint/tokenizer.json: give it bert-base-uncased, whose ids it quotes
      mkdirSync(join(cwd, 'checkpoint'));
      copyFileSync(join(vocab, 'bert-base-uncased.tokenizer.json'), join(cwd, 'checkpoint/tokenizer.json'));
      copyFileSync(
        join(vocab, 'bert-base-uncased.tokenizer_config.json'),
        join(cwd, 'checkpoint/tokenizer_config.json'),
      );
    },
  ],
];

describe('README examples run as written', () => {
  for (const [name, readme, prepare] of cases) {
    it(`${readme}`, () => {
      const code = firstExample(join(repo, readme));
      const cwd = mkdtempSync(join(tmpdir(), `ufb-readme-${name}-`));
      prepare(cwd);
      const r = runModule(name, code, cwd);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout.length).toBeGreaterThan(0);
      // Where the example quotes its output in a comment (`console.log(x); // [1, 2]`), the numbers match.
      for (const [, quoted] of code.matchAll(/console\.log\([^;]*\);\s*\/\/\s*(\[[\d,\s]+\])/g)) {
        const nums = JSON.parse(quoted!) as number[];
        expect(r.stdout.replace(/\s+/g, ' ')).toContain(nums.join(', '));
      }
    }, 120_000);
  }
});
