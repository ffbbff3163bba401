import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createOpenRouterClient } from '../../../src/adapters/openrouter/client.js';
import { runOpenRouterDoctor, type DoctorModels } from '../../../src/adapters/openrouter/doctor.js';
import { OPENROUTER_MODELS } from '../../../src/adapters/openrouter/models.js';
import { startOpenRouterFake, type OpenRouterFake } from '../../fakes/openrouter-fake.js';
import { FAKE_KEY } from '../../fakes/openrouter-fake-models.js';
import { TEST_KEY, testClient } from './helpers.js';

const models: DoctorModels = { embedding: OPENROUTER_MODELS.nemotronEmbed, analyzer: OPENROUTER_MODELS.qwen35, generator: OPENROUTER_MODELS.nanoBanana2 };

let fake: OpenRouterFake;
beforeAll(async () => {
  fake = await startOpenRouterFake({ apiKey: TEST_KEY });
});
afterAll(() => fake.stop());
afterEach(() => {
  fake.reset();
  fake.configure({ key: FAKE_KEY });
});

const byName = (checks: Awaited<ReturnType<typeof runOpenRouterDoctor>>) => Object.fromEntries(checks.map((c) => [c.check, c]));

describe('OpenRouter doctor', () => {
  it('passes every check against a healthy service with the default models', async () => {
    const { client } = testClient(fake);
    const checks = await runOpenRouterDoctor({ client, models });
    expect(checks.map((c) => c.check)).toEqual(['OpenRouter reachable', 'API key', 'Credits', 'Embedding model', 'Style analyzer model', 'Image generator model']);
    expect(checks.every((c) => c.ok)).toBe(true);
    const c = byName(checks);
    expect(c.Credits.detail).toContain('$18.50 left');
    expect(c['Style analyzer model'].detail).toContain('structured output');
    expect(c['Image generator model'].detail).toContain('Nano Banana 2');
    expect(fake.requestsTo('key')[0].bearerSent).toBe(true);
  });

  it('says when the key is missing', async () => {
    const client = createOpenRouterClient({ baseUrl: fake.baseUrl }, {});
    const c = byName(await runOpenRouterDoctor({ client, models: {} }));
    expect(c['OpenRouter reachable'].ok).toBe(true);
    expect(c['API key']).toMatchObject({ ok: false, detail: 'OPENROUTER_API_KEY is not set.' });
    expect(c['API key'].hint).toContain('OPENROUTER_API_KEY');
    expect(fake.requestsTo('key')).toHaveLength(0);
  });

  it('says when the key is rejected, without retrying', async () => {
    const { client } = testClient(fake, { apiKey: 'sk-or-v1-not-the-right-one' });
    const c = byName(await runOpenRouterDoctor({ client, models: {} }));
    expect(c['API key'].ok).toBe(false);
    expect(c['API key'].detail).toContain('401');
    expect(c['API key'].hint).toContain('OPENROUTER_API_KEY');
    expect(c.Credits).toBeUndefined();
    expect(fake.requestsTo('key')).toHaveLength(1);
  });

  it('says when no credit is left', async () => {
    fake.configure({ key: { ...FAKE_KEY, limit: 5, usage: 5, limit_remaining: 0 } });
    const { client } = testClient(fake);
    const c = byName(await runOpenRouterDoctor({ client, models: {} }));
    expect(c.Credits.ok).toBe(false);
    expect(c.Credits.detail).toContain('No credit left');
    expect(c.Credits.hint).toContain('credits');
  });

  it('flags models that are missing or cannot do their job', async () => {
    const { client } = testClient(fake);
    const c = byName(
      await runOpenRouterDoctor({
        client,
        models: { embedding: 'acme/no-such-embedder', analyzer: 'mistralai/text-only-model', generator: OPENROUTER_MODELS.qwen35 },
      }),
    );
    expect(c['Embedding model']).toMatchObject({ ok: false, detail: 'OpenRouter does not list acme/no-such-embedder.' });
    expect(c['Style analyzer model'].ok).toBe(false);
    expect(c['Style analyzer model'].detail).toContain('does not take images');
    expect(c['Image generator model'].ok).toBe(false);
    expect(c['Image generator model'].detail).toContain('does not output images');
  });

  it('accepts a ":free" variant and notes an analyzer without structured output', async () => {
    fake.configure({ models: [{ id: 'acme/vision-chat', architecture: { input_modalities: ['text', 'image'], output_modalities: ['text'] }, supported_parameters: ['max_tokens'] }] });
    try {
      const { client } = testClient(fake);
      const c = byName(await runOpenRouterDoctor({ client, models: { embedding: `${OPENROUTER_MODELS.nemotronEmbed}:free`, analyzer: 'acme/vision-chat' } }));
      expect(c['Embedding model'].ok).toBe(true);
      expect(c['Style analyzer model'].ok).toBe(true);
      expect(c['Style analyzer model'].detail).toContain('not structured output');
    } finally {
      fake.configure({ models: undefined });
    }
  });

  it('says when OpenRouter cannot be reached', async () => {
    const gone = await startOpenRouterFake();
    const baseUrl = gone.baseUrl;
    await gone.stop();
    const { client } = testClient(fake, { baseUrl });
    const checks = await runOpenRouterDoctor({ client, models });
    const c = byName(checks);
    expect(c['OpenRouter reachable'].ok).toBe(false);
    expect(c['OpenRouter reachable'].detail).toContain(baseUrl);
    expect(c['OpenRouter reachable'].hint).toContain('OPENROUTER_BASE_URL');
    expect(c['Image generator model'].ok).toBe(false);
    expect(checks.filter((x) => x.ok)).toEqual([]);
  });
});
