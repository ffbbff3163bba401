/**
 * Milvus failures as HitlineErrors a user can act on. Every message names the address (never the
 * token or password: `redactSecrets` scrubs them from anything the SDK or the server said).
 */
import { HitlineError } from '../../core/errors.js';
import { displayAddress, type MilvusConfig } from './config.js';

/** Milvus could not be reached: refused, timed out, DNS, TLS handshake. */
export class MilvusConnectionError extends HitlineError {}
/** Milvus refused the credentials or the user lacks a privilege. */
export class MilvusAuthError extends HitlineError {}
/** The server is too old (or too unlike Milvus) for what hitline needs. */
export class MilvusVersionError extends HitlineError {}
/** The server answered an operation with a failure. */
export class MilvusRequestError extends HitlineError {}
/** A batch of an upsert failed; nothing in `failedIds` may be assumed stored. */
export class MilvusWriteError extends MilvusRequestError {
  readonly failedIds: string[];
  /** Rows confirmed stored by earlier batches of the same call. */
  readonly storedCount: number;
  constructor(message: string, options: { hint?: string; cause?: unknown; failedIds: string[]; storedCount: number }) {
    super(message, options);
    this.failedIds = options.failedIds;
    this.storedCount = options.storedCount;
  }
}

/** gRPC status codes (grpc-js `status`), spelled out to keep this module free of the transport. */
const GRPC = { DEADLINE_EXCEEDED: 4, PERMISSION_DENIED: 7, UNIMPLEMENTED: 12, UNAVAILABLE: 14, UNAUTHENTICATED: 16 } as const;

/** A Milvus status as the SDK returns it (`common.Status`). */
export interface MilvusStatusLike {
  error_code?: string | number;
  code?: number;
  reason?: string;
  detail?: string;
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

const CONNECT_HINT =
  'Check that Milvus is running and reachable, and that MILVUS_ADDRESS is right (host:port, default port 19530; ' +
  'an https:// endpoint for Zilliz Cloud; MILVUS_SSL=true if the server uses TLS).';
const AUTH_HINT =
  'Check MILVUS_TOKEN (an API key or "user:password") or MILVUS_USERNAME/MILVUS_PASSWORD, and that the user may use this database and collection.';

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
    if (grpcCode === GRPC.UNAVAILABLE || grpcCode === GRPC.DEADLINE_EXCEEDED) {
      return new MilvusConnectionError(`Could not reach Milvus at ${where} while ${action}: ${details}`, { hint: CONNECT_HINT, cause: err });
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
    return new MilvusRequestError(`Milvus at ${where} failed while ${action}: ${details}`, { cause: err });
  }
  const status = statusOf(err);
  if (status) return statusError(status, config, action);
  const message = redact(err instanceof Error ? err.message : String(err));
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|UNAVAILABLE|No connection established|handshake/i.test(message)) {
    return new MilvusConnectionError(`Could not reach Milvus at ${where} while ${action}: ${message}`, { hint: CONNECT_HINT, cause: err });
  }
  return new MilvusRequestError(`Milvus at ${where} failed while ${action}: ${message}`, { cause: err });
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
  return new MilvusRequestError(`Milvus at ${where} failed while ${action}: ${reason}`);
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
