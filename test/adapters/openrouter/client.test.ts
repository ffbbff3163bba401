import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createOpenRouterClient } from '../../../src/adapters/openrouter/client.js';
import {
  OpenRouterAuthError,
  OpenRouterBadRequestError,
  OpenRouterBadResponseError,
  OpenRouterCreditsError,
  OpenRouterGenerationError,
  OpenRouterModelNotFoundError,
  OpenRouterModerationError,
  OpenRouterNetworkError,
  OpenRouterRateLimitError,
  OpenRouterServerError,
  OpenRouterTimeoutError,
} from '../../../src/adapters/openrouter/errors.js';
import type { RetryInfo } from '../../../src/adapters/openrouter/config.js';
import type { ChatRequest } from '../../../src/adapters/openrouter/wire.js';
import { startOpenRouterFake, type OpenRouterFake } from '../../fakes/openrouter-fake.js';
import { TEST_KEY, testClient } from './helpers.js';

const chatBody: ChatRequest = { model: 'qwen/qwen3.5-397b-a17b', messages: [{ role: 'user', content: 'hello' }] };

let fake: OpenRouterFake;
beforeAll(async () => {
  fake = await startOpenRouterFake({ apiKey: TEST_KEY });
});
afterAll(() => fake.stop());
afterEach(() => fake.reset());

async function failure(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a failure');
}

