/**
 * One error class per way an OpenRouter call can fail (after ky and the Vercel AI SDK). Each says
 * whether another attempt can help (`retryable`), carries what OpenRouter said (status, code,
 * metadata.error_type, the model's message) and a hint for the user. Messages are built from
 * key-free parts only; the client redacts the key from anything the server echoes back.
 */
import { HitlineError, NoImageGeneratedError, UserInputError, type RunStopCause } from '../../core/errors.js';

export interface OpenRouterErrorDetails {
  hint?: string;
  cause?: unknown;
  /** HTTP status, when there was an answer. */
  status?: number;
  /** `error.code` from the body (usually the HTTP status again, sometimes a provider code). */
  code?: number | string;
  /** `error.metadata.error_type`, e.g. "rate_limit_exceeded". */
  errorType?: string;
  /** The text OpenRouter or the model gave. */
  modelMessage?: string;
  model?: string;
  /** e.g. "POST /chat/completions". */
  endpoint?: string;
  /** OpenRouter's id for the generation (the response `id`), when known. */
  generationId?: string;
  retryable?: boolean;
}

export class OpenRouterError extends HitlineError {
  readonly status?: number;
  readonly code?: number | string;
  readonly errorType?: string;
  readonly modelMessage?: string;
  readonly model?: string;
  readonly endpoint?: string;
  readonly generationId?: string;
  /** How many attempts were made before giving up (set by the client). */
  attempts?: number;
  /** Whether an error of this class is worth another attempt when the details do not say. */
  static retryableByDefault = false;
  /** Set on classes after which no call can succeed until the user acts. */
  static stopsRun: RunStopCause | undefined = undefined;

  constructor(message: string, details: OpenRouterErrorDetails = {}) {
    super(message, { hint: details.hint, cause: details.cause, retryable: details.retryable ?? new.target.retryableByDefault, stopsRun: new.target.stopsRun });
    this.status = details.status;
    this.code = details.code;
    this.errorType = details.errorType;
    this.modelMessage = details.modelMessage;
    this.model = details.model;
    this.endpoint = details.endpoint;
    this.generationId = details.generationId;
  }

  /** What reports and JSON logs get: plain fields, never the request or its headers. */
  toJSON(): Record<string, unknown> {
    return plainFields(this, ['hint', 'retryable', 'status', 'code', 'errorType', 'modelMessage', 'model', 'endpoint', 'generationId', 'attempts']);
  }
}

/** The error's name, message and those of `keys` that are set. */
function plainFields<E extends Error>(error: E, keys: ReadonlyArray<keyof E & string>): Record<string, unknown> {
  const out: Record<string, unknown> = { name: error.name, message: error.message };
  for (const k of keys) if (error[k] !== undefined) out[k] = error[k];
  return out;
}

/** 401, or no key configured: no call can succeed, so a run stops. */
export class OpenRouterAuthError extends OpenRouterError {
  static override stopsRun: RunStopCause = 'auth';
}

/** 402: the account or the key has no credits left: no call can succeed, so a run stops. */
export class OpenRouterCreditsError extends OpenRouterError {
  static override stopsRun: RunStopCause = 'credits';
}

/** 403: moderation flagged an input. */
export class OpenRouterModerationError extends OpenRouterError {
  /** From metadata.reasons. */
  readonly reasons: string[];
  /** From metadata.flagged_input (OpenRouter truncates it). */
  readonly flaggedInput?: string;
  constructor(message: string, details: OpenRouterErrorDetails & { reasons: string[]; flaggedInput?: string }) {
    super(message, details);
    this.reasons = details.reasons;
    this.flaggedInput = details.flaggedInput;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), reasons: this.reasons, flaggedInput: this.flaggedInput };
  }
}

/** 400, 413 and other 4xx answers that another attempt would not change. */
export class OpenRouterBadRequestError extends OpenRouterError {}

/** 404: the model (or endpoint) does not exist. */
export class OpenRouterModelNotFoundError extends OpenRouterError {}

