/**
 * OpenRouter client settings, with the environment defaults resolved in exactly one place.
 * Everything else takes a resolved config object, so tests and the batch engine never touch process.env.
 */

import type { HttpAttemptInfo } from '../../ports/http-hooks.js';

export const DEFAULT_OPENROUTER_BASE_URL = 'https://openrouter.ai/api/v1';

/** Called before a retry waits; the batch engine can use it to slow every worker down together. */
export interface RetryInfo {
  /** The request path, e.g. "/chat/completions". */
  path: string;
  /** The attempt that just failed, counting from 1. */
  attempt: number;
  /** How long the client will wait before the next attempt. */
  delayMs: number;
  /** The server's Retry-After, in ms after capping, when it sent one. */
  retryAfterMs?: number;
  /** The failure (already an OpenRouterError, key-free). */
  error: Error;
}

/** Passed to the `beforeAttempt` hook (the batch engine's caps wait there). */
export type AttemptInfo = HttpAttemptInfo;

export interface OpenRouterConfigInput {
  /** Defaults to OPENROUTER_API_KEY. */
  apiKey?: string;
  /** Defaults to OPENROUTER_BASE_URL, then https://openrouter.ai/api/v1. */
  baseUrl?: string;
  /** Sent as HTTP-Referer (app attribution). Defaults to OPENROUTER_HTTP_REFERER. */
  referer?: string;
  /** Sent as X-OpenRouter-Title (app attribution). Defaults to OPENROUTER_APP_TITLE, then "hitline". */
  title?: string;
  /** Extra headers for every request (never logged). */
  headers?: Record<string, string>;
  /** Per-attempt timeout. Image generation at 4K can take minutes. Default 180 s. */
  timeoutMs?: number;
  /** Retries after the first attempt. Default 4. */
  maxRetries?: number;
  /** First backoff step; doubles each retry. Default 1 s. */
  backoffBaseMs?: number;
  /** Ceiling of one backoff step. Default 30 s. */
  backoffMaxMs?: number;
  /** Longest Retry-After the client will honour; longer values are cut to this. Default 60 s. */
  retryAfterCapMs?: number;
  /** Fetch implementation (default: global fetch). */
  fetch?: typeof fetch;
  /** Injectable wait, so tests run retries instantly. Must reject when the signal aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Injectable clock (ms since epoch), used to read HTTP-date Retry-After values. */
  now?: () => number;
  /** Injectable randomness in [0, 1) for backoff jitter. */
  random?: () => number;
  /** Shared-backoff hook: runs before every attempt (e.g. waits on a gate that a 429 closed). */
  beforeAttempt?: (info: AttemptInfo) => Promise<void> | void;
  /** Shared-backoff hook: runs when a retry is scheduled. */
  onRetry?: (info: RetryInfo) => void;
  /** One line per attempt (method, path, status, ms). Never receives the key. */
  log?: (line: string) => void;
}

export interface OpenRouterConfig {
  apiKey: string | undefined;
  baseUrl: string;
  referer: string | undefined;
  title: string | undefined;
  headers: Record<string, string>;
  timeoutMs: number;
  maxRetries: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  retryAfterCapMs: number;
  fetch: typeof fetch;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  now: () => number;
  random: () => number;
  beforeAttempt?: (info: AttemptInfo) => Promise<void> | void;
  onRetry?: (info: RetryInfo) => void;
  log?: (line: string) => void;
}

/** Fills every unset field from the environment or a default. `env` is injectable for tests. */
export function resolveOpenRouterConfig(input: OpenRouterConfigInput = {}, env: NodeJS.ProcessEnv = process.env): OpenRouterConfig {
  const apiKey = (input.apiKey ?? env.OPENROUTER_API_KEY)?.trim() || undefined;
  const baseUrl = (input.baseUrl ?? env.OPENROUTER_BASE_URL)?.trim() || DEFAULT_OPENROUTER_BASE_URL;
  return {
    apiKey,
    baseUrl: baseUrl.replace(/\/+$/, ''),
    referer: input.referer ?? (env.OPENROUTER_HTTP_REFERER || undefined),
    title: input.title ?? (env.OPENROUTER_APP_TITLE || 'hitline'),
    headers: { ...(input.headers ?? {}) },
    timeoutMs: input.timeoutMs ?? 180_000,
    maxRetries: input.maxRetries ?? 4,
    backoffBaseMs: input.backoffBaseMs ?? 1_000,
    backoffMaxMs: input.backoffMaxMs ?? 30_000,
    retryAfterCapMs: input.retryAfterCapMs ?? 60_000,
    fetch: input.fetch ?? globalThis.fetch.bind(globalThis),
    sleep: input.sleep ?? abortableSleep,
    now: input.now ?? Date.now,
    random: input.random ?? Math.random,
    beforeAttempt: input.beforeAttempt,
    onRetry: input.onRetry,
    log: input.log,
  };
}

/** setTimeout as a promise that rejects with the signal's reason when aborted. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
