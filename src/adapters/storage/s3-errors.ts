/**
 * What the S3 client's failures mean to a user, as HitlineErrors with a hint. The SDK's own error is never
 * kept as the cause: its fields can carry the access key id (e.g. `AWSAccessKeyId` on InvalidAccessKeyId),
 * so the cause is a new Error holding only the S3 error code, HTTP status and request id, and every text
 * is scrubbed of the credentials before it is used.
 */
import { HitlineError } from '../../core/errors.js';

export interface S3ErrorContext {
  /** What was being done, as a verb phrase: "read runs/r1/a.png". */
  action: string;
  bucket: string;
  /** Where the bucket is, without credentials: "127.0.0.1:4568" or "AWS S3". */
  where: string;
  /** The access key id, secret and session token: removed from any text that leaves this module. */
  secrets: ReadonlyArray<string | undefined>;
}

interface SdkErrorLike {
  name?: string;
  code?: string;
  message?: string;
  Code?: string;
  errors?: Array<{ code?: string }>;
  $metadata?: { httpStatusCode?: number; requestId?: string };
}

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ECONNABORTED']);
const TIMEOUT_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
const ACCESS_NAMES = new Set(['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'InvalidToken', 'ExpiredToken', 'AllAccessDisabled']);
const BUSY_NAMES = new Set(['SlowDown', 'ServiceUnavailable', 'InternalError', 'Throttling', 'ThrottlingException']);

/** `err` (anything the S3 client threw) as a HitlineError that names the action and the bucket, and holds no credential. */
export function s3Error(err: unknown, ctx: S3ErrorContext): HitlineError {
  const e = (err ?? {}) as SdkErrorLike;
  const name = e.name ?? 'Error';
  const status = e.$metadata?.httpStatusCode;
  const code = e.code ?? e.errors?.find((inner) => inner.code)?.code;
  const scrub = (text: string) => redact(text, ctx.secrets);
  const bucket = `bucket "${ctx.bucket}" at ${ctx.where}`;
  const cause = new Error(scrub([name, code, status ? `HTTP ${status}` : undefined, e.$metadata?.requestId ? `request id ${e.$metadata.requestId}` : undefined].filter(Boolean).join(', ')));
  const fail = (says: string, options: { hint: string; retryable?: boolean; stopsRun?: 'auth' }) =>
    new HitlineError(scrub(`could not ${ctx.action} in the ${bucket}: ${says}`), { ...options, hint: scrub(options.hint), cause });

  if (name === 'NoSuchBucket') {
    return fail('the bucket does not exist', { hint: `Create the bucket "${ctx.bucket}", or set HITLINE_S3_BUCKET to an existing one (and check HITLINE_S3_ENDPOINT and HITLINE_S3_REGION).` });
  }
  if (ACCESS_NAMES.has(name) || status === 403) {
    return fail(`access denied (${name})`, {
      hint: 'Check HITLINE_S3_ACCESS_KEY_ID and HITLINE_S3_SECRET_ACCESS_KEY (or AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY), and that the key may read, write, list and delete in this bucket.',
      stopsRun: 'auth',
    });
  }
  if (name === 'CredentialsProviderError') {
    return fail('no S3 credentials were found', { hint: 'Set HITLINE_S3_ACCESS_KEY_ID and HITLINE_S3_SECRET_ACCESS_KEY (or AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY).', stopsRun: 'auth' });
  }
  if (TIMEOUT_NAMES.has(name) || code === 'ETIMEDOUT') {
    return fail('the request timed out', { hint: `Run it again; if it keeps happening, check the network to ${ctx.where} and how loaded the server is.`, retryable: true });
  }
  if ((code && UNREACHABLE_CODES.has(code)) || /socket hang up/i.test(e.message ?? '')) {
    return fail(`the endpoint cannot be reached (${code ?? 'connection closed'})`, {
      hint: `Check that the S3 server at ${ctx.where} is running and reachable from this machine (HITLINE_S3_ENDPOINT); hitline tries again.`,
      retryable: true,
    });
  }
  if (BUSY_NAMES.has(name) || (status !== undefined && status >= 500) || status === 429) {
    return fail(`the server is busy or failing (${name}${status ? `, HTTP ${status}` : ''})`, { hint: 'Run it again; hitline retries such answers.', retryable: true });
  }
  return fail(`${name}${status ? ` (HTTP ${status})` : ''}: ${e.message ?? 'no message'}`, { hint: `Check the S3 settings (HITLINE_S3_*) and the server's log at ${ctx.where}.` });
}

/** `text` with every credential replaced by "[redacted]" (values shorter than 4 characters are left: they would match too much). */
export function redact(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let out = text;
  for (const secret of secrets) if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
  return out;
}