/** 429 after every retry. */
export class OpenRouterRateLimitError extends OpenRouterError {
  readonly retryAfterMs?: number;
  constructor(message: string, details: OpenRouterErrorDetails & { retryAfterMs?: number }) {
    super(message, details);
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** 408, 5xx, 524, 529: OpenRouter or the provider failed; worth retrying. */
export class OpenRouterServerError extends OpenRouterError {
  readonly retryAfterMs?: number;
  constructor(message: string, details: OpenRouterErrorDetails & { retryAfterMs?: number }) {
    super(message, details);
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** No answer within the client's per-attempt timeout. */
export class OpenRouterTimeoutError extends OpenRouterError {}

/** The connection failed (DNS, refused, reset). */
export class OpenRouterNetworkError extends OpenRouterError {}

/** A 200 whose body is not the documented shape (not JSON, no choices...). */
export class OpenRouterBadResponseError extends OpenRouterError {}

/** A 200 that is a failure: `finish_reason: "error"` or an `error` object on the choice. */
export class OpenRouterGenerationError extends OpenRouterError {}

/**
 * An image request whose answer held no image: the port's NoImageGeneratedError (the pipeline recognises it
 * without knowing OpenRouter, and retries it), with OpenRouter's details and the model's text (often the
 * reason). Not an OpenRouterError: the generator throws it after reading an answer the client took as good.
 */
export class OpenRouterNoImageError extends NoImageGeneratedError {
  readonly status?: number;
  readonly model?: string;
  readonly endpoint?: string;
  readonly generationId?: string;
  readonly modelMessage?: string;
  readonly text?: string;
  readonly finishReason?: string;
  constructor(
    message: string,
    details: Pick<OpenRouterErrorDetails, 'hint' | 'status' | 'model' | 'endpoint' | 'generationId' | 'modelMessage'> & { text?: string; finishReason?: string },
  ) {
    super(message, { hint: details.hint });
    this.status = details.status;
    this.model = details.model;
    this.endpoint = details.endpoint;
    this.generationId = details.generationId;
    this.modelMessage = details.modelMessage;
    this.text = details.text;
    this.finishReason = details.finishReason;
  }
  toJSON(): Record<string, unknown> {
    return plainFields(this, ['hint', 'retryable', 'status', 'modelMessage', 'model', 'endpoint', 'generationId', 'text', 'finishReason']);
  }
}

/** The embeddings answer did not hold exactly one vector of the expected dimension per input. */
export class EmbeddingResponseError extends OpenRouterError {
  static override retryableByDefault = true;
}

/** The analyzer's answer was not a valid style brief, even after one repair attempt. */
export class StyleBriefError extends OpenRouterError {
  static override retryableByDefault = true;
  readonly problems: string[];
  constructor(message: string, details: OpenRouterErrorDetails & { problems: string[] }) {
    super(message, details);
    this.problems = details.problems;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), problems: this.problems };
  }
}

/** The model answered with no content at all (e.g. reasoning used every token). */
export class EmptyAnswerError extends OpenRouterError {
  static override retryableByDefault = true;
}

/** An image option (aspect ratio, size, reference count) the chosen model does not support. */
export class UnsupportedImageOptionError extends UserInputError {
  readonly model: string;
  readonly option: 'aspectRatio' | 'sizeTier' | 'references';
  readonly supported: readonly string[];
  constructor(message: string, details: { model: string; option: 'aspectRatio' | 'sizeTier' | 'references'; supported: readonly string[]; hint?: string }) {
    super(message, { hint: details.hint });
    this.model = details.model;
    this.option = details.option;
    this.supported = details.supported;
  }
}

/** Replaces every occurrence of each secret (and its bearer header form) with "[redacted]". */
export function redactSecrets(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let out = text;
  for (const s of secrets) {
    if (s && s.length >= 4) out = out.split(s).join('[redacted]');
  }
  return out;
}
