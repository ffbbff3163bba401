/**
 * Milvus failures as HitlineErrors a user can act on. Every message names the address (never the
 * token or password: `redactSecrets` scrubs them from anything the SDK or the server said).
 *
 * `retryable` (another attempt of the same call can succeed, so a batch retries the product like after
 * a 503): a server that is unavailable, restarting, not ready, loading or rate-limiting, a refused
 * connection, a deadline exceeded. Not retryable: refused credentials (they also stop a run: no call can
 * succeed until the user fixes them), a bad request, an unknown address, a TLS mismatch, an old server.
 */
import { HitlineError, type HitlineErrorOptions } from '../../core/errors.js';
import { displayAddress, type MilvusConfig } from './config.js';

/** Milvus could not be reached: refused, timed out, DNS, TLS handshake. */
export class MilvusConnectionError extends HitlineError {}
/** Milvus refused the credentials or the user lacks a privilege. */
export class MilvusAuthError extends HitlineError {
  constructor(message: string, options: HitlineErrorOptions = {}) {
    super(message, { ...options, retryable: false, stopsRun: 'auth' });
  }
}
/** The server is too old (or too unlike Milvus) for what hitline needs. */
export class MilvusVersionError extends HitlineError {}
/** The server answered an operation with a failure. */
export class MilvusRequestError extends HitlineError {}
/**
 * The collection is not loaded (e.g. Milvus restarted: an indexed collection comes back released).
 * Retryable: loading it lets the same call succeed, which the store does by itself once.
 */
export class MilvusNotLoadedError extends MilvusRequestError {}
/** A batch of an upsert failed; nothing in `failedIds` may be assumed stored. Retryable when its cause is. */
export class MilvusWriteError extends MilvusRequestError {
  readonly failedIds: string[];
  /** Rows confirmed stored by earlier batches of the same call. */
  readonly storedCount: number;
  constructor(message: string, options: { hint?: string; cause?: unknown; retryable?: boolean; failedIds: string[]; storedCount: number }) {
    super(message, options);
    this.failedIds = options.failedIds;
    this.storedCount = options.storedCount;
  }
}

