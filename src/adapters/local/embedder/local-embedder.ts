/**
 * The offline Embedder: image features computed on this machine from weights shipped inside npm packages
 * (nsfwjs's networks on TensorFlow.js/wasm) and/or zero-weight histograms on sharp. No network access, no
 * text support (offline, the keyword leg carries the text side of search).
 */
import type { EmbedOptions, Embedder } from '../../../ports/embedder.js';
import { HitlineError, UserInputError } from '../../../core/errors.js';
import { loadCnnFeatureExtractor, type CnnFeatureExtractor } from './cnn-features.js';
import { histogramParts, THUMBNAIL_SIZE } from './histogram-features.js';
import { findProductBox, type ProductBox } from './product-box.js';
import { cropToSquare, decodeUprightRgb, type RgbImage } from './raw-image.js';
import { DEFAULT_LOCAL_RECIPE, LOCAL_RECIPE_NAMES, RECIPES, recipeDimension, type LocalRecipeName, type Recipe } from './recipes.js';

export interface LocalEmbedderOptions {
  /** Which features to compute; default DEFAULT_LOCAL_RECIPE (see recipes.ts and bench/results/retrieval-quality.md). */
  recipe?: LocalRecipeName;
}

export interface LocalEmbedder extends Embedder {
  readonly recipe: Recipe;
  close(): Promise<void>;
}

export function createLocalEmbedder(options: LocalEmbedderOptions = {}): LocalEmbedder {
  const name = options.recipe ?? DEFAULT_LOCAL_RECIPE;
  const recipe = Object.hasOwn(RECIPES, name) ? RECIPES[name] : undefined;
  if (!recipe) {
    throw new UserInputError(`unknown local embedder recipe ${JSON.stringify(name)}`, {
      hint: `Use one of: ${LOCAL_RECIPE_NAMES.join(', ')}.`,
    });
  }
  return createRecipeEmbedder(recipe);
}

/** An embedder for any recipe, including ones that are not shipped (the benchmark's ablations). */
export function createRecipeEmbedder(recipe: Recipe): LocalEmbedder {
  const dimension = recipeDimension(recipe);
  const needsModel = recipe.blocks.some((b) => b.kind === 'cnn');
  // Loaded on the first image, reused afterwards; `close` forgets them so a later call loads again.
  let extractors: Promise<Array<CnnFeatureExtractor | null>> | undefined;

  function loadExtractors(): Promise<Array<CnnFeatureExtractor | null>> {
    extractors ??= Promise.all(recipe.blocks.map((b) => (b.kind === 'cnn' ? loadCnnFeatureExtractor(b) : null)));
    extractors.catch(() => {
      extractors = undefined;
    });
    return extractors;
  }

  async function embedOne(image: RgbImage, cnn: Array<CnnFeatureExtractor | null>): Promise<Float32Array> {
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
  }

  return {
    id: recipe.id,
    provider: 'local',
    model: recipe.name,
    paid: false,
    dimension,
    supportsText: false,
    recipe,
    async embedImages(images: readonly Buffer[], opts?: EmbedOptions): Promise<Float32Array[]> {
      if (images.length === 0) return [];
      opts?.signal?.throwIfAborted();
      const cnn = needsModel ? await loadExtractors() : recipe.blocks.map(() => null);
      const out: Float32Array[] = [];
      // Decoding runs on sharp's thread pool, so decode the next image while the network works on this one.
      let next = decodeAt(images, 0);
      for (let i = 0; i < images.length; i++) {
        const current = await next;
        if (i + 1 < images.length) {
          next = decodeAt(images, i + 1);
          next.catch(() => {}); // surfaced when awaited; avoids an unhandled rejection if we stop early
        }
        opts?.signal?.throwIfAborted();
        out.push(await embedOne(current, cnn));
      }
      // An abort during the last image still fails the call: no vectors come back from an aborted call.
      opts?.signal?.throwIfAborted();
      return out;
    },
    async close(): Promise<void> {
      const loaded = extractors;
      extractors = undefined;
      if (!loaded) return;
      const list = await loaded.catch(() => []);
      for (const e of list) e?.dispose();
    },
  };
}

async function decodeAt(images: readonly Buffer[], index: number): Promise<RgbImage> {
  try {
    return await decodeUprightRgb(images[index]);
  } catch (error) {
    if (error instanceof HitlineError) throw error;
    throw new UserInputError(`image ${index + 1} of ${images.length} could not be decoded: ${(error as Error).message}`, {
      hint: 'Check that the file is a complete JPEG, PNG or WebP image.',
      cause: error,
    });
  }
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
