/**
 * The offline Embedder: image features computed on this machine from weights shipped inside npm packages
 * (nsfwjs's networks on TensorFlow.js/wasm) and/or zero-weight histograms on sharp. No network access, no
 * text support (offline, the keyword leg carries the text side of search). With `threads` > 1 the images
 * are embedded by a pool of worker threads (embed-pool.ts) running the same code, so the vectors are the
 * same bit for bit either way.
 */
import type { EmbedOptions, Embedder } from '../../../ports/embedder.js';
import { HitlineError, UserInputError } from '../../../core/errors.js';
import { EmbedPool, PoolJobError } from './embed-pool.js';
import { decodeUprightRgb, undecodableImage, type RgbImage } from './raw-image.js';
import { createRecipeFeatures } from './recipe-features.js';
import { DEFAULT_LOCAL_RECIPE, LOCAL_RECIPE_NAMES, RECIPES, recipeDimension, type LocalRecipeName, type Recipe } from './recipes.js';

export interface LocalEmbedderOptions {
  /** Which features to compute; default DEFAULT_LOCAL_RECIPE (see recipes.ts and bench/results/retrieval-quality.md). */
  recipe?: LocalRecipeName;
  /**
   * Worker threads that embed (1 = on the calling thread, the default). The composition root passes the
   * machine's core count: measured in bench/results/batch.md.
   */
  threads?: number;
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
  const threads = options.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1) throw new UserInputError(`local embedder threads must be a whole number >= 1, not ${threads}`);
  return threads > 1 ? createPooledEmbedder(recipe, threads) : createRecipeEmbedder(recipe);
}

function adapterInfo(recipe: Recipe) {
  return { id: recipe.id, provider: 'local', model: recipe.name, paid: false, dimension: recipeDimension(recipe), supportsText: false, recipe } as const;
}

/** An embedder for any recipe, including ones that are not shipped (the benchmark's ablations), on the calling thread. */
export function createRecipeEmbedder(recipe: Recipe): LocalEmbedder {
  const features = createRecipeFeatures(recipe);
  return {
    ...adapterInfo(recipe),
    async embedImages(images: readonly Buffer[], opts?: EmbedOptions): Promise<Float32Array[]> {
      if (images.length === 0) return [];
      opts?.signal?.throwIfAborted();
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
        out.push(await features.embed(current));
      }
      // An abort during the last image still fails the call: no vectors come back from an aborted call.
      opts?.signal?.throwIfAborted();
      return out;
    },
    close: () => features.close(),
  };
}

/** The same embedder on a pool of `threads` worker threads: the images of a call (and of concurrent calls) are spread over them. */
function createPooledEmbedder(recipe: Recipe, threads: number): LocalEmbedder {
  const pool = new EmbedPool(recipe, threads);
  return {
    ...adapterInfo(recipe),
    async embedImages(images: readonly Buffer[], opts?: EmbedOptions): Promise<Float32Array[]> {
      if (images.length === 0) return [];
      try {
        return await pool.embedAll(images, opts?.signal);
      } catch (error) {
        throw error instanceof PoolJobError ? callError(error, images.length) : error;
      }
    },
    close: () => pool.close(),
  };
}

/** A pool job's failure as the port says: an undecodable image is a UserInputError naming which image of the call. */
function callError(error: PoolJobError, total: number): HitlineError {
  const index = error.index;
  if (error.kind === 'decode') return undecodableImage(index, total, error.message, error);
  return new HitlineError(`local embedder, image ${index + 1} of ${total}: ${error.message}`, { hint: error.hint, cause: error });
}

async function decodeAt(images: readonly Buffer[], index: number): Promise<RgbImage> {
  try {
    return await decodeUprightRgb(images[index]);
  } catch (error) {
    if (error instanceof HitlineError) throw error;
    throw undecodableImage(index, images.length, (error as Error).message, error);
  }
}
