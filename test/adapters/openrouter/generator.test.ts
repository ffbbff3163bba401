import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ReferenceImage } from '../../../src/ports/style-analyzer.js';
import { createOpenRouterImageGenerator } from '../../../src/adapters/openrouter/image-generator.js';
import type { GenerateRequest } from '../../../src/ports/image-generator.js';
import { outputSize } from '../../../src/core/output-sizes.js';
import { OpenRouterNoImageError, UnsupportedImageOptionError } from '../../../src/adapters/openrouter/errors.js';
import { NoImageGeneratedError } from '../../../src/core/errors.js';
import type { UsageReport } from '../../../src/adapters/openrouter/usage.js';
import { fakeBrief } from '../../fakes/openrouter-fake-answers.js';
import { startOpenRouterFake, type OpenRouterFake } from '../../fakes/openrouter-fake.js';
import { TEST_KEY, dataUriBytes, meanColour, newProduct, reference, solidImage, testClient } from './helpers.js';

const NB2 = 'google/gemini-3.1-flash-image-preview';
const PRO = 'google/gemini-3-pro-image-preview';
const GEN1 = 'google/gemini-2.5-flash-image';

let fake: OpenRouterFake;
let productImage: Buffer;
let refs: ReferenceImage[];
const refColours = [
  { r: 30, g: 200, b: 40 },
  { r: 30, g: 40, b: 210 },
  { r: 200, g: 200, b: 20 },
  { r: 120, g: 20, b: 160 },
];
beforeAll(async () => {
  fake = await startOpenRouterFake({ apiKey: TEST_KEY });
  productImage = await solidImage(3000, 4000, { r: 230, g: 20, b: 20 });
  refs = await Promise.all(refColours.map(async (c, i) => reference(`SKU00${i + 1}`, await solidImage(1500, 2000, c))));
});
afterAll(() => fake.stop());
afterEach(() => {
  fake.reset();
  fake.configure({ imagePlacement: 'images' });
});

function request(overrides: Partial<GenerateRequest> = {}): GenerateRequest {
  return {
    product: newProduct(),
    productImage,
    references: refs,
    brief: fakeBrief('g'),
    prompt: 'Image 1 is the product. Photograph a model wearing it in the style of Image 2.',
    aspectRatio: '3:4',
    sizeTier: '2K',
    variant: 1,
    ...overrides,
  };
}

async function failure(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a failure');
}

describe('OpenRouter image generator: request', () => {
  it('sends the product photo first, then the references, then the prompt, with modalities and image_config', async () => {
    const { client } = testClient(fake);
    const generator = createOpenRouterImageGenerator({ client, maxReferences: 3 });
    await generator.generate(request());
    const [req] = fake.requestsTo('chat');
    const body = req.body;
    expect(body.model).toBe(NB2);
    expect(body.modalities).toEqual(['image', 'text']);
    expect(body.image_config).toEqual({ aspect_ratio: '3:4', image_size: '2K' });
    expect(body.stream).toBeUndefined();
    expect(body.messages).toHaveLength(1);
    const parts = body.messages[0].content;
    expect(parts.map((p: { type: string }) => p.type)).toEqual(['image_url', 'image_url', 'image_url', 'image_url', 'text']);
    expect(parts[4].text).toBe(request().prompt);
    const product = dataUriBytes(parts[0].image_url.url);
    expect(product.mime).toBe('image/jpeg');
    const pm = await sharp(product.bytes).metadata();
    expect([pm.width, pm.height]).toEqual([1536, 2048]);
    expect((await meanColour(product.bytes)).r).toBeGreaterThan(200);
    for (let i = 1; i <= 3; i++) {
      const ref = dataUriBytes(parts[i].image_url.url);
      expect(ref.mime).toBe('image/jpeg');
      const m = await sharp(ref.bytes).metadata();
      expect(Math.max(m.width!, m.height!)).toBeLessThanOrEqual(1024);
      const c = await meanColour(ref.bytes);
      expect(Math.abs(c.g - refColours[i - 1].g)).toBeLessThan(12);
      expect(Math.abs(c.b - refColours[i - 1].b)).toBeLessThan(12);
    }
  });

  it('sends no more references than configured, best first', async () => {
    const { client } = testClient(fake);
    const generator = createOpenRouterImageGenerator({ client, maxReferences: 1 });
    expect(generator.maxReferences).toBe(1);
    await generator.generate(request());
    const parts = fake.requestsTo('chat')[0].body.messages[0].content;
    expect(parts.filter((p: { type: string }) => p.type === 'image_url')).toHaveLength(2);
    expect((await meanColour(dataUriBytes(parts[1].image_url.url).bytes)).g).toBeGreaterThan(180);
  });

  it("refuses a reference count above the model's input image limit", () => {
    const { client } = testClient(fake);
    expect(createOpenRouterImageGenerator({ client, model: NB2, maxReferences: 13 }).maxReferences).toBe(13);
    const err = (() => {
      try {
        createOpenRouterImageGenerator({ client, model: NB2, maxReferences: 14 });
      } catch (e) {
        return e as UnsupportedImageOptionError;
      }
    })();
    expect(err).toBeInstanceOf(UnsupportedImageOptionError);
    expect(err!.message).toContain('at most 14 input images');
    expect(() => createOpenRouterImageGenerator({ client, model: PRO, maxReferences: 11 })).toThrow(UnsupportedImageOptionError);
    expect(() => createOpenRouterImageGenerator({ client, model: GEN1, maxReferences: 3 })).toThrow(UnsupportedImageOptionError);
    expect(createOpenRouterImageGenerator({ client, model: GEN1 }).maxReferences).toBe(2);
  });

  it.each([
    [PRO, '1:8', '2K', 'aspectRatio', /cannot make 1:8 images/],
    [PRO, '3:4', '0.5K', 'sizeTier', /cannot make 0.5K images; it supports 1K, 2K, 4K/],
    [GEN1, '3:4', '2K', 'sizeTier', /cannot make 2K images; it supports 1K/],
    [GEN1, '4:1', '1K', 'aspectRatio', /cannot make 4:1 images/],
  ] as const)('%s refuses %s at %s before sending anything', async (model, aspectRatio, sizeTier, option, message) => {
    const { client } = testClient(fake);
    const generator = createOpenRouterImageGenerator({ client, model, maxReferences: 1 });
    const err = await failure(generator.generate(request({ aspectRatio, sizeTier })));
    expect(err).toBeInstanceOf(UnsupportedImageOptionError);
    expect(err.option).toBe(option);
    expect(err.message).toContain(model);
    expect(err.message).toMatch(message);
    expect(err.hint).toBeTruthy();
    expect(fake.requests).toHaveLength(0);
  });

  it('declares what each model supports', () => {
    const { client } = testClient(fake);
    const nb2 = createOpenRouterImageGenerator({ client, model: NB2 });
    expect(nb2.supportedAspectRatios).toContain('1:8');
    expect(nb2.supportedSizeTiers).toEqual(['0.5K', '1K', '2K', '4K']);
    const pro = createOpenRouterImageGenerator({ client, model: PRO });
    expect(pro.supportedAspectRatios).not.toContain('4:1');
    expect(pro.supportedSizeTiers).toEqual(['1K', '2K', '4K']);
  });
});

