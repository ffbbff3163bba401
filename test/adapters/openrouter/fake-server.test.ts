/** The fake OpenRouter itself: what the adapter tests and the batch benchmark rely on. */
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { startOpenRouterFake, type OpenRouterFake } from '../../fakes/openrouter-fake.js';
import { TEST_KEY, dataUriBytes, meanColour, solidImage } from './helpers.js';

let fake: OpenRouterFake | undefined;
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

const post = (path: string, body: unknown, key = TEST_KEY) =>
  fetch(`${fake!.baseUrl}${path}`, { method: 'POST', headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

describe('fake OpenRouter', () => {
  it('listens on 127.0.0.1 and logs requests with the bearer redacted', async () => {
    fake = await startOpenRouterFake({ apiKey: TEST_KEY });
    expect(fake.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1$/);
    const res = await post('/embeddings', { model: 'm', input: 'hi', encoding_format: 'float' });
    expect(res.status).toBe(200);
    const [log] = fake.requests;
    expect(log).toMatchObject({ endpoint: 'embeddings', method: 'POST', bearerSent: true, keyMatched: true, status: 200 });
    expect(log.headers.authorization).toBe('Bearer [redacted]');
    expect(JSON.stringify(fake.requests)).not.toContain(TEST_KEY);
    expect((await post('/nowhere', {})).status).toBe(404);
    expect((await post('/embeddings', { model: 'm', input: 'hi' }, 'wrong')).status).toBe(401);
    expect((await fetch(`${fake.baseUrl}/models`)).status).toBe(200);
  });

  it('answers base64-encoded embedding requests with empty data, as the real model was seen to', async () => {
    fake = await startOpenRouterFake({ dimension: 8 });
    const body = await (await post('/embeddings', { model: 'm', input: ['a', 'b'], encoding_format: 'base64' })).json();
    expect(body.data).toEqual([]);
    const ok = await (await post('/embeddings', { model: 'm', input: ['a', 'b'], encoding_format: 'float' })).json();
    expect(ok.data.map((d: { index: number; embedding: number[] }) => [d.index, d.embedding.length])).toEqual([
      [0, 8],
      [1, 8],
    ]);
  });

  it('fires random faults reproducibly from its seed', async () => {
    const statuses = async (seed: number) => {
      const f = await startOpenRouterFake({ seed, randomFaults: [{ endpoint: 'embeddings', probability: 0.3, fault: { kind: 'status', status: 503 } }] });
      fake = f;
      const out: number[] = [];
      for (let i = 0; i < 40; i++) out.push((await post('/embeddings', { model: 'm', input: 'x', encoding_format: 'float' })).status);
      await f.stop();
      fake = undefined;
      return out;
    };
    const a = await statuses(7);
    expect(await statuses(7)).toEqual(a);
    const failures = a.filter((s) => s === 503).length;
    expect(failures).toBeGreaterThan(4);
    expect(failures).toBeLessThan(24);
    expect(await statuses(8)).not.toEqual(a);
  });

  it('waits the configured latency per endpoint', async () => {
    fake = await startOpenRouterFake({ latencyMs: { embeddings: 120 } });
    const t0 = performance.now();
    await post('/embeddings', { model: 'm', input: 'x', encoding_format: 'float' });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(110);
    const t1 = performance.now();
    await fetch(`${fake.baseUrl}/models`);
    expect(performance.now() - t1).toBeLessThan(110);
  });

  it('can answer with a tinted copy of the product photo at the requested size', async () => {
    fake = await startOpenRouterFake({ imageStyle: 'tinted' });
    const product = await solidImage(300, 400, { r: 240, g: 240, b: 240 });
    const res = await post('/chat/completions', {
      model: 'google/gemini-3.1-flash-image-preview',
      modalities: ['image', 'text'],
      image_config: { aspect_ratio: '4:5', image_size: '0.5K' },
      messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `data:image/jpeg;base64,${product.toString('base64')}` } }, { type: 'text', text: 'go' }] }],
    });
    const body = await res.json();
    const { bytes } = dataUriBytes(body.choices[0].message.images[0].image_url.url);
    const meta = await sharp(bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 464, 576]);
    const c = await meanColour(bytes);
    // Tinted, so no longer neutral grey.
    expect(Math.max(c.r, c.g, c.b) - Math.min(c.r, c.g, c.b)).toBeGreaterThan(5);
    expect(body.usage.cost).toBe(0.045);
  });
});
