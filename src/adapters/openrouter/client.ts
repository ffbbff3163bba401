/**
 * The one small OpenRouter client the three cloud adapters share: typed fetch, per-attempt timeout,
 * cancellation, retries with backoff and jitter honouring Retry-After, typed errors, usage callbacks.
 * The API key lives only in this closure: it is never on an object, in a message or in a log line.
 */
import { backoffDelay } from './backoff.js';
import { resolveOpenRouterConfig, type OpenRouterConfig, type OpenRouterConfigInput } from './config.js';
import {
  OpenRouterAuthError,
  OpenRouterBadResponseError,
  OpenRouterError,
  OpenRouterNetworkError,
  OpenRouterTimeoutError,
  redactSecrets,
} from './errors.js';
import { clip, errorFromAnswer, wireError } from './http-errors.js';
import { readChatAnswer, readEmbeddingsAnswer, readModelList } from './responses.js';
import { parseRetryAfter } from '../../util/retry-after.js';
import type { ChatRequest, ChatResponse, EmbeddingsRequest, EmbeddingsResponse, KeyInfo, ModelInfo, WireUsage } from './wire.js';

export { textOf } from './responses.js';

export interface UsageAnswerInfo {
  /** The response `id` (OpenRouter's generation id), when present. */
  generationId?: string;
  /** The model that answered (may name a provider-specific variant). */
  model?: string;
}

export interface CallOptions {
  signal?: AbortSignal;
  /** Overrides the client's per-attempt timeout. */
  timeoutMs?: number;
  /** Overrides the client's retry count. */
  maxRetries?: number;
  /**
   * Called with the `usage` of every 200 answer that has one, including answers that then count as
   * failures (finish_reason "error", no image): those are billed too.
   */
  onUsage?: (usage: WireUsage, answer: UsageAnswerInfo) => void;
}

export interface OpenRouterClient {
  /** Base URL without credentials or trailing slash. */
  readonly baseUrl: string;
  readonly hasApiKey: boolean;
  chat(body: ChatRequest, options?: CallOptions): Promise<ChatResponse>;
  embeddings(body: EmbeddingsRequest, options?: CallOptions): Promise<EmbeddingsResponse>;
  /** GET /models (chat and image models with pricing and supported_parameters). */
  listModels(options?: CallOptions): Promise<ModelInfo[]>;
  /** GET /embeddings/models. */
  listEmbeddingModels(options?: CallOptions): Promise<ModelInfo[]>;
  /** GET /key: the key's label, limit and usage. */
  getKey(options?: CallOptions): Promise<KeyInfo>;
  /** Removes the key from a text (for anything that echoes server or request data). */
  redact(text: string): string;
}

export type Parse<T> = (json: unknown, info: { endpoint: string; model?: string }) => T;

interface CallSpec<T> {
  method: 'GET' | 'POST';
  path: string;
  body?: { model?: string };
  auth: 'required' | 'optional';
  parse: Parse<T>;
}