/** gRPC status codes (grpc-js `status`), spelled out to keep this module free of the transport. */
const GRPC = {
  DEADLINE_EXCEEDED: 4,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  ABORTED: 10,
  UNIMPLEMENTED: 12,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

/**
 * Milvus status codes its server marks retriable (pkg/util/merr): service not ready (1), unavailable (2),
 * request limit (4), rate limit (8), resources insufficient (12), collection not fully loaded (103) or
 * recovering (106), partition not fully loaded (202), unexpected EOF (1002), HTTP rate limit (1807).
 */
const RETRYABLE_STATUS_CODES = new Set([1, 2, 4, 8, 12, 103, 106, 202, 1002, 1807]);
/** The same conditions as the older `error_code` names (Milvus 2.2-2.3 servers send only these). */
const RETRYABLE_ERROR_CODES = new Set(['NotReadyServe', 'NotReadyCoordActivating', 'RateLimit', 'NotShardLeader', 'DataCoordNA']);
/** Reasons a connection fails that no second attempt changes: a name that does not resolve, a TLS mismatch. */
const UNREACHABLE_BY_CONFIG = /name resolution|ENOTFOUND|handshake|certificate|SSL|TLS/i;

/** A Milvus status as the SDK returns it (`common.Status`). */
export interface MilvusStatusLike {
  error_code?: string | number;
  code?: number;
  reason?: string;
  detail?: string;
  /** Set by Milvus 2.4+ on failures it expects another attempt to get past. */
  retriable?: boolean;
}

export function isSuccessStatus(status: MilvusStatusLike | undefined): boolean {
  if (!status) return false;
  const codeOk = status.code === undefined || status.code === 0;
  const errorCodeOk = status.error_code === undefined || status.error_code === 'Success' || status.error_code === 0;
  return codeOk && errorCodeOk;
}

/** Replaces every secret of the config (and its base64 forms, as sent in the auth header) by `***`. */
export function redactSecrets(text: string, config: Pick<MilvusConfig, 'token' | 'username' | 'password'>): string {
  const secrets = new Set<string>();
  const add = (s: string | undefined) => {
    if (s && s.length >= 3) {
      secrets.add(s);
      secrets.add(Buffer.from(s, 'utf8').toString('base64'));
    }
  };
  add(config.token);
  add(config.password);
  if (config.username && config.password) add(`${config.username}:${config.password}`);
  let out = text;
  // Longest first, so a secret that contains another is replaced whole.
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join('***');
  return out;
}

const ADDRESS_HELP =
  'MILVUS_ADDRESS is right (host:port, default port 19530; an https:// endpoint for Zilliz Cloud; MILVUS_SSL=true if the server uses TLS)';
const CONNECT_HINT = `Milvus did not answer (down, restarting or overloaded); another attempt can succeed, and a batch retries by itself. If it keeps failing, check that Milvus is running and reachable and that ${ADDRESS_HELP}.`;
const CONFIG_CONNECT_HINT = `Trying again will not help: check that ${ADDRESS_HELP}, and the MILVUS_TLS_* files.`;
const AUTH_HINT =
  'Trying again will not help: check MILVUS_TOKEN (an API key or "user:password") or MILVUS_USERNAME/MILVUS_PASSWORD, and that the user may use this database and collection.';
const BUSY_HINT = 'Milvus is busy, loading or restarting; another attempt can succeed, and a batch retries by itself. If it keeps failing, check the Milvus logs.';
const REQUEST_HINT = 'Milvus refused the request as it is, so trying again will not help; the reason says what it objected to.';

function connectionError(message: string, details: string, err: unknown): MilvusConnectionError {
  const retryable = !UNREACHABLE_BY_CONFIG.test(details);
  return new MilvusConnectionError(message, { hint: retryable ? CONNECT_HINT : CONFIG_CONNECT_HINT, retryable, cause: err });
}

/**
 * Turns whatever the SDK threw or returned into a HitlineError naming the address and the action.
 * HitlineErrors pass through unchanged.
 */
export function toMilvusError(err: unknown, config: MilvusConfig, action: string): HitlineError {
  if (err instanceof HitlineError) return err;
  const where = displayAddress(config);
  const redact = (s: string) => redactSecrets(s, config);
  const grpcCode = typeof (err as { code?: unknown })?.code === 'number' && (err as { details?: unknown }).details !== undefined
    ? ((err as { code: number }).code)
    : undefined;
  if (grpcCode !== undefined) {
    const details = redact(String((err as { details?: unknown }).details ?? (err as Error).message ?? ''));
    if (grpcCode === GRPC.DEADLINE_EXCEEDED) return deadlineError(config, action, details, err);
    if (grpcCode === GRPC.UNAVAILABLE) {
      return connectionError(`Could not reach Milvus at ${where} while ${action}: ${details}`, details, err);
    }
    if (grpcCode === GRPC.UNAUTHENTICATED || grpcCode === GRPC.PERMISSION_DENIED) {
      return new MilvusAuthError(`Milvus at ${where} refused the credentials while ${action}: ${details}`, { hint: AUTH_HINT, cause: err });
    }
    if (grpcCode === GRPC.UNIMPLEMENTED) {
      return new MilvusVersionError(`Milvus at ${where} does not implement a call needed for ${action}: ${details}`, {
        hint: 'hitline needs Milvus 2.4 or newer; upgrade the server.',
        cause: err,
      });
    }
    if (grpcCode === GRPC.RESOURCE_EXHAUSTED || grpcCode === GRPC.ABORTED) {
      return new MilvusRequestError(`Milvus at ${where} could not take the request while ${action}: ${details}`, { hint: BUSY_HINT, retryable: true, cause: err });
    }
    return new MilvusRequestError(`Milvus at ${where} failed while ${action}: ${details}`, { hint: REQUEST_HINT, cause: err });
  }
  const status = statusOf(err);
  if (status) return statusError(status, config, action);
  const message = redact(err instanceof Error ? err.message : String(err));
  if (/DEADLINE_EXCEEDED|deadline exceeded/i.test(message)) return deadlineError(config, action, message, err);
  if (/ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|UNAVAILABLE|No connection established|handshake/i.test(message)) {
    return connectionError(`Could not reach Milvus at ${where} while ${action}: ${message}`, message, err);
  }
  return new MilvusRequestError(`Milvus at ${where} failed while ${action}: ${message}`, { hint: REQUEST_HINT, cause: err });
}

const SLOW_HINT =
  'Milvus is running but too slow to answer (overloaded, paused, or busy loading); another attempt can succeed, and a batch retries by itself. ' +
  'If it keeps happening, check the Milvus logs and resources, or allow more time with MILVUS_TIMEOUT_MS.';

/** A call that got no answer before its deadline: the server may still be up, so it says so, and another attempt can succeed. */
function deadlineError(config: MilvusConfig, action: string, details: string, err: unknown): MilvusConnectionError {
  const within = config.timeoutMs ? ` within ${config.timeoutMs / 1000} s` : ' before the deadline';
  return new MilvusConnectionError(`Milvus at ${displayAddress(config)} did not answer${within} while ${action} (${details})`, {
    hint: SLOW_HINT,
    retryable: true,
    cause: err,
  });
}

/** Milvus's "collection not loaded" (code 101, on Milvus and Milvus Lite alike). */
function isNotLoaded(status: MilvusStatusLike, reason: string): boolean {
  return status.code === 101 || /collection not loaded|call load\(\)/i.test(reason);
}

/** A failed Milvus status (returned, not thrown, by most SDK calls) as a HitlineError. */
export function statusError(status: MilvusStatusLike, config: MilvusConfig, action: string): HitlineError {
  const where = displayAddress(config);
  const reason = redactSecrets(status.reason || status.detail || String(status.error_code ?? status.code ?? 'unknown error'), config);
  if (status.error_code === 'PermissionDenied' || /auth|credential|privilege|permission denied|unauthenticated/i.test(reason)) {
    return new MilvusAuthError(`Milvus at ${where} refused the request while ${action}: ${reason}`, { hint: AUTH_HINT });
  }
  if (/database not (found|exist)/i.test(reason)) {
    return new MilvusRequestError(`Milvus at ${where} has no such database (while ${action}): ${reason}`, {
      hint: 'Create the database in Milvus (e.g. with the Attu UI or `createDatabase`), or unset MILVUS_DATABASE to use "default".',
    });
  }
  if (isNotLoaded(status, reason)) {
    return new MilvusNotLoadedError(`Milvus at ${where} has not loaded the collection (while ${action}): ${reason}`, { hint: BUSY_HINT, retryable: true });
  }
  if (isRetryableStatus(status)) {
    return new MilvusRequestError(`Milvus at ${where} could not serve the request while ${action}: ${reason}`, { hint: BUSY_HINT, retryable: true });
  }
  return new MilvusRequestError(`Milvus at ${where} failed while ${action}: ${reason}`, { hint: REQUEST_HINT });
}

function isRetryableStatus(status: MilvusStatusLike): boolean {
  return (
    status.retriable === true ||
    (status.code !== undefined && RETRYABLE_STATUS_CODES.has(status.code)) ||
    (typeof status.error_code === 'string' && RETRYABLE_ERROR_CODES.has(status.error_code))
  );
}

function statusOf(value: unknown): MilvusStatusLike | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as { status?: MilvusStatusLike } & MilvusStatusLike;
  if (v.status && typeof v.status === 'object' && ('error_code' in v.status || 'code' in v.status)) return v.status;
  if ('error_code' in v && 'reason' in v) return v;
  return undefined;
}

/** Throws the HitlineError for a failed status; returns quietly on success. */
export function checkStatus(status: MilvusStatusLike | undefined, config: MilvusConfig, action: string): void {
  if (!isSuccessStatus(status)) throw statusError(status ?? { reason: 'no status in the answer' }, config, action);
}

/** Runs one SDK call, turning a throw into a HitlineError that names the address and the action. */
export async function callMilvus<T>(config: MilvusConfig, action: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toMilvusError(err, config, action);
  }
}