describe('OpenRouter image generator: answers', () => {
  it('reads the image from message.images with its real size; no warning when it matches', async () => {
    const { client } = testClient(fake);
    const result = await createOpenRouterImageGenerator({ client }).generate(request());
    expect(result.images).toHaveLength(1);
    const [img] = result.images;
    expect(img.mime).toBe('image/png');
    expect([img.width, img.height]).toEqual([1792, 2400]);
    const meta = await sharp(img.bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 1792, 2400]);
    expect(img.warnings).toEqual([]);
    expect(result.text).toBe('Here is the promo image.');
  });

  it('reads images given as image_url parts of message.content', async () => {
    fake.configure({ imagePlacement: 'content' });
    const { client } = testClient(fake);
    const result = await createOpenRouterImageGenerator({ client }).generate(request({ aspectRatio: '1:8', sizeTier: '0.5K' }));
    expect(result.images).toHaveLength(1);
    expect([result.images[0].width, result.images[0].height]).toEqual([outputSize('1:8', '0.5K').width, outputSize('1:8', '0.5K').height]);
    expect(result.text).toBe('Here is the promo image.');
  });

  it('counts an image given in both places once', async () => {
    fake.configure({ imagePlacement: 'both' });
    const { client } = testClient(fake);
    const result = await createOpenRouterImageGenerator({ client }).generate(request({ sizeTier: '1K' }));
    expect(result.images).toHaveLength(1);
  });

  it('warns when the model returns another pixel size than asked', async () => {
    const { client } = testClient(fake);
    fake.enqueue('chat', { kind: 'wrong-size', width: 1024, height: 1024 });
    const result = await createOpenRouterImageGenerator({ client }).generate(request());
    const [img] = result.images;
    expect([img.width, img.height]).toEqual([1024, 1024]);
    expect(img.warnings).toHaveLength(1);
    expect(img.warnings[0]).toContain('1792×2400');
    expect(img.warnings[0]).toContain('1024×1024');
  });

  it("throws the port's NoImageGeneratedError carrying the model text when no image comes back, and still reports usage", async () => {
    const { client } = testClient(fake);
    const reports: UsageReport[] = [];
    fake.enqueue('chat', { kind: 'no-image', text: 'I cannot depict this garment on a person.' });
    const err = await failure(createOpenRouterImageGenerator({ client, onUsage: (r) => reports.push(r) }).generate(request()));
    expect(err).toBeInstanceOf(NoImageGeneratedError);
    expect(err).toBeInstanceOf(OpenRouterNoImageError);
    expect(err.retryable).toBe(true);
    expect(err.toJSON()).toMatchObject({ name: 'OpenRouterNoImageError', model: NB2, status: 200, finishReason: 'stop', generationId: expect.stringMatching(/^gen-/) });
    expect(err.text).toBe('I cannot depict this garment on a person.');
    expect(err.message).toContain('I cannot depict this garment');
    expect(err.message).toContain('NEW001');
    expect(err.finishReason).toBe('stop');
    expect(err.hint).toBeTruthy();
    expect(fake.requestsTo('chat')).toHaveLength(1);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ stage: 'generate', productId: 'NEW001', images: 0 });
  });

  it('reports usage with the image count, cost and generation id', async () => {
    const { client } = testClient(fake);
    const reports: UsageReport[] = [];
    await createOpenRouterImageGenerator({ client, onUsage: (r) => reports.push(r) }).generate(request());
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ stage: 'generate', model: NB2, productId: 'NEW001', images: 1, cost: 0.101, completionTokens: 1290 });
    expect(reports[0].generationId).toMatch(/^gen-/);
  });

  it('a failed attempt (finish_reason error) is retried, and both answers are reported', async () => {
    const { client } = testClient(fake);
    const reports: UsageReport[] = [];
    fake.enqueue('chat', { kind: 'finish-error', message: 'image backend crashed' });
    const result = await createOpenRouterImageGenerator({ client, onUsage: (r) => reports.push(r) }).generate(request({ sizeTier: '1K' }));
    expect(result.images).toHaveLength(1);
    expect(fake.requestsTo('chat')).toHaveLength(2);
    expect(reports.map((r) => r.images)).toEqual([0, 1]);
  });
});
