/**
 * The ImageGenerator contract (src/ports/image-generator.ts): every generator runs this same suite. Pixel
 * sizes are checked on the decoded bytes, not only on what the result says; which inputs an adapter reads is
 * seen through getters on the request, so "refused before any work" and "at most N references" hold for
 * any adapter without knowing how it works.
 *
 * Usage (in a *.test.ts file):
 *   imageGeneratorContract('openrouter', async () => ({ generator, referenceLookedPast, arrangeNoImage, holdNextCall }), { skips });
 */
import sharp from 'sharp';
import { beforeAll, describe, expect } from 'vitest';
import { HitlineError, NoImageGeneratedError, UserInputError } from '../../src/core/errors.js';
import { ASPECT_RATIOS, SIZE_TIERS, outputSize, type AspectRatio, type SizeTier } from '../../src/core/output-sizes.js';
import type { GenerateRequest, GeneratedImage, ImageGenerator } from '../../src/ports/image-generator.js';
import type { ReferenceImage } from '../../src/ports/style-analyzer.js';
import { ABORT_ERROR, abortMidCall, contractTests, required, type ContractOptions, type HoldNextCall } from './contract-kit.js';
import { BRIEF, NEW_PRODUCT, distinctPhotos, productPhoto, references } from './fixtures.js';

export type SizeChoice = readonly [AspectRatio, SizeTier];

export interface ImageGeneratorUnderTest {
  generator: ImageGenerator;
  /** The (aspect ratio, tier) pairs the size test makes; default every pair the generator declares. */
  sizes?: readonly SizeChoice[];
  /**
   * Bytes of a reference the adapter takes and then goes on to the next one, so the reference-limit test
   * sees how many it takes: a model is sent every reference it takes; the compositor stops at the first
   * usable one, so it gets unreadable bytes.
   */
  referenceLookedPast: Buffer;
  /** Makes the next call's answer hold no image (e.g. a fake model's refusal). */
  arrangeNoImage?: () => void;
  /** See HoldNextCall; without it, one generate call must take the adapter well over ABORT_AFTER_MS. */
  holdNextCall?: HoldNextCall;
}

export const IMAGE_GENERATOR_TESTS = [
  'declares its sizes and reference limit, and offers staged mode only when it composites the real product',
  'makes exactly the pixel size of each declared aspect ratio and size tier',
  'refuses an undeclared aspect ratio or size tier with a UserInputError before reading any image',
  'takes at most maxReferenceImages references, best first, and ignores the rest',
  "throws the port's retryable NoImageGeneratedError when it makes no image",
  'rejects with an AbortError when the signal is already aborted',
  'rejects with an AbortError, and gives no image, when aborted mid-call',
  'staged mode makes exactly width × height and says where the product is',
] as const;
export type ImageGeneratorTest = (typeof IMAGE_GENERATOR_TESTS)[number];

/** Every pair the generator declares. */
export function declaredSizes(generator: ImageGenerator): SizeChoice[] {
  return generator.supportedAspectRatios.flatMap((a) => generator.supportedSizeTiers.map((t) => [a, t] as const));
}

/** The declared pair with the fewest pixels (for the tests that are not about size). */
function cheapestSize(generator: ImageGenerator): SizeChoice {
  const area = ([a, t]: SizeChoice) => outputSize(a, t).width * outputSize(a, t).height;
  return declaredSizes(generator).reduce((best, s) => (area(s) < area(best) ? s : best));
}

/** The image's real pixel size and format, from its bytes. */
async function expectExactImage(image: GeneratedImage, width: number, height: number, what: string): Promise<void> {
  expect([image.width, image.height], `${what}: declared size`).toEqual([width, height]);
  const meta = await sharp(image.bytes).metadata();
  expect([meta.autoOrient?.width ?? meta.width, meta.autoOrient?.height ?? meta.height], `${what}: decoded size`).toEqual([width, height]);
  expect(`image/${meta.format}`, `${what}: mime`).toBe(image.mime);
}

/** Getters that record which reference bytes (by index) and whether the product photo were read. */
function watchedRequest(base: GenerateRequest): { request: GenerateRequest; referencesRead: number[]; productRead: () => boolean } {
  const referencesRead: number[] = [];
  let productRead = false;
  const watched = base.references.map(
    (r, i): ReferenceImage => ({
      product: r.product,
      get bytes() {
        if (!referencesRead.includes(i)) referencesRead.push(i);
        return r.bytes;
      },
    }),
  );
  const request = { ...base, references: watched };
  Object.defineProperty(request, 'productImage', {
    enumerable: true,
    get() {
      productRead = true;
      return base.productImage;
    },
  });
  return { request, referencesRead, productRead: () => productRead };
}

