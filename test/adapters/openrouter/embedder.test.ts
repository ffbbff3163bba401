import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createOpenRouterEmbedder } from '../../../src/adapters/openrouter/embedder.js';
import { EmbeddingResponseError } from '../../../src/adapters/openrouter/errors.js';
import type { UsageReport } from '../../../src/adapters/openrouter/usage.js';
import { startOpenRouterFake, type OpenRouterFake } from '../../fakes/openrouter-fake.js';
import { TEST_KEY, dataUriBytes, solidImage, testClient } from './helpers.js';

let fake: OpenRouterFake;
let images: Buffer[];
beforeAll(async () => {
  fake = await startOpenRouterFake({ apiKey: TEST_KEY, dimension: 2048 });
  // 12 distinct images; some large and one PNG, to see the downscale and re-encode.
  images = await Promise.all(
    Array.from({ length: 12 }, (_, i) => solidImage(i % 3 === 0 ? 1600 : 300, i % 3 === 0 ? 1200 : 400, { r: 20 * i, g: 100, b: 200 - 10 * i }, i === 5 ? 'png' : 'jpeg')),
  );
});
afterAll(() => fake.stop());
afterEach(() => fake.reset());

const norm = (v: Float32Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

describe('OpenRouter embedder', () => {
  it('sends images as JPEG data URIs ≤512 px in the multimodal input format, 5 per request, float encoding', async () => {
    const { client } = testClient(fake);
    const embedder = createOpenRouterEmbedder({ client });
    const vectors = await embedder.embedImages(images);
    expect(vectors).toHaveLength(12);
    const reqs = fake.requestsTo('embeddings');
    expect(reqs.map((r) => r.body.input.length)).toEqual([5, 5, 2]);
    for (const r of reqs) {
      expect(r.body.model).toBe('nvidia/llama-nemotron-embed-vl-1b-v2');
      expect(r.body.encoding_format).toBe('float');
      expect(Object.keys(r.body).sort()).toEqual(['encoding_format', 'input', 'model']);
      for (const item of r.body.input) {
        expect(item.content).toHaveLength(1);
        expect(item.content[0].type).toBe('image_url');
        const { mime, bytes } = dataUriBytes(item.content[0].image_url.url);
        expect(mime).toBe('image/jpeg');
        const meta = await sharp(bytes).metadata();
        expect(meta.format).toBe('jpeg');
        expect(Math.max(meta.width!, meta.height!)).toBeLessThanOrEqual(512);
      }
    }
    // The 1600×1200 image came down to 512×384; small ones were not enlarged.
    const first = await sharp(dataUriBytes(reqs[0].body.input[0].content[0].image_url.url).bytes).metadata();
    expect([first.width, first.height]).toEqual([512, 384]);
    const second = await sharp(dataUriBytes(reqs[0].body.input[1].content[0].image_url.url).bytes).metadata();
    expect([second.width, second.height]).toEqual([300, 400]);
  });

  it('returns L2-normalised vectors of the model dimension; the same image gives the same vector', async () => {
    const { client } = testClient(fake);
    const embedder = createOpenRouterEmbedder({ client });
    expect(embedder.id).toBe('openrouter/nvidia/llama-nemotron-embed-vl-1b-v2');
    expect(embedder.dimension).toBe(2048);
    const [a, b, a2] = await embedder.embedImages([images[1], images[2], images[1]]);
    for (const v of [a, b, a2]) {
      expect(v).toBeInstanceOf(Float32Array);
      expect(v.length).toBe(2048);
      expect(norm(v)).toBeCloseTo(1, 5);
    }
    expect(Array.from(a2)).toEqual(Array.from(a));
    expect(Array.from(b)).not.toEqual(Array.from(a));
  });

  it('places vectors by index even when the answer comes back in another order', async () => {
    const { client } = testClient(fake);
    const embedder = createOpenRouterEmbedder({ client });
    const inOrder = await embedder.embedImages(images.slice(0, 5));
    fake.configure({ reverseEmbeddings: true });
    try {
      const reversed = await embedder.embedImages(images.slice(0, 5));
      expect(reversed.map((v) => Array.from(v))).toEqual(inOrder.map((v) => Array.from(v)));
    } finally {
      fake.configure({ reverseEmbeddings: false });
    }
  });

  it('fails the whole batch loudly when an input is missing from the answer', async () => {
    const { client } = testClient(fake);
    const embedder = createOpenRouterEmbedder({ client });
    fake.enqueue('embeddings', { kind: 'drop-embedding', index: 3 });
    const err = await embedder.embedImages(images.slice(0, 5)).catch((e) => e);
    expect(err).toBeInstanceOf(EmbeddingResponseError);
    expect(err.message).toContain('4 of 5 vectors');
    expect(err.message).toContain('missing: input 4');
    expect(err.hint).toBeTruthy();
  });

  it('names the position in the whole call, not just the batch', async () => {
    const { client } = testClient(fake);
    const embedder = createOpenRouterEmbedder({ client, batchSize: 5 });
    // The second request (inputs 6..10) loses its first item.
    fake.enqueue('embeddings', { kind: 'none' }, { kind: 'drop-embedding', index: 0 });
    const err = await embedder.embedImages(images.slice(0, 10)).catch((e) => e);
    expect(err).toBeInstanceOf(EmbeddingResponseError);
    expect(err.message).toContain('missing: input 6');
    expect(fake.requestsTo('embeddings')).toHaveLength(2);
  });

  it('fails when a vector has the wrong dimension', async () => {
    const { client } = testClient(fake);
    const embedder = createOpenRouterEmbedder({ client });
    fake.enqueue('embeddings', { kind: 'wrong-dimension', dimension: 1024 });
    const err = await embedder.embedImages(images.slice(0, 2)).catch((e) => e);
    expect(err).toBeInstanceOf(EmbeddingResponseError);
    expect(err.message).toContain('1024 numbers, expected 2048');
    expect(err.retryable).toBe(false);
  });

  it('takes a configured dimension', async () => {
    const small = await startOpenRouterFake({ dimension: 64 });
    try {
      const { client } = testClient(small);
      const vectors = await createOpenRouterEmbedder({ client, dimension: 64 }).embedImages(images.slice(0, 2));
      expect(vectors.map((v) => v.length)).toEqual([64, 64]);
    } finally {
      await small.stop();
    }
  });

  it('embeds texts through the same model, as text parts', async () => {
    const { client } = testClient(fake);
    const embedder = createOpenRouterEmbedder({ client });
    expect(embedder.supportsText).toBe(true);
    const [v] = await embedder.embedTexts!(['red midi dress']);
    expect(v.length).toBe(2048);
    expect(norm(v)).toBeCloseTo(1, 5);
    const [req] = fake.requestsTo('embeddings');
    expect(req.body.input).toEqual([{ content: [{ type: 'text', text: 'red midi dress' }] }]);
    expect(req.body.encoding_format).toBe('float');
  });

  it('reports usage per request with stage "embed"', async () => {
    const { client } = testClient(fake);
    const reports: UsageReport[] = [];
    const embedder = createOpenRouterEmbedder({ client, onUsage: (r) => reports.push(r) });
    await embedder.embedImages(images.slice(0, 7));
    expect(reports).toHaveLength(2);
    expect(reports[0]).toMatchObject({ stage: 'embed', model: 'nvidia/llama-nemotron-embed-vl-1b-v2', cost: 0, promptTokens: 5 * 64 });
  });

  it('applies EXIF orientation before sending (a phone photo taken upright stays upright)', async () => {
    const { client } = testClient(fake);
    const sideways = await sharp({ create: { width: 200, height: 100, channels: 3, background: { r: 10, g: 20, b: 30 } } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    await createOpenRouterEmbedder({ client }).embedImages([sideways]);
    const sent = await sharp(dataUriBytes(fake.requestsTo('embeddings')[0].body.input[0].content[0].image_url.url).bytes).metadata();
    expect([sent.width, sent.height]).toEqual([100, 200]);
  });

  it('makes no request for no input', async () => {
    const { client } = testClient(fake);
    expect(await createOpenRouterEmbedder({ client }).embedImages([])).toEqual([]);
    expect(fake.requests).toHaveLength(0);
  });
});