describe('OpenRouter client: requests', () => {
  it('sends the bearer key, JSON and attribution headers to the configured base URL', async () => {
    const { client } = testClient(fake, { referer: 'https://shop.example', title: 'hitline-test' });
    const answer = await client.chat(chatBody);
    expect(answer.choices[0].message?.content).toBeTruthy();
    const [req] = fake.requestsTo('chat');
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/api/v1/chat/completions');
    expect(req.bearerSent).toBe(true);
    expect(req.keyMatched).toBe(true);
    expect(req.headers.authorization).toBe('Bearer [redacted]');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['http-referer']).toBe('https://shop.example');
    expect(req.headers['x-openrouter-title']).toBe('hitline-test');
    expect(req.body).toEqual(chatBody);
  });

  it('reports usage of every answer through onUsage, with the generation id', async () => {
    const { client } = testClient(fake);
    const seen: unknown[] = [];
    await client.chat(chatBody, { onUsage: (usage, info) => seen.push({ cost: usage.cost, id: info.generationId }) });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ id: expect.stringMatching(/^gen-/) });
    expect((seen[0] as { cost: number }).cost).toBeGreaterThan(0);
  });

  it('refuses to call a paid endpoint without a key, before any request', async () => {
    const client = createOpenRouterClient({ baseUrl: fake.baseUrl }, {});
    const err = await failure(client.chat(chatBody));
    expect(err).toBeInstanceOf(OpenRouterAuthError);
    expect(err.hint).toMatch(/OPENROUTER_API_KEY/);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('OpenRouter client: retries', () => {
  it('retries a 429 after the Retry-After seconds', async () => {
    const retries: RetryInfo[] = [];
    const { client, sleeps } = testClient(fake, { onRetry: (i) => retries.push(i) });
    fake.enqueue('chat', { kind: 'status', status: 429, retryAfter: '3', metadata: { error_type: 'rate_limit_exceeded' } });
    await client.chat(chatBody);
    expect(fake.requestsTo('chat')).toHaveLength(2);
    expect(sleeps).toEqual([3000]);
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({ path: '/chat/completions', attempt: 1, delayMs: 3000, retryAfterMs: 3000 });
    expect(retries[0].error).toBeInstanceOf(OpenRouterRateLimitError);
  });

  it('retries a 429 whose Retry-After is an HTTP date, measured with the injected clock', async () => {
    const now = Date.parse('2026-03-10T12:00:00Z');
    const { client, sleeps } = testClient(fake, { now: () => now });
    fake.enqueue('chat', { kind: 'status', status: 429, retryAfter: new Date(now + 7000).toUTCString() });
    await client.chat(chatBody);
    expect(sleeps).toEqual([7000]);
    expect(fake.requestsTo('chat')).toHaveLength(2);
  });

  it('caps a long Retry-After', async () => {
    const { client, sleeps } = testClient(fake, { retryAfterCapMs: 10_000 });
    fake.enqueue('chat', { kind: 'status', status: 503, retryAfter: '3600' });
    await client.chat(chatBody);
    expect(sleeps).toEqual([10_000]);
  });

  it.each([408, 500, 502, 503, 524, 529])('retries %i and then succeeds', async (status) => {
    const { client, sleeps } = testClient(fake);
    fake.enqueue('chat', { kind: 'status', status });
    const answer = await client.chat(chatBody);
    expect(answer.choices).toHaveLength(1);
    expect(fake.requestsTo('chat').map((r) => r.status)).toEqual([status, 200]);
    // No Retry-After: exponential backoff, first step 1 s with jitter (random 0.5 → 750 ms).
    expect(sleeps).toEqual([750]);
  });

  it('backs off exponentially and gives up after maxRetries with a typed, retryable error', async () => {
    const { client, sleeps } = testClient(fake, { maxRetries: 3 });
    fake.enqueue('chat', ...Array.from({ length: 4 }, () => ({ kind: 'status' as const, status: 502, message: 'Provider returned error' })));
    const err = await failure(client.chat(chatBody));
    expect(err).toBeInstanceOf(OpenRouterServerError);
    expect(err.retryable).toBe(true);
    expect(err.status).toBe(502);
    expect(err.attempts).toBe(4);
    expect(err.message).toContain('Provider returned error');
    expect(err.hint).toBeTruthy();
    expect(fake.requestsTo('chat')).toHaveLength(4);
    expect(sleeps).toEqual([750, 1500, 3000]);
  });

  it('reads an HTML error page (edge timeout) as a retryable failure', async () => {
    const { client } = testClient(fake, { maxRetries: 0 });
    fake.enqueue('chat', { kind: 'status', status: 524, body: '<html><body>A timeout occurred</body></html>' });
    const err = await failure(client.chat(chatBody));
    expect(err).toBeInstanceOf(OpenRouterServerError);
    expect(err.status).toBe(524);
    expect(err.message).toContain('A timeout occurred');
  });

  it('retries a network failure and then names the base URL', async () => {
    const closed = await startOpenRouterFake();
    const baseUrl = closed.baseUrl;
    await closed.stop();
    const { client, sleeps } = testClient(fake, { baseUrl, maxRetries: 2 });
    const err = await failure(client.chat(chatBody));
    expect(err).toBeInstanceOf(OpenRouterNetworkError);
    expect(err.retryable).toBe(true);
    expect(err.attempts).toBe(3);
    expect(err.message).toContain(baseUrl);
    expect(err.message).toContain('ECONNREFUSED');
    expect(sleeps).toHaveLength(2);
  });
});

describe('OpenRouter client: no retry on request errors', () => {
  it.each([
    [400, OpenRouterBadRequestError, /model names the field|names the problem/],
    [401, OpenRouterAuthError, /OPENROUTER_API_KEY/],
    [402, OpenRouterCreditsError, /credits/],
    [404, OpenRouterModelNotFoundError, /model id/],
  ])('%i is final: one request, a typed error with a hint', async (status, type, hint) => {
    const { client, sleeps } = testClient(fake);
    fake.enqueue('chat', { kind: 'status', status, message: `fake ${status} message` });
    const err = await failure(client.chat(chatBody));
    expect(err).toBeInstanceOf(type);
    expect(err.retryable).toBe(false);
    expect(err.status).toBe(status);
    expect(err.attempts).toBe(1);
    expect(err.message).toContain(`fake ${status} message`);
    expect(err.model).toBe('qwen/qwen3.5-397b-a17b');
    if (status !== 401) expect(err.message).toContain('qwen/qwen3.5-397b-a17b');
    expect(err.hint).toMatch(hint);
    expect(fake.requestsTo('chat')).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('403 says which input was flagged and why', async () => {
    const { client } = testClient(fake);
    fake.enqueue('chat', {
      kind: 'status',
      status: 403,
      message: 'Input was flagged',
      metadata: { reasons: ['violence', 'self-harm'], flagged_input: 'a model holding a knife', provider_name: 'FakeProvider', model_slug: 'qwen' },
    });
    const err = await failure(client.chat(chatBody));
    expect(err).toBeInstanceOf(OpenRouterModerationError);
    expect(err.reasons).toEqual(['violence', 'self-harm']);
    expect(err.flaggedInput).toBe('a model holding a knife');
    expect(err.message).toContain('violence, self-harm');
    expect(err.message).toContain('a model holding a knife');
    expect(err.hint).toMatch(/flagged input/);
    expect(fake.requestsTo('chat')).toHaveLength(1);
  });

  it('a real bad key gets 401 from the server with the key-check hint', async () => {
    const { client } = testClient(fake, { apiKey: 'sk-or-v1-wrong' });
    const err = await failure(client.getKey());
    expect(err).toBeInstanceOf(OpenRouterAuthError);
    expect(err.status).toBe(401);
    expect(fake.requestsTo('key')).toHaveLength(1);
  });
});

describe('OpenRouter client: failures inside a 200', () => {
  it('finish_reason "error" is retried, then a typed error with the model text', async () => {
    const { client } = testClient(fake, { maxRetries: 1 });
    fake.enqueue('chat', { kind: 'finish-error', message: 'provider crashed' }, { kind: 'finish-error', message: 'provider crashed' });
    const err = await failure(client.chat(chatBody));
    expect(err).toBeInstanceOf(OpenRouterGenerationError);
    expect(err.message).toContain('provider crashed');
    expect(err.generationId).toMatch(/^gen-/);
    expect(fake.requestsTo('chat')).toHaveLength(2);
  });

  it('an error object on the choice with a 5xx code is retried and can succeed', async () => {
    const { client } = testClient(fake);
    fake.enqueue('chat', { kind: 'choice-error', code: 502, message: 'upstream died' });
    const answer = await client.chat(chatBody);
    expect(answer.choices[0].finish_reason).toBe('stop');
    expect(fake.requestsTo('chat')).toHaveLength(2);
  });

  it('an error object on the choice with a 400 code is final', async () => {
    const { client } = testClient(fake);
    fake.enqueue('chat', { kind: 'choice-error', code: 400, message: 'image too small' });
    const err = await failure(client.chat(chatBody));
    expect(err).toBeInstanceOf(OpenRouterGenerationError);
    expect(err.retryable).toBe(false);
    expect(err.message).toContain('image too small');
    expect(fake.requestsTo('chat')).toHaveLength(1);
  });

  it('a 200 holding only an error object is read as that error', async () => {
    const { client } = testClient(fake, { maxRetries: 0 });
    fake.enqueue('chat', { kind: 'top-level-error', code: 502, message: 'Provider returned error' });
    const err = await failure(client.chat(chatBody));
    expect(err).toBeInstanceOf(OpenRouterServerError);
    expect(err.status).toBe(502);
  });

  it('usage of a failed 200 is still reported (it is billed)', async () => {
    const { client } = testClient(fake, { maxRetries: 0 });
    fake.enqueue('chat', { kind: 'finish-error' });
    const seen: number[] = [];
    await failure(client.chat(chatBody, { onUsage: (u) => seen.push(u.prompt_tokens ?? -1) }));
    expect(seen).toHaveLength(1);
  });

  it('a body that is not JSON is retried, then a typed error', async () => {
    const { client } = testClient(fake, { maxRetries: 1 });
    fake.enqueue('chat', { kind: 'malformed-json' }, { kind: 'malformed-json' });
    const err = await failure(client.chat(chatBody));
    expect(err).toBeInstanceOf(OpenRouterBadResponseError);
    expect(err.message).toMatch(/not JSON/);
    expect(fake.requestsTo('chat')).toHaveLength(2);
  });
});

describe('OpenRouter client: timeouts and cancellation', () => {
  it('gives up on a hanging answer after the per-attempt timeout and retries', async () => {
    const { client } = testClient(fake, { timeoutMs: 200 });
    fake.enqueue('chat', { kind: 'hang' });
    const answer = await client.chat(chatBody);
    expect(answer.choices).toHaveLength(1);
    expect(fake.requestsTo('chat')).toHaveLength(2);
  });

  it('ends in a typed timeout error when every attempt hangs', async () => {
    const { client } = testClient(fake, { timeoutMs: 150, maxRetries: 1 });
    fake.enqueue('chat', { kind: 'hang' }, { kind: 'hang' });
    const err = await failure(client.chat(chatBody));
    expect(err).toBeInstanceOf(OpenRouterTimeoutError);
    expect(err.retryable).toBe(true);
    expect(err.message).toContain('150 ms');
    expect(fake.requestsTo('chat')).toHaveLength(2);
  });

  it("stops at once when the caller aborts, with the caller's reason and no retry", async () => {
    const { client } = testClient(fake, { timeoutMs: 5_000 });
    fake.enqueue('chat', { kind: 'hang' });
    const controller = new AbortController();
    const pending = client.chat(chatBody, { signal: controller.signal });
    await new Promise((r) => setTimeout(r, 100));
    controller.abort();
    const err = await failure(pending);
    expect(err.name).toBe('AbortError');
    await new Promise((r) => setTimeout(r, 50));
    expect(fake.requestsTo('chat')).toHaveLength(1);
  });

  it('a caller abort during the backoff wait ends the call', async () => {
    const controller = new AbortController();
    const { client } = testClient(fake, {
      sleep: async () => {
        controller.abort();
        throw controller.signal.reason;
      },
    });
    fake.enqueue('chat', { kind: 'status', status: 503 });
    const err = await failure(client.chat(chatBody, { signal: controller.signal }));
    expect(err.name).toBe('AbortError');
    expect(fake.requestsTo('chat')).toHaveLength(1);
  });
});
