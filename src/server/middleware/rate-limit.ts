/** A token bucket per API key: `perSecond` requests a second on average, `burst` at once; over it, 429 with Retry-After. */
import type { MiddlewareHandler } from 'hono';
import { errorJson } from '../errors.js';
import type { AppEnv } from '../app-env.js';

export function rateLimit(o: { perSecond: number; burst: number; now?: () => number }): MiddlewareHandler<AppEnv> {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const now = o.now ?? (() => performance.now());
  return async (c, next) => {
    const key = c.get('principal').keyId;
    const t = now();
    const b = buckets.get(key) ?? { tokens: o.burst, at: t };
    b.tokens = Math.min(o.burst, b.tokens + ((t - b.at) / 1000) * o.perSecond);
    b.at = t;
    buckets.set(key, b);
    if (b.tokens < 1) {
      const wait = Math.max(1, Math.ceil((1 - b.tokens) / o.perSecond));
      return errorJson(c, 429, 'rate_limited', `too many requests for this key (${o.perSecond}/s)`, { hint: `Wait ${wait} s.` }, { 'Retry-After': String(wait) });
    }
    b.tokens -= 1;
    await next();
  };
}
