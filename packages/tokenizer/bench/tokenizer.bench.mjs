// Throughput of @ultrafastbert/tokenizer against the HF Rust tokenizer (@anush008/tokenizers, N-API binding of the
// `tokenizers` crate) and the pure-JS @huggingface/tokenizers, on /work/shared/tokenizers/corpus/shared.jsonl.
// Run `pnpm --filter @ultrafastbert/tokenizer build` first: this imports the built dist.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tokenizer as RustTokenizer } from '@anush008/tokenizers';
import { Tokenizer as JsTokenizer } from '@huggingface/tokenizers';
import { fromFile } from '../dist/node.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..', '..');
const shared = join(repo, '..', 'shared', 'tokenizers');
const out = join(repo, 'bench', 'results', 'tokenizer.json');
const MODELS = (process.env.BENCH_MODELS ?? 'bert-base-uncased,crammed-style-synthetic').split(',');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const BATCH = 256;

const corpus = readFileSync(join(shared, 'corpus', 'shared.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l));
// The Rust binding's encodeBatch takes single texts only, so the batch benchmark uses the corpus' single texts.
const singles = corpus.filter((r) => r.text_pair === undefined).map((r) => r.text);
const chunks = [];
for (let i = 0; i < singles.length; i += BATCH) chunks.push(singles.slice(i, i + BATCH));

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Median seconds of each case over RUNS rounds after one warm-up round. The cases run round-robin inside each round
 * so that background load on the machine affects all libraries alike.
 */
async function timeAll(cases) {
  const ts = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  for (let round = 0; round <= RUNS; round++) {
    for (const [k, fn] of Object.entries(cases)) {
      const t0 = performance.now();
      await fn();
      if (round > 0) ts[k].push((performance.now() - t0) / 1000);
    }
  }
  return Object.fromEntries(Object.entries(ts).map(([k, v]) => [k, median(v)]));
}

const results = [];
for (const model of MODELS) {
  const path = join(shared, 'vocab', `${model}.tokenizer.json`);
  const ours = fromFile(path);
  const rust = RustTokenizer.fromFile(path);
  const js = new JsTokenizer(
    JSON.parse(readFileSync(path, 'utf8')),
    JSON.parse(readFileSync(join(shared, 'vocab', `${model}.tokenizer_config.json`), 'utf8')),
  );
  let tokens = 0;
  for (const r of corpus) tokens += ours.encode(r.text, { pair: r.text_pair ?? null }).inputIds.length;
  let batchTokens = 0;
  for (const t of singles) batchTokens += ours.encode(t).inputIds.length;
  let sink = 0;
  const rustBatch = async () => {
    for (const c of chunks) {
      const b = await rust.encodeBatch(c, { addSpecialTokens: true });
      for (const e of b) sink += e.getIds().length;
    }
  };
  const rows = await timeAll({
    ours_single: () => {
      for (const r of corpus) sink += ours.encode(r.text, { pair: r.text_pair ?? null }).inputIds.length;
    },
    rust_single: async () => {
      for (const r of corpus)
        sink += (await rust.encode(r.text, r.text_pair ?? null, { addSpecialTokens: true })).getIds().length;
    },
    js_single: () => {
      for (const r of corpus) sink += js.encode(r.text, { text_pair: r.text_pair ?? null }).ids.length;
    },
    ours_batch: () => {
      for (const c of chunks) {
        const b = ours.encodeBatch(c);
        for (const e of b.encodings) sink += e.inputIds.length;
      }
    },
    rust_batch: rustBatch,
    // HF reads TOKENIZERS_PARALLELISM on every batch call: 'false' makes it sequential.
    rust_batch_1thread: async () => {
      process.env.TOKENIZERS_PARALLELISM = 'false';
      await rustBatch();
      delete process.env.TOKENIZERS_PARALLELISM;
    },
    // The pure-JS library has no batch API: a loop over encode is its batch.
    js_batch: () => {
      for (const c of chunks) for (const t of c) sink += js.encode(t).ids.length;
    },
  });
  if (sink === 42) console.log('');
  const tps = Object.fromEntries(
    Object.entries(rows).map(([k, s]) => [k, Math.round((k.endsWith('single') ? tokens : batchTokens) / s)]),
  );
  results.push({
    model,
    records: corpus.length,
    tokens,
    batch_records: singles.length,
    batch_tokens: batchTokens,
    seconds: rows,
    tokens_per_s: tps,
    ratios: {
      single_vs_rust: +(tps.ours_single / tps.rust_single).toFixed(2),
      single_vs_js: +(tps.ours_single / tps.js_single).toFixed(2),
      batch_vs_rust: +(tps.ours_batch / tps.rust_batch).toFixed(2),
      batch_vs_rust_1thread: +(tps.ours_batch / tps.rust_batch_1thread).toFixed(2),
      batch_vs_js: +(tps.ours_batch / tps.js_batch).toFixed(2),
    },
  });
}

const fmt = (n) => `${(n / 1e6).toFixed(2)}M`;
console.log(
  `CPU: ${os.cpus()[0]?.model} x${os.cpus().length}, Node ${process.version}, ${new Date().toISOString()}`,
);
console.log(
  `single encode: all ${corpus.length} records (singles and pairs); batch: the ${singles.length} single texts in batches of ${BATCH}; median of ${RUNS} runs\n`,
);
console.log(
  '| model | mode | ours tok/s | Rust tok/s | pure-JS tok/s | vs Rust | vs pure-JS |\n|---|---|---|---|---|---|---|',
);
for (const r of results) {
  const t = r.tokens_per_s;
  console.log(
    `| ${r.model} | single encode | ${fmt(t.ours_single)} | ${fmt(t.rust_single)} | ${fmt(t.js_single)} | ${r.ratios.single_vs_rust}x | ${r.ratios.single_vs_js}x |`,
  );
  console.log(
    `| ${r.model} | batch (${os.cpus().length} threads in Rust) | ${fmt(t.ours_batch)} | ${fmt(t.rust_batch)} | ${fmt(t.js_batch)} | ${r.ratios.batch_vs_rust}x | ${r.ratios.batch_vs_js}x |`,
  );
  console.log(
    `| ${r.model} | batch (Rust 1 thread) | ${fmt(t.ours_batch)} | ${fmt(t.rust_batch_1thread)} | ${fmt(t.js_batch)} | ${r.ratios.batch_vs_rust_1thread}x | ${r.ratios.batch_vs_js}x |`,
  );
}
mkdirSync(dirname(out), { recursive: true });
writeFileSync(
  out,
  `${JSON.stringify(
    {
      benchmark: 'tokenizer',
      date: new Date().toISOString(),
      cpu: os.cpus()[0]?.model,
      cores: os.cpus().length,
      node: process.version,
      corpus: 'shared/tokenizers/corpus/shared.jsonl',
      batch_size: BATCH,
      runs: RUNS,
      libraries: {
        ours: '@ultrafastbert/tokenizer (dist)',
        rust: '@anush008/tokenizers@0.6.0 (HF tokenizers 0.22.2, N-API; encode is async, encodeBatch uses rayon threads)',
        js: '@huggingface/tokenizers@0.2.0 (pure JS, no batch API: batch = loop of encode)',
      },
      results,
    },
    null,
    2,
  )}\n`,
);
console.log(`\nwrote ${out}`);