export function imageGeneratorContract(name: string, make: () => Promise<ImageGeneratorUnderTest>, options: ContractOptions<ImageGeneratorTest> = {}): void {
  describe(`ImageGenerator contract: ${name}`, () => {
    const test = contractTests(`ImageGenerator contract: ${name}`, IMAGE_GENERATOR_TESTS, options.skips);
    let subject: ImageGeneratorUnderTest;
    let photo: Buffer;
    let refs: ReferenceImage[];
    let cheapest: SizeChoice;
    const request = (fields: Partial<GenerateRequest> = {}): GenerateRequest => ({
      product: NEW_PRODUCT,
      productImage: photo,
      references: refs,
      brief: BRIEF,
      prompt: BRIEF.prompt,
      aspectRatio: cheapest[0],
      sizeTier: cheapest[1],
      variant: 1,
      ...fields,
    });
    beforeAll(async () => {
      subject = await make();
      photo = await productPhoto();
      refs = references(await distinctPhotos(2));
      cheapest = cheapestSize(subject.generator);
    });

    test('declares its sizes and reference limit, and offers staged mode only when it composites the real product', async () => {
      const g = subject.generator;
      expect(g.supportedAspectRatios.length).toBeGreaterThan(0);
      expect(g.supportedAspectRatios.every((a) => ASPECT_RATIOS.includes(a))).toBe(true);
      expect(g.supportedSizeTiers.length).toBeGreaterThan(0);
      expect(g.supportedSizeTiers.every((t) => SIZE_TIERS.includes(t))).toBe(true);
      expect(Number.isInteger(g.maxReferenceImages) && g.maxReferenceImages >= 0).toBe(true);
      expect(typeof g.compositesRealProduct).toBe('boolean');
      if (g.generateStaged) expect(g.compositesRealProduct).toBe(true);
    });

    test('makes exactly the pixel size of each declared aspect ratio and size tier', async () => {
      const declared = declaredSizes(subject.generator).map((s) => s.join(' '));
      for (const [aspectRatio, sizeTier] of subject.sizes ?? declaredSizes(subject.generator)) {
        const what = `${aspectRatio} at ${sizeTier}`;
        expect(declared, `${what} is declared`).toContain(`${aspectRatio} ${sizeTier}`);
        const result = await subject.generator.generate(request({ aspectRatio, sizeTier }));
        expect(result.images.length, what).toBeGreaterThan(0);
        const { width, height } = outputSize(aspectRatio, sizeTier);
        for (const image of result.images) await expectExactImage(image, width, height, what);
      }
    }, 120_000);

    test('refuses an undeclared aspect ratio or size tier with a UserInputError before reading any image', async () => {
      const g = subject.generator;
      // The port's own values the adapter does not declare; a value outside the port's list when it declares them all.
      const aspectRatio = ASPECT_RATIOS.find((a) => !g.supportedAspectRatios.includes(a)) ?? ('7:5' as AspectRatio);
      const sizeTier = SIZE_TIERS.find((t) => !g.supportedSizeTiers.includes(t)) ?? ('8K' as SizeTier);
      for (const fields of [{ aspectRatio }, { sizeTier }]) {
        const watched = watchedRequest(request(fields));
        const error = await g.generate(watched.request).catch((e: unknown) => e);
        const what = JSON.stringify(fields);
        expect(error, what).toBeInstanceOf(UserInputError);
        expect((error as HitlineError).message, what).toContain(Object.values(fields)[0]);
        expect(watched.productRead(), `${what}: product photo read`).toBe(false);
        expect(watched.referencesRead, `${what}: references read`).toEqual([]);
      }
    });

    test('takes at most maxReferenceImages references, best first, and ignores the rest', async () => {
      const limit = subject.generator.maxReferenceImages;
      const many = references(Array.from({ length: limit + 2 }, () => subject.referenceLookedPast));
      const watched = watchedRequest(request({ references: many }));
      const result = await subject.generator.generate(watched.request);
      expect(result.images.length).toBeGreaterThan(0);
      expect(watched.referencesRead).toEqual(Array.from({ length: limit }, (_, i) => i));
    });

    test("throws the port's retryable NoImageGeneratedError when it makes no image", async () => {
      required(subject.arrangeNoImage, 'arrangeNoImage from the runner')();
      const error = await subject.generator.generate(request()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NoImageGeneratedError);
      expect((error as NoImageGeneratedError).retryable).toBe(true);
      expect((error as NoImageGeneratedError).message).toContain(NEW_PRODUCT.newId);
    });

    test('rejects with an AbortError when the signal is already aborted', async () => {
      await expect(subject.generator.generate(request({ signal: AbortSignal.abort() }))).rejects.toMatchObject(ABORT_ERROR);
    });

    test('rejects with an AbortError, and gives no image, when aborted mid-call', async () => {
      const outcome = await abortMidCall((signal) => subject.generator.generate(request({ signal })), subject.holdNextCall);
      expect(outcome).toMatchObject(ABORT_ERROR);
    });

    test('staged mode makes exactly width × height and says where the product is', async () => {
      const staged = required(subject.generator.generateStaged, 'a generateStaged method');
      // Not a tier's size: staged mode draws at the preset's own pixels.
      const [width, height] = [360, 450];
      const result = await staged.call(subject.generator, { product: NEW_PRODUCT, productImage: photo, references: refs, brief: BRIEF, width, height, variant: 1 });
      await expectExactImage(result.image, width, height, `staged ${width}×${height}`);
      const box = result.productBox;
      expect(box.width).toBeGreaterThan(0);
      expect(box.height).toBeGreaterThan(0);
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.y).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(1 + 1e-9);
      expect(box.y + box.height).toBeLessThanOrEqual(1 + 1e-9);
    });
  });
}
