// One fast feedforward layer, 1x11-shaped (768 → 768, one tree of depth 11 = 4095 nodes),
// on the pure-TypeScript reference backend: each token evaluates only 12 of the 4095 nodes.
import { FFFLayer } from '@ultrafastbert/fff';
import { createRng, randomNormal, referenceBackend, tensor } from '@ultrafastbert/tensor';

const backend = referenceBackend(); // a value: swap in another backend, the model code stays the same
const layer = FFFLayer.random({ inputWidth: 768, outputWidth: 768, depth: 11, trees: 1 }, backend, 42);
const x = tensor(backend, randomNormal(createRng(1), 4 * 768), [4, 768]); // 4 tokens

const y = await layer.forward(x); // [4, 768]
const path = await layer.route(x); // [4, 1, 12]: the node visited at each level
console.log(
  'output shape',
  JSON.stringify(y.shape),
  'first values',
  Array.from((await y.data()).slice(0, 3)),
);
console.log('token 0 visits nodes', Array.from((await path.data()).slice(0, 12)).join(' → '));

for (const t of [x, y, path]) t.dispose();
layer.dispose();
