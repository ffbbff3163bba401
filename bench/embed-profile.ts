/**
 * Where the offline embedder's CPU goes, per photo and stage, for the default recipe (issue 12: profile before
 * making ingest faster). CPU time of this process per stage, medians over `--photos` 640×800 photo-like JPEGs
 * after one warm-up round; also the network's cost per image at batch sizes 1, 4 and 8 and whether batching
 * changes its output.
 *
 *   node --import tsx bench/embed-profile.ts [--photos 20]
 */
import { photoBytes } from './batch-fixtures.js';
import { loadCnnFeatureExtractor } from '../src/adapters/local/embedder/cnn-features.js';
import { loadFeatureNetwork } from '../src/adapters/local/embedder/feature-network.js';
import { findProductBox } from '../src/adapters/local/embedder/product-box.js';
import { cropToSquare, decodeUprightRgb } from '../src/adapters/local/embedder/raw-image.js';
import { DEFAULT_LOCAL_RECIPE, RECIPES } from '../src/adapters/local/embedder/recipes.js';
import type { CnnBlock } from '../src/adapters/local/embedder/recipes.js';
import { tfWasm } from '../src/adapters/local/embedder/tf-runtime.js';
import { loadAverage } from './batch-results.js';

const count = Number(process.argv[process.argv.indexOf('--photos') + 1]) || 20;
const block = RECIPES[DEFAULT_LOCAL_RECIPE].blocks[0] as CnnBlock;
const photos = await Promise.all(Array.from({ length: count }, (_, i) => photoBytes(640, 800, 5000 + i)));
const extractor = await loadCnnFeatureExtractor(block);
const { tf, network } = await loadFeatureNetwork(block.network, block.layers.map((l) => l.layer));
const cpuMs = async (work: () => Promise<unknown> | unknown) => {
  const c = process.cpuUsage();
  await work();
  const d = process.cpuUsage(c);
  return (d.user + d.system) / 1000;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const stages: Record<string, number[]> = { decode: [], 'product box': [], 'crop to 224': [], 'network': [], 'crop + network + pooling': [] };
const load = loadAverage();
for (let round = 0; round < 2; round++) {
  for (const bytes of photos) {
    const t: Record<string, number> = {};
    let image!: Awaited<ReturnType<typeof decodeUprightRgb>>;
    t.decode = await cpuMs(async () => (image = await decodeUprightRgb(bytes)));
    let box!: ReturnType<typeof findProductBox>;
    t['product box'] = await cpuMs(() => (box = findProductBox(image)));
    let crop!: Awaited<ReturnType<typeof cropToSquare>>;
    t['crop to 224'] = await cpuMs(async () => (crop = await cropToSquare(image, box.box, block.inputSize, box.background)));
    t.network = await cpuMs(() => {
      const input = tf.tidy(() => tf.tensor4d(crop.data, [1, 224, 224, 3], 'int32').toFloat().div(255)) as never;
      const out = network.activations(input);
      out.forEach((o) => o.dataSync());
      tf.dispose([input, ...out]);
    });
    t['crop + network + pooling'] = await cpuMs(() => extractor.extract(image, box));
    if (round === 1) for (const [k, v] of Object.entries(t)) stages[k].push(v);
  }
}
console.log(`# Offline embedder, CPU per photo (${count} photos 640×800, default recipe ${DEFAULT_LOCAL_RECIPE}; load average ${load})\n`);
console.log('| stage | CPU ms per photo (median) |\n|---|---|');
for (const [k, v] of Object.entries(stages)) console.log(`| ${k} | ${median(v).toFixed(1)} |`);
console.log(`| pooling (the line above minus crop and network) | ${(median(stages['crop + network + pooling']) - median(stages['crop to 224']) - median(stages.network)).toFixed(1)} |`);
const x = tf.randomUniform([8, 224, 224, 3]) as never as import('@tensorflow/tfjs').Tensor4D;
console.log('\n| network batch | CPU ms per image | largest difference from batch 1 |\n|---|---|---|');
const one = network.activations(x.slice([0, 0, 0, 0], [1, -1, -1, -1]))[0].dataSync();
for (const n of [1, 4, 8]) {
  const xs = x.slice([0, 0, 0, 0], [n, -1, -1, -1]);
  network.activations(xs).forEach((o) => o.dispose());
  const reps = Math.ceil(16 / n);
  let first!: Float32Array;
  const ms = await cpuMs(() => {
    for (let r = 0; r < reps; r++) {
      const out = network.activations(xs);
      if (r === 0) first = out[0].dataSync().slice(0, one.length) as Float32Array;
      tf.dispose(out);
    }
  });
  let diff = 0;
  for (let i = 0; i < one.length; i++) diff = Math.max(diff, Math.abs(one[i] - first[i]));
  console.log(`| ${n} | ${(ms / (reps * n)).toFixed(1)} | ${diff} |`);
}
console.log(`\nSIMD: ${String(await (await tfWasm()).env().getAsync('WASM_HAS_SIMD_SUPPORT'))}; threads inside wasm: 1 (the threaded build cannot start its workers under Node)`);
