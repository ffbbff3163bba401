/**
 * The offline Embedder (src/adapters/local/embedder): contract properties on images drawn in code, for the default
 * recipe (a CNN from the nsfwjs package on tfjs-wasm) and the zero-weight histogram recipe.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createLocalEmbedder, DEFAULT_LOCAL_RECIPE, LOCAL_RECIPE_NAMES, type LocalEmbedder } from '../../../../src/adapters/local/embedder/index.js';
import { tfWasm } from '../../../../src/adapters/local/embedder/tf-runtime.js';
import { UserInputError } from '../../../../src/core/errors.js';
import { cosine, dressSvg, jpeg, norm, shoeSvg, sidewaysWithExif } from './drawn-products.js';

const redDress = jpeg(dressSvg('#c0392b'));
const otherRedDress = jpeg(dressSvg('#a93226', { dx: 10, flare: 12, belt: '#222222' }));
const blueShoe = jpeg(shoeSvg('#1f4e9c'));

describe.each([DEFAULT_LOCAL_RECIPE, 'histogram'] as const)('local embedder, recipe %s', (recipe) => {
  const embedder: LocalEmbedder = createLocalEmbedder({ recipe });
  afterAll(() => embedder.close());

  it('declares an id naming its recipe and no text support', () => {
    expect(embedder.id).toMatch(/^local\/.+@\d+$/);
    expect(embedder.supportsText).toBe(false);
    expect(embedder.embedTexts).toBeUndefined();
  });

  it('returns one unit-norm vector of the declared dimension per image, in order', async () => {
    const images = [await redDress, await blueShoe];
    const vectors = await embedder.embedImages(images);
    expect(vectors).toHaveLength(2);
    for (const v of vectors) {
      expect(v).toBeInstanceOf(Float32Array);
      expect(v.length).toBe(embedder.dimension);
      expect(norm(v)).toBeCloseTo(1, 5);
    }
    const [shoeAlone] = await embedder.embedImages([images[1]]);
    expect(Array.from(vectors[1])).toEqual(Array.from(shoeAlone));
  });

  it('gives the same image the same vector, call after call', async () => {
    const [a] = await embedder.embedImages([await redDress]);
    const [b, c] = await embedder.embedImages([await redDress, await redDress]);
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(Array.from(c)).toEqual(Array.from(a));
  });

  it('applies EXIF orientation: a sideways-stored photo tagged to display upright embeds like the upright one', async () => {
    const upright = await redDress;
    const sideways = await sidewaysWithExif(upright);
    const [u, s] = await embedder.embedImages([upright, sideways]);
    expect(cosine(u, s)).toBeGreaterThan(0.97);
  });

  it('puts two red dresses closer to each other than to a blue shoe', async () => {
    const [d1, d2, shoe] = await embedder.embedImages([await redDress, await otherRedDress, await blueShoe]);
    const dresses = cosine(d1, d2);
    expect(dresses).toBeGreaterThan(cosine(d1, shoe) + 0.05);
    expect(dresses).toBeGreaterThan(cosine(d2, shoe) + 0.05);
  });

  it('refuses bytes that are not an image, saying which one and what to do', async () => {
    const error = await embedder.embedImages([await redDress, Buffer.from('not an image at all')]).catch((e) => e);
    expect(error).toBeInstanceOf(UserInputError);
    expect(error.message).toMatch(/image 2 of 2/);
    expect(error.hint).toMatch(/JPEG, PNG or WebP/);
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(embedder.embedImages([await redDress], { signal: controller.signal })).rejects.toThrow();
  });
});

describe('local embedder lifecycle', () => {
  it('keeps no tensors behind across many images, and works again after close', async () => {
    const embedder = createLocalEmbedder();
    const images = [await redDress, await otherRedDress, await blueShoe];
    const [first] = await embedder.embedImages(images.slice(0, 1)); // loads the model
    const tf = await tfWasm();
    const tensorsAfterLoad = tf.memory().numTensors;
    for (let round = 0; round < 4; round++) await embedder.embedImages(images);
    expect(tf.memory().numTensors).toBe(tensorsAfterLoad);

    await embedder.close();
    await embedder.close(); // safe twice
    expect(tf.memory().numTensors).toBeLessThan(tensorsAfterLoad);
    const [again] = await embedder.embedImages(images.slice(0, 1));
    expect(Array.from(again)).toEqual(Array.from(first));
    await embedder.close();
  });

  it('has a distinct id per recipe, and rejects an unknown recipe with the list of known ones', () => {
    const ids = LOCAL_RECIPE_NAMES.map((recipe) => createLocalEmbedder({ recipe }).id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(() => createLocalEmbedder({ recipe: 'clip' as never })).toThrow(UserInputError);
    try {
      createLocalEmbedder({ recipe: 'clip' as never });
    } catch (e) {
      expect((e as UserInputError).hint).toContain('histogram');
    }
  });
});
