/**
 * The worst-case price read from a request body must never be below what the call really cost, and the
 * cheap text scan must agree with a full JSON parse on the bodies the three adapters really send.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenRouterStyleAnalyzer } from '../../../src/adapters/openrouter/style-analyzer.js';
import { createOpenRouterEmbedder } from '../../../src/adapters/openrouter/embedder.js';
import { createOpenRouterImageGenerator } from '../../../src/adapters/openrouter/image-generator.js';
import { createPriceTable } from '../../../src/adapters/openrouter/pricing.js';
import { answerCostUsd, imageModelTokenPrices, requestFacts, worstCaseUsd } from '../../../src/adapters/openrouter/call-price.js';
import { fakeBrief } from '../../fakes/openrouter-fake-answers.js';
import { FAKE_MODELS } from '../../fakes/openrouter-fake-models.js';
import { startOpenRouterFake, type OpenRouterFake } from '../../fakes/openrouter-fake.js';
import { newProduct, reference, solidImage, testClient } from './helpers.js';

let fake: OpenRouterFake;
const wire: Array<{ path: string; body: string; answer: string }> = [];

beforeAll(async () => {
  fake = await startOpenRouterFake();
});
afterAll(() => fake.stop());

/** A client that keeps every request body and answer exactly as they went over the wire. */
function recordingClient() {
  return testClient(fake, {
    fetch: async (input, init) => {
      const res = await fetch(input, init);
      const answer = await res.text();
      wire.push({ path: new URL(String(input)).pathname, body: String(init?.body ?? ''), answer });
      return new Response(answer, { status: res.status, headers: res.headers });
    },
  }).client;
}

describe('request facts and worst-case prices', () => {
  it('match what the adapters send, and are never below the cost the answer reports', async () => {
    const client = recordingClient();
    const product = newProduct({ promptHint: 'say "max_tokens":999999 and "model":"evil/cheap" in the hint' });
    const photo = await solidImage(1200, 1600, { r: 200, g: 40, b: 40 });
    const refs = await Promise.all([1, 2, 3].map(async (i) => reference(`SKU${i}`, await solidImage(800, 1000, { r: 20 * i, g: 90, b: 160 }))));
    await createOpenRouterEmbedder({ client, batchSize: 3 }).embedImages([photo, refs[0].bytes, refs[1].bytes]);
    await createOpenRouterStyleAnalyzer({ client }).analyze({ product, references: refs });
    await createOpenRouterImageGenerator({ client, maxReferences: 2 }).generate({
      product, productImage: photo, references: refs, brief: fakeBrief('x'), prompt: 'Image 1 is the product; shoot it like Image 2. "max_tokens":1',
      aspectRatio: '4:5', sizeTier: '1K', variant: 1,
    });
    expect(wire.map((w) => w.path)).toEqual(['/api/v1/embeddings', '/api/v1/chat/completions', '/api/v1/chat/completions']);

    const prices = { table: createPriceTable(), imageModelTokens: imageModelTokenPrices(FAKE_MODELS) };
    for (const w of wire) {
      const parsed = JSON.parse(w.body);
      const facts = requestFacts(w.path, w.body);
      expect(facts.model).toBe(parsed.model);
      expect(facts.maxTokens).toBe(parsed.max_tokens);
      expect(facts.imageSize).toBe(parsed.image_config?.image_size);
      expect(facts.wantsImage).toBe(Boolean(parsed.modalities?.includes('image')));
      const imageParts = (JSON.stringify(parsed).match(/"type":"image_url"/g) ?? []).length;
      expect(facts.images).toBe(imageParts);
      const payloads = (w.body.match(/;base64,[A-Za-z0-9+/=]*/g) ?? []).reduce((n, s) => n + s.length, 0);
      expect(facts.textChars).toBe(w.body.length - payloads);

      const reported = JSON.parse(w.answer).usage.cost as number;
      expect(answerCostUsd(w.answer)).toBe(reported);
      const worst = worstCaseUsd(facts, prices)!;
      expect(worst).toBeGreaterThanOrEqual(reported);
    }
    const gen = requestFacts(wire[2].path, wire[2].body);
    expect(gen).toMatchObject({ endpoint: 'chat', wantsImage: true, imageSize: '1K', images: 3, model: 'google/gemini-3.1-flash-image-preview' });
    // Nano Banana 2 at 1K is $0.067 an image; input tokens at /models prices come on top.
    expect(worstCaseUsd(gen, prices)).toBeGreaterThan(0.067);
    expect(worstCaseUsd(gen, prices)).toBeLessThan(0.08);
    const analyze = requestFacts(wire[1].path, wire[1].body);
    expect(analyze.maxTokens).toBe(1500);
  });

  it('has no worst case for a model without a price, and treats free models as free', () => {
    const table = createPriceTable();
    expect(worstCaseUsd({ endpoint: 'chat', model: 'acme/unknown', wantsImage: false, images: 1, textChars: 100 }, { table })).toBeUndefined();
    expect(worstCaseUsd({ endpoint: 'chat', model: 'acme/unknown-image', wantsImage: true, imageSize: '1K', images: 1, textChars: 100 }, { table })).toBeUndefined();
    expect(worstCaseUsd({ endpoint: 'embeddings', model: 'nvidia/llama-nemotron-embed-vl-1b-v2:free', wantsImage: false, images: 5, textChars: 500 }, { table })).toBe(0);
    expect(worstCaseUsd({ endpoint: 'other', wantsImage: false, images: 0, textChars: 0 }, { table })).toBe(0);
  });

  it('reads usage.cost only from the top-level usage object', () => {
    expect(answerCostUsd('{"choices":[{"message":{"content":"\\"usage\\": {\\"cost\\": 99}"}}],"usage":{"prompt_tokens":3,"cost":0.0021,"cost_details":{"x":1}}}')).toBe(0.0021);
    expect(answerCostUsd('{"choices":[]}')).toBeUndefined();
    expect(answerCostUsd('{"usage":{"prompt_tokens":3}}')).toBeUndefined();
    expect(answerCostUsd('{"usage":{"cost":')).toBeUndefined();
  });
});
