/**
 * One CNN block of a recipe: prepares the network input from a decoded photo (the whole photo stretched to a
 * square, or the product's box padded to a square), runs the network once and GeM-pools each chosen layer.
 */
import sharp from 'sharp';
import type * as tfTypes from '@tensorflow/tfjs';
import { HitlineError } from '../../../core/errors.js';
import { loadFeatureNetwork, type FeatureNetwork } from './feature-network.js';
import type { ProductBox } from './product-box.js';
import { cropToSquare, type RgbImage } from './raw-image.js';
import { pooledLayerDimension, type CnnBlock, type PooledLayer } from './recipes.js';

type Tf = typeof tfTypes;

export interface CnnFeatureExtractor {
  /** One pooled vector per layer of the block, in the block's order (not normalised). */
  extract(image: RgbImage, product: ProductBox): Promise<Float32Array[]>;
  dispose(): void;
}

export async function loadCnnFeatureExtractor(block: CnnBlock): Promise<CnnFeatureExtractor> {
  let loaded: Awaited<ReturnType<typeof loadFeatureNetwork>>;
  try {
    loaded = await loadFeatureNetwork(block.network, block.layers.map((l) => l.layer));
  } catch (error) {
    throw new HitlineError(`the local embedder could not load the ${block.network} network from the nsfwjs package: ${(error as Error).message}`, {
      hint: 'Reinstall the dependencies (npm ci): the model ships inside node_modules/nsfwjs and the runtime in @tensorflow/tfjs-backend-wasm.',
      cause: error,
    });
  }
  const { tf, network } = loaded;
  return {
    async extract(image, product) {
      const pixels = await networkInput(image, product, block);
      return runPooled(tf, network, pixels, block);
    },
    dispose: () => network.dispose(),
  };
}

async function networkInput(image: RgbImage, product: ProductBox, block: CnnBlock): Promise<Uint8Array> {
  const size = block.inputSize;
  if (block.view === 'product') return (await cropToSquare(image, product.box, size, product.background)).data;
  const data = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(size, size, { fit: 'fill', kernel: 'cubic' })
    .raw()
    .toBuffer();
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function runPooled(tf: Tf, network: FeatureNetwork, pixels: Uint8Array, block: CnnBlock): Float32Array[] {
  const size = block.inputSize;
  const pooled = tf.tidy(() => {
    const input = tf.tensor4d(pixels, [1, size, size, 3], 'int32').toFloat().div(255) as tfTypes.Tensor4D;
    const maps = network.activations(input);
    return maps.map((map, i) => poolLayer(tf, map, block.layers[i]));
  });
  try {
    return pooled.map((t, i) => {
      const v = t.dataSync() as Float32Array;
      const expected = pooledLayerDimension(block.layers[i]);
      if (v.length !== expected) {
        throw new Error(`local embedder: ${block.network} layer ${block.layers[i].layer} gave ${v.length} channels, recipe says ${expected}`);
      }
      return Float32Array.from(v);
    });
  } finally {
    tf.dispose(pooled);
  }
}

/** Pools one layer's map [1, h, w, c] as the recipe says (see recipes.ts). Call inside tf.tidy. */
function poolLayer(tf: Tf, map: tfTypes.Tensor4D, layer: PooledLayer): tfTypes.Tensor1D {
  const x = (layer.signedParts ? tf.concat([map.relu(), map.neg().relu()], 3) : map.relu()) as tfTypes.Tensor4D;
  const { pooling } = layer;
  if (pooling.kind === 'gem') return gem(x, pooling.p);
  const [, h, w] = x.shape;
  if (pooling.kind === 'grid') {
    const cells: tfTypes.Tensor1D[] = [];
    for (let r = 0; r < pooling.rows; r++) {
      const y0 = Math.floor((r * h) / pooling.rows);
      const y1 = Math.floor(((r + 1) * h) / pooling.rows);
      for (let c = 0; c < pooling.cols; c++) {
        const x0 = Math.floor((c * w) / pooling.cols);
        const x1 = Math.floor(((c + 1) * w) / pooling.cols);
        cells.push(gem(x.slice([0, y0, x0, 0], [1, y1 - y0, x1 - x0, -1]), pooling.p));
      }
    }
    return tf.concat(cells) as tfTypes.Tensor1D;
  }
  const side = Math.round(w / 3);
  const cells: tfTypes.Tensor1D[] = [];
  for (let r = 0; r < pooling.rows; r++) {
    const y0 = Math.floor((r * h) / pooling.rows);
    const y1 = Math.floor(((r + 1) * h) / pooling.rows);
    const band = x.slice([0, y0, 0, 0], [1, y1 - y0, w, -1]);
    const outer = tf.concat([band.slice([0, 0, 0, 0], [1, -1, side, -1]), band.slice([0, 0, w - side, 0], [1, -1, side, -1])], 2);
    cells.push(gem(outer as tfTypes.Tensor4D, pooling.p), gem(band.slice([0, 0, side, 0], [1, -1, w - 2 * side, -1]), pooling.p));
  }
  return tf.concat(cells) as tfTypes.Tensor1D;
}

/** Generalised mean over batch, height and width: (mean x^p)^(1/p) of non-negative activations. */
function gem(x: tfTypes.Tensor4D, p: number): tfTypes.Tensor1D {
  if (p === 1) return x.mean([0, 1, 2]) as tfTypes.Tensor1D;
  // The epsilon keeps pow(0, 1/p) differentiable-free of NaN and matches the benchmark's features.
  return x.add(1e-6).pow(p).mean([0, 1, 2]).pow(1 / p) as tfTypes.Tensor1D;
}