export function createOpenRouterClient(input: OpenRouterConfigInput = {}, env: NodeJS.ProcessEnv = process.env): OpenRouterClient {
  const config: OpenRouterConfig = resolveOpenRouterConfig(input, env);
  const apiKey = config.apiKey;
  const redact = (text: string) => redactSecrets(text, [apiKey]);
  const publicBaseUrl = withoutCredentials(config.baseUrl);

  async function call<T>(spec: CallSpec<T>, options: CallOptions = {}): Promise<T> {
    const endpoint = `${spec.method} ${spec.path}`;
    const model = spec.body?.model;
    if (!apiKey && spec.auth === 'required') {
      throw new OpenRouterAuthError(`No OpenRouter API key is set, so ${endpoint} cannot be called.`, {
        endpoint,
        model,
        hint: 'Set OPENROUTER_API_KEY (a key from https://openrouter.ai/settings/keys), or use the offline adapters.',
      });
    }
    const maxRetries = options.maxRetries ?? config.maxRetries;
    const payload = spec.body === undefined ? undefined : JSON.stringify(spec.body);
    for (let attempt = 1; ; attempt++) {
      options.signal?.throwIfAborted();
      await config.beforeAttempt?.({ path: spec.path, attempt, signal: options.signal });
      const started = config.now();
      let error: OpenRouterError;
      try {
        const result = await attemptOnce(spec, payload, options, endpoint, model);
        config.log?.(`${endpoint} attempt ${attempt}: ok in ${config.now() - started} ms`);
        return result;
      } catch (e) {
        if (options.signal?.aborted) throw options.signal.reason;
        if (!(e instanceof OpenRouterError)) throw e;
        error = e;
      }
      config.log?.(`${endpoint} attempt ${attempt}: ${error.status ?? error.name} in ${config.now() - started} ms`);
      if (!error.retryable || attempt > maxRetries) {
        error.attempts = attempt;
        throw error;
      }
      const retryAfterMs = (error as { retryAfterMs?: number }).retryAfterMs;
      const delayMs = retryAfterMs ?? backoffDelay(attempt, { baseMs: config.backoffBaseMs, maxMs: config.backoffMaxMs, random: config.random });
      config.onRetry?.({ path: spec.path, attempt, delayMs, retryAfterMs, error });
      await config.sleep(delayMs, options.signal);
    }
  }

  async function attemptOnce<T>(spec: CallSpec<T>, payload: string | undefined, options: CallOptions, endpoint: string, model?: string): Promise<T> {
    const timeoutMs = options.timeoutMs ?? config.timeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    let status: number;
    let text: string;
    let retryAfter: string | null;
    try {
      const res = await config.fetch(`${config.baseUrl}${spec.path}`, { method: spec.method, headers: headers(payload !== undefined), body: payload, signal });
      status = res.status;
      retryAfter = res.headers.get('retry-after');
      text = await res.text();
    } catch (e) {
      if (options.signal?.aborted) throw options.signal.reason;
      if (timeout.aborted) {
        throw new OpenRouterTimeoutError(`OpenRouter gave no answer within ${timeoutMs} ms on ${endpoint}${model ? ` for ${model}` : ''}.`, {
          endpoint,
          model,
          retryable: true,
          hint: 'OpenRouter or the model is slow right now: run again later, or raise the timeout.',
        });
      }
      const code = networkCode(e);
      throw new OpenRouterNetworkError(`Could not reach OpenRouter at ${publicBaseUrl} (${code ?? redact(String((e as Error)?.message ?? e))}).`, {
        endpoint,
        model,
        retryable: true,
        hint: 'Check the network connection and OPENROUTER_BASE_URL.',
      });
    }
    if (status < 200 || status >= 300) {
      const safeText = redact(text);
      throw errorFromAnswer({
        status,
        body: tryParse(safeText),
        rawText: safeText,
        endpoint,
        model,
        retryAfterMs: parseRetryAfter(retryAfter, config.now(), config.retryAfterCapMs),
      });
    }
    const json = tryParse(text);
    if (json === undefined) {
      throw new OpenRouterBadResponseError(`OpenRouter answered ${endpoint} with a body that is not JSON: "${clip(redact(text), 120)}"`, {
        status,
        endpoint,
        model,
        retryable: true,
        hint: 'Usually a proxy or network hiccup: run again.',
      });
    }
    const usage = (json as { usage?: WireUsage }).usage;
    if (usage && typeof usage === 'object') {
      options.onUsage?.(usage, { generationId: stringOrUndefined((json as { id?: unknown }).id), model: stringOrUndefined((json as { model?: unknown }).model) });
    }
    // A 200 that is an error object (OpenRouter does this when a provider fails mid-answer).
    const topError = wireError(json);
    if (topError && !(json as { choices?: unknown }).choices && !(json as { data?: unknown }).data) {
      const code = typeof topError.code === 'number' && topError.code >= 400 ? topError.code : 502;
      const safe = tryParse(redact(JSON.stringify(json)));
      throw errorFromAnswer({ status: code, body: safe, rawText: '', endpoint, model });
    }
    return spec.parse(json, { endpoint, model });
  }

  function headers(hasBody: boolean): Record<string, string> {
    const h: Record<string, string> = { ...config.headers, Accept: 'application/json' };
    if (hasBody) h['Content-Type'] = 'application/json';
    if (config.referer) h['HTTP-Referer'] = config.referer;
    if (config.title) h['X-OpenRouter-Title'] = config.title;
    if (apiKey) h.Authorization = `Bearer ${apiKey}`;
    return h;
  }

  const parseChat: Parse<ChatResponse> = (json, info) => readChatAnswer(json, { ...info, redact });

  return {
    baseUrl: publicBaseUrl,
    hasApiKey: Boolean(apiKey),
    chat: (body, options) => call({ method: 'POST', path: '/chat/completions', body, auth: 'required', parse: parseChat }, options),
    embeddings: (body, options) => call({ method: 'POST', path: '/embeddings', body, auth: 'required', parse: readEmbeddingsAnswer }, options),
    listModels: (options) => call({ method: 'GET', path: '/models', auth: 'optional', parse: readModelList }, options),
    listEmbeddingModels: (options) => call({ method: 'GET', path: '/embeddings/models', auth: 'optional', parse: readModelList }, options),
    getKey: (options) =>
      call(
        {
          method: 'GET',
          path: '/key',
          auth: 'required',
          parse: (json) => ((json as { data?: KeyInfo }).data ?? {}) as KeyInfo,
        },
        options,
      ),
    redact,
  };
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function stringOrUndefined(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function networkCode(e: unknown): string | undefined {
  const cause = (e as { cause?: { code?: unknown } })?.cause;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}

function withoutCredentials(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/+$/, '');
  } catch {
    return url;
  }
}
