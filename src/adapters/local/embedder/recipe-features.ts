/**
 * One recipe's features for one decoded photo: finds the product, runs each block (CNN or histograms) and
 * combines them into the unit vector the store keeps. The in-process embedder and each worker of the pool
 * (embed-worker.ts) run this same code, so both give the same vectors bit for bit.
 */
import { loadCnnFeatureExtractor, type CnnFeatureExtractor } from './cnn-features.js';
import { histogramParts, THUMBNAIL_SIZE } from './histogram-features.js';
import { findProductBox, type ProductBox } from './product-box.js';
import { cropToSquare, type RgbImage } from './raw-image.js';
import { recipeDimension, type Recipe } from './recipes.js';

export interface RecipeFeatures {
  readonly dimension: number;
  /** The recipe's unit vector for one decoded photo. Loads the networks on first use. */
  embed(image: RgbImage): Promise<Float32Array>;
  /** Frees the networks; a later `embed` loads them again. */
  close(): Promise<void>;
}

export function createRecipeFeatures(recipe: Recipe): RecipeFeatures {
  const dimension = recipeDimension(recipe);
  const needsModel = recipe.blocks.some((b) => b.kind === 'cnn');
  // Loaded on the first image, reused afterwards; `close` forgets them so a later call loads again.
  let extractors: Promise<Array<CnnFeatureExtractor | null>> | undefined;

  function loadExtractors(): Promise<Array<CnnFeatureExtractor | null>> {
    if (!needsModel) return Promise.resolve(recipe.blocks.map(() => null));
    extractors ??= Promise.all(recipe.blocks.map((b) => (b.kind === 'cnn' ? loadCnnFeatureExtractor(b) : null)));
    extractors.catch(() => {
      extractors = undefined;
    });
    return extractors;
  }

  return {
    dimension,
    async embed(image) {
      const cnn = await loadExtractors();
      const product = findProductBox(image);
      const blocks: Array<{ vector: Float32Array; weight: number }> = [];
      for (const [i, block] of recipe.blocks.entries()) {
        if (block.kind === 'histogram') {
          const parts = await histogramOf(image, product);
          blocks.push({ vector: parts.colour, weight: block.colour }, { vector: parts.gradient, weight: block.gradient }, { vector: parts.silhouette, weight: block.silhouette });
        } else {
          const pooled = await cnn[i]!.extract(image, product);
          pooled.forEach((vector, j) => blocks.push({ vector, weight: block.layers[j].weight }));
        }
      }
      return combineBlocks(blocks, dimension);
    },
    async close() {
      const loaded = extractors;
      extractors = undefined;
      if (!loaded) return;
      const list = await loaded.catch(() => []);
      for (const e of list) e?.dispose();
    },
  };
}

async function histogramOf(image: RgbImage, product: ProductBox) {
  const thumb = await cropToSquare(image, product.box, THUMBNAIL_SIZE, product.background);
  return histogramParts(thumb, product.background);
}

/**
 * L2-normalises each block, scales it by its weight, concatenates, and L2-normalises the result. A vector
 * with no signal at all (a blank image under the histogram recipe) becomes the uniform unit vector, so every
 * output has unit norm.
 */
export function combineBlocks(blocks: ReadonlyArray<{ vector: Float32Array; weight: number }>, dimension: number): Float32Array {
  const out = new Float32Array(dimension);
  let offset = 0;
  for (const { vector, weight } of blocks) {
    let sq = 0;
    for (let k = 0; k < vector.length; k++) sq += vector[k] * vector[k];
    const norm = Math.sqrt(sq);
    const scale = norm > 0 ? weight / norm : 0;
    for (let k = 0; k < vector.length; k++) out[offset + k] = vector[k] * scale;
    offset += vector.length;
  }
  if (offset !== dimension) throw new Error(`local embedder: built ${offset} values, recipe declares ${dimension}`);
  let sum = 0;
  for (let k = 0; k < dimension; k++) sum += out[k] * out[k];
  if (sum === 0) return out.fill(1 / Math.sqrt(dimension));
  const inv = 1 / Math.sqrt(sum);
  for (let k = 0; k < dimension; k++) out[k] *= inv;
  return out;
}
