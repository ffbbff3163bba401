/**
 * Shared backoff across requests: when one request is told to wait (429 with Retry-After), every
 * request through the same gate waits too, instead of each worker discovering the limit on its own.
 * Plug it into a client with `createOpenRouterClient({ ...gate.hooks() })`.
 */
import { abortableSleep, type AttemptInfo, type RetryInfo } from './config.js';

export interface RateLimitGate {
  /** Resolves once no pause is in force (rejects if the signal aborts). */
  wait(signal?: AbortSignal): Promise<void>;
  /** Holds every request back for `ms` from now (extends, never shortens, a pause in force). */
  pauseFor(ms: number): void;
  /** Epoch ms until which requests are held; 0 or past when open. */
  readonly pausedUntil: number;
  /** Client hooks: wait before each attempt; pause on any retry that carried a Retry-After. */
  hooks(): { beforeAttempt: (info: AttemptInfo) => Promise<void>; onRetry: (info: RetryInfo) => void };
}

export function createRateLimitGate(options: { now?: () => number; sleep?: (ms: number, signal?: AbortSignal) => Promise<void> } = {}): RateLimitGate {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? abortableSleep;
  let pausedUntil = 0;
  const gate: RateLimitGate = {
    async wait(signal) {
      // Loop: a pause may be extended while we sleep.
      for (let left = pausedUntil - now(); left > 0; left = pausedUntil - now()) await sleep(left, signal);
    },
    pauseFor(ms) {
      pausedUntil = Math.max(pausedUntil, now() + ms);
    },
    get pausedUntil() {
      return pausedUntil;
    },
    hooks() {
      return {
        beforeAttempt: (info) => gate.wait(info.signal),
        onRetry: (info) => {
          if (info.retryAfterMs !== undefined) gate.pauseFor(info.retryAfterMs);
        },
      };
    },
  };
  return gate;
}
