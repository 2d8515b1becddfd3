// One load measurement in a fresh process (so peak RSS belongs to it alone), for cpu.bench.mjs.
//   node bench/load-child.mjs read|load <checkpoint dir> <threads>  -> JSON on stdout
import { readFileSync } from 'node:fs';
import path from 'node:path';

const [mode, dir, threads] = process.argv.slice(2);
const vmHWM = () => {
  const m = readFileSync('/proc/self/status', 'utf8').match(/^VmHWM:\s+(\d+) kB/m);
  return m ? Number(m[1]) * 1024 : process.memoryUsage().rss;
};
let result;
if (mode === 'read') {
  const baseRss = process.memoryUsage().rss;
  const t = performance.now();
  const bytes = readFileSync(path.join(dir, 'model.safetensors'));
  const seconds = (performance.now() - t) / 1000;
  result = { seconds, bytes: bytes.length, baseRss, peakRss: vmHWM() };
} else {
  const { loadModel } = await import('@ultrafastbert/bert');
  const { cpuBackend } = await import('../dist/index.js');
  const backend = await cpuBackend({ threads: Number(threads) });
  const baseRss = process.memoryUsage().rss;
  const t = performance.now();
  const loaded = await loadModel(dir, { backend });
  const seconds = (performance.now() - t) / 1000;
  result = { seconds, baseRss, peakRss: vmHWM() };
  loaded.dispose();
  backend.destroy();
}
process.stdout.write(JSON.stringify(result));
