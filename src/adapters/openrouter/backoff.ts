/**
 * Exponential backoff with jitter: step n (from 1) waits between half and all of
 * min(max, base * 2^(n-1)). The floor keeps retries from bunching at zero; the jitter spreads
 * parallel workers apart so they do not hit the rate limit again in lockstep.
 */
export function backoffDelay(retry: number, options: { baseMs: number; maxMs: number; random: () => number }): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, retry - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * options.random());
}

/** HTTP statuses worth another attempt: timeouts, rate limits, server and edge failures. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}
