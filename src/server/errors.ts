/**
 * Every error leaves as JSON `{error: {code, message, hint, field?}}` with the status its kind calls for,
 * never a stack: a HitlineError carries words a user can act on; anything else is a bug, logged with its
 * stack and answered with a generic 500.
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import { HitlineError, UserInputError } from '../core/errors.js';
import { BudgetExhaustedError, ConflictError, NotFoundError, TooLargeError } from '../service/errors.js';
import type { Logger } from '../service/log.js';
import { redact } from '../service/log.js';

/** A request body of a media type the route does not take (415). */
export class UnsupportedMediaError extends UserInputError {}

/** A refused field of a request the validator middleware does not see (multipart fields). */
export class FieldError extends UserInputError {
  constructor(readonly field: string, message: string) {
    super(`${field}: ${message}`);
  }
}

/** Parses with a zod schema; a refusal names the field (`form.top`). */
export function parseFields<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: ZodError } }, value: unknown, target: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw new FieldError([target, ...issue.path.map(String)].join('.'), issue.message);
}

export function errorJson(c: Context, status: ContentfulStatusCode, code: string, message: string, extra: { hint?: string; field?: string } = {}, headers: Record<string, string> = {}) {
  for (const [k, v] of Object.entries(headers)) c.header(k, v);
  return c.json({ error: { code, message: redact(message), ...(extra.hint ? { hint: redact(extra.hint) } : {}), ...(extra.field ? { field: extra.field } : {}) } }, status);
}

function kindOf(err: HitlineError): [ContentfulStatusCode, string] {
  if (err instanceof NotFoundError) return [404, 'not_found'];
  if (err instanceof UnsupportedMediaError) return [415, 'unsupported_media_type'];
  if (err instanceof TooLargeError) return [413, 'payload_too_large'];
  if (err instanceof ConflictError) return [409, 'conflict'];
  if (err instanceof BudgetExhaustedError) return [402, 'budget_exhausted'];
  if (err instanceof UserInputError) return [400, 'bad_request'];
  if (err.retryable) return [503, 'unavailable'];
  return [422, 'refused'];
}

export function onAppError(logger: Logger) {
  return (err: Error, c: Context) => {
    if (err instanceof HitlineError) {
      const [status, code] = kindOf(err);
      return errorJson(c, status, code, err.message, { hint: err.hint, field: err instanceof FieldError ? err.field : undefined }, status === 413 ? { Connection: 'close' } : status === 503 ? { 'Retry-After': '5' } : {});
    }
    if (err instanceof HTTPException) return errorJson(c, err.status as ContentfulStatusCode, err.status === 413 ? 'payload_too_large' : 'http_error', err.message || 'request refused');
    logger.log('error', 'unexpected error', { requestId: c.get('requestId'), path: c.req.path, error: err.stack ?? err.message });
    return errorJson(c, 500, 'internal', 'hitline hit an unexpected error (a bug); the server log has the details', { hint: `Report it with the request id ${c.get('requestId') ?? ''}.` });
  };
}

/** The validator hook: a refused request names the field at fault. */
export function validationHook(result: { success: boolean; error?: ZodError; target: string }, c: Context) {
  if (result.success || !result.error) return;
  const issue = result.error.issues[0];
  const field = [result.target === 'json' ? 'body' : result.target, ...issue.path.map(String)].join('.');
  return errorJson(c, 400, 'invalid_request', `${field}: ${issue.message}`, { field });
}
