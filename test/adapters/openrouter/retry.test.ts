import { describe, expect, it } from 'vitest';
import { backoffDelay, isRetryableStatus } from '../../../src/adapters/openrouter/backoff.js';
import { resolveOpenRouterConfig } from '../../../src/adapters/openrouter/config.js';
import { parseRetryAfter } from '../../../src/util/retry-after.js';

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-03-10T12:00:00Z');
  it('reads delay-seconds', () => {
    expect(parseRetryAfter('3', now, 60_000)).toBe(3000);
    expect(parseRetryAfter(' 0 ', now, 60_000)).toBe(0);
    expect(parseRetryAfter('1.5', now, 60_000)).toBe(1500);
  });
  it('reads an HTTP date relative to the clock', () => {
    expect(parseRetryAfter('Tue, 10 Mar 2026 12:00:09 GMT', now, 60_000)).toBe(9000);
  });
  it('treats a date in the past as no wait', () => {
    expect(parseRetryAfter('Tue, 10 Mar 2026 11:00:00 GMT', now, 60_000)).toBe(0);
  });
  it('caps long waits', () => {
    expect(parseRetryAfter('86400', now, 60_000)).toBe(60_000);
    expect(parseRetryAfter('Wed, 11 Mar 2026 12:00:00 GMT', now, 30_000)).toBe(30_000);
  });
  it('ignores missing or unreadable values', () => {
    expect(parseRetryAfter(null, now, 60_000)).toBeUndefined();
    expect(parseRetryAfter('', now, 60_000)).toBeUndefined();
    expect(parseRetryAfter('soon', now, 60_000)).toBeUndefined();
    expect(parseRetryAfter('-5', now, 60_000)).toBeUndefined();
  });
});

describe('backoff', () => {
  it('doubles each retry, with jitter between half and all of the step, up to the ceiling', () => {
    const opts = { baseMs: 1000, maxMs: 8000 };
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, { ...opts, random: () => 0 }))).toEqual([500, 1000, 2000, 4000, 4000]);
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, { ...opts, random: () => 0.999999 }))).toEqual([1000, 2000, 4000, 8000, 8000]);
  });
  it('retries only timeouts, rate limits and server failures', () => {
    expect([408, 429, 500, 502, 503, 524, 529].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 402, 403, 404, 413, 422].some(isRetryableStatus)).toBe(false);
  });
});

describe('resolveOpenRouterConfig', () => {
  it('takes the key and base URL from the environment when not given', () => {
    const c = resolveOpenRouterConfig({}, { OPENROUTER_API_KEY: ' sk-env ', OPENROUTER_BASE_URL: 'http://proxy.local/api/v1/' });
    expect(c.apiKey).toBe('sk-env');
    expect(c.baseUrl).toBe('http://proxy.local/api/v1');
  });
  it('prefers explicit values and defaults to openrouter.ai', () => {
    const c = resolveOpenRouterConfig({ apiKey: 'sk-given' }, { OPENROUTER_API_KEY: 'sk-env' });
    expect(c.apiKey).toBe('sk-given');
    expect(c.baseUrl).toBe('https://openrouter.ai/api/v1');
    expect(resolveOpenRouterConfig({}, {}).apiKey).toBeUndefined();
  });
});
