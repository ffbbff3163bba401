/** Turns a failed HTTP answer from OpenRouter into the matching typed error, with a hint. */
import { isRetryableStatus } from './backoff.js';
import {
  OpenRouterAuthError,
  OpenRouterBadRequestError,
  OpenRouterCreditsError,
  OpenRouterError,
  OpenRouterModelNotFoundError,
  OpenRouterModerationError,
  OpenRouterRateLimitError,
  OpenRouterServerError,
  type OpenRouterErrorDetails,
} from './errors.js';
import type { WireErrorObject } from './wire.js';

export interface FailedAnswer {
  status: number;
  /** The parsed JSON body, or undefined when it was not JSON (e.g. an HTML edge error page). */
  body: unknown;
  /** The body as text, for when it was not JSON. Already redacted. */
  rawText: string;
  endpoint: string;
  model?: string;
  retryAfterMs?: number;
}

/** `{error: {...}}` from a body, if it has one. */
export function wireError(body: unknown): WireErrorObject | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const e = (body as { error?: unknown }).error;
  if (typeof e === 'object' && e !== null) return e as WireErrorObject;
  if (typeof e === 'string') return { message: e };
  return undefined;
}

export function clip(text: string, max = 300): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max)}…` : t;
}

export function errorFromAnswer(a: FailedAnswer): OpenRouterError {
  const err = wireError(a.body);
  const meta = (err?.metadata ?? {}) as Record<string, unknown>;
  const modelMessage = clip(err?.message ?? (a.rawText || `HTTP ${a.status}`));
  const errorType = typeof meta.error_type === 'string' ? meta.error_type : undefined;
  const forModel = a.model ? ` for ${a.model}` : '';
  const details: OpenRouterErrorDetails = {
    status: a.status,
    code: err?.code,
    errorType,
    modelMessage,
    model: a.model,
    endpoint: a.endpoint,
    retryable: isRetryableStatus(a.status),
  };
  switch (a.status) {
    case 401:
      return new OpenRouterAuthError(`OpenRouter rejected the API key (401) on ${a.endpoint}: ${modelMessage}`, {
        ...details,
        hint: 'Check OPENROUTER_API_KEY: it must be a current key from https://openrouter.ai/settings/keys, without quotes or spaces.',
      });
    case 402:
      return new OpenRouterCreditsError(`OpenRouter says there are not enough credits (402)${forModel}: ${modelMessage}`, {
        ...details,
        hint: "Add credits at https://openrouter.ai/settings/credits (or raise this key's credit limit), then run again; finished work is kept.",
      });
    case 403: {
      const reasons = Array.isArray(meta.reasons) ? meta.reasons.map(String) : [];
      const flaggedInput = typeof meta.flagged_input === 'string' ? meta.flagged_input : undefined;
      const what = [reasons.length ? `flagged for ${reasons.join(', ')}` : 'flagged', flaggedInput ? `input: "${clip(flaggedInput, 120)}"` : undefined]
        .filter(Boolean)
        .join('; ');
      return new OpenRouterModerationError(`OpenRouter's moderation refused the request (403)${forModel}: ${what} (${modelMessage})`, {
        ...details,
        reasons,
        flaggedInput,
        hint: 'Edit or replace the flagged input (the product photo, a reference image or the prompt hint), then run this product again.',
      });
    }
    case 404:
      return new OpenRouterModelNotFoundError(`OpenRouter does not know the model or endpoint (404)${forModel} on ${a.endpoint}: ${modelMessage}`, {
        ...details,
        hint: 'Check the model id at https://openrouter.ai/models; it may have been renamed or retired.',
      });
    case 413:
      return new OpenRouterBadRequestError(`The request was too large for OpenRouter (413)${forModel}: ${modelMessage}`, {
        ...details,
        hint: 'Send fewer or smaller images: lower the number of reference images.',
      });
    case 429:
      return new OpenRouterRateLimitError(`OpenRouter rate limit (429)${forModel} on ${a.endpoint}: ${modelMessage}`, {
        ...details,
        retryAfterMs: a.retryAfterMs,
        hint: 'Wait a minute or lower the concurrency; ":free" models allow only 20 requests a minute.',
      });
  }
  if (details.retryable) {
    return new OpenRouterServerError(`OpenRouter or its provider failed (${a.status}${errorType ? ` ${errorType}` : ''})${forModel} on ${a.endpoint}: ${modelMessage}`, {
      ...details,
      retryAfterMs: a.retryAfterMs,
      hint: 'This is usually temporary: run again later (finished work is kept) or choose another model.',
    });
  }
  return new OpenRouterBadRequestError(`OpenRouter rejected the request (${a.status})${forModel} on ${a.endpoint}: ${modelMessage}`, {
    ...details,
    hint: 'The message names the problem; check that the model supports the options hitline sent (the doctor check lists them).',
  });
}
