/**
 * The Embedder contract (src/ports/embedder.ts): every embedder runs this same suite.
 *
 * Usage (in a *.test.ts file):
 *   embedderContract('openrouter', async () => ({ embedder, backendCalls, batchSize, holdNextCall }), { skips });
 */
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { HitlineError, UserInputError } from '../../src/core/errors.js';
import type { Embedder } from '../../src/ports/embedder.js';
import { cosineSimilarity } from '../../src/util/vector-math.js';
import { ABORT_ERROR, abortMidCall, contractTests, required, type ContractOptions, type HoldNextCall } from './contract-kit.js';
import { distinctPhotos, UNREADABLE_IMAGE } from './fixtures.js';

export interface EmbedderUnderTest {
  embedder: Embedder;
  /** Calls made to the backend so far (a fake server's request count); absent for adapters that work in this process. */
  backendCalls?: () => number;
  /** Inputs per backend call, when the adapter batches: the order test then sends more than two batches' worth. */
  batchSize?: number;
  /** See HoldNextCall; without it, the abort test's images must take the adapter well over ABORT_AFTER_MS. */
  holdNextCall?: HoldNextCall;
}

export const EMBEDDER_TESTS = [
  'declares a whole-number dimension, and embedTexts exactly when it declares text support',
  'gives one L2-normalised vector of the declared dimension per image',
  'keeps input order across batches',
  'gives an empty list for no input',
  'makes no backend call for no input',
  'embeds text into the same space when it declares text support',
  'fails the whole call on an unreadable image, naming it, rather than skip it',
  'rejects with an AbortError when the signal is already aborted',
  'rejects with an AbortError, and gives no vector, when aborted mid-call',
] as const;
export type EmbedderTest = (typeof EMBEDDER_TESTS)[number];

const norm = (v: Float32Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

/** Same vector: equal up to float noise (a batch boundary may change summation order, never the result). */
function expectSameVector(actual: Float32Array, expected: Float32Array, what: string): void {
  expect(cosineSimilarity(actual, expected), what).toBeGreaterThan(0.99999);
}

export function embedderContract(name: string, make: () => Promise<EmbedderUnderTest>, options: ContractOptions<EmbedderTest> = {}): void {
  describe(`Embedder contract: ${name}`, () => {
    const test = contractTests(`Embedder contract: ${name}`, EMBEDDER_TESTS, options.skips);
    let subject: EmbedderUnderTest;
    let photos: Buffer[];
    beforeAll(async () => {
      subject = await make();
      // Enough for more than two batches; five for adapters that do not batch.
      photos = await distinctPhotos(subject.batchSize ? 2 * subject.batchSize + 1 : 5);
    });
    afterAll(() => subject?.embedder.close?.());

    test('declares a whole-number dimension, and embedTexts exactly when it declares text support', async () => {
      const { embedder } = subject;
      expect(Number.isInteger(embedder.dimension) && embedder.dimension > 0).toBe(true);
      expect(typeof embedder.supportsText).toBe('boolean');
      expect(typeof embedder.embedTexts === 'function').toBe(embedder.supportsText);
    });

    test('gives one L2-normalised vector of the declared dimension per image', async () => {
      const vectors = await subject.embedder.embedImages(photos.slice(0, 3));
      expect(vectors).toHaveLength(3);
      for (const v of vectors) {
        expect(v).toBeInstanceOf(Float32Array);
        expect(v.length).toBe(subject.embedder.dimension);
        expect(v.every(Number.isFinite)).toBe(true);
        expect(norm(v)).toBeCloseTo(1, 5);
      }
    });

    test('keeps input order across batches', async () => {
      const forward = await subject.embedder.embedImages(photos);
      const backward = await subject.embedder.embedImages([...photos].reverse());
      expect(forward).toHaveLength(photos.length);
      expect(backward).toHaveLength(photos.length);
      // The photos differ, so a vector in the wrong slot would show.
      for (let i = 1; i < forward.length; i++) expect(cosineSimilarity(forward[i], forward[i - 1]), `photos ${i} and ${i + 1}`).toBeLessThan(0.9999);
      forward.forEach((v, i) => expectSameVector(backward[photos.length - 1 - i], v, `photo ${i + 1}`));
    });

    test('gives an empty list for no input', async () => {
      expect(await subject.embedder.embedImages([])).toEqual([]);
      if (subject.embedder.embedTexts) expect(await subject.embedder.embedTexts([])).toEqual([]);
    });

    test('makes no backend call for no input', async () => {
      const calls = required(subject.backendCalls, 'backendCalls from the runner');
      const before = calls();
      await subject.embedder.embedImages([]);
      await subject.embedder.embedTexts?.([]);
      expect(calls()).toBe(before);
    });

    test('embeds text into the same space when it declares text support', async () => {
      const embedTexts = required(subject.embedder.supportsText ? subject.embedder.embedTexts : undefined, 'text support (supportsText and embedTexts)');
      const texts = ['red floral midi dress', 'black leather ankle boots', 'green cotton tee'];
      const vectors = await embedTexts.call(subject.embedder, texts);
      expect(vectors).toHaveLength(texts.length);
      // The images' space: their dimension and unit norm, so the store and the dense leg take both alike.
      for (const v of vectors) {
        expect(v).toBeInstanceOf(Float32Array);
        expect(v.length).toBe(subject.embedder.dimension);
        expect(norm(v)).toBeCloseTo(1, 5);
      }
      const reversed = await embedTexts.call(subject.embedder, [...texts].reverse());
      vectors.forEach((v, i) => expectSameVector(reversed[texts.length - 1 - i], v, `text ${i + 1}`));
    });

    test('fails the whole call on an unreadable image, naming it, rather than skip it', async () => {
      const error = await subject.embedder.embedImages([photos[0], UNREADABLE_IMAGE, photos[1]]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UserInputError);
      expect((error as HitlineError).message).toMatch(/image 2 of 3/i);
    });

    test('rejects with an AbortError when the signal is already aborted', async () => {
      await expect(subject.embedder.embedImages(photos.slice(0, 1), { signal: AbortSignal.abort() })).rejects.toMatchObject(ABORT_ERROR);
    });

    test('rejects with an AbortError, and gives no vector, when aborted mid-call', async () => {
      const outcome = await abortMidCall((signal) => subject.embedder.embedImages(photos, { signal }), subject.holdNextCall);
      expect(outcome).toMatchObject(ABORT_ERROR);
      // The adapter is still usable after an aborted call.
      expect(await subject.embedder.embedImages(photos.slice(0, 1))).toHaveLength(1);
    });
  });
}
