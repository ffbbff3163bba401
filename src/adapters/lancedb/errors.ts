/**
 * LanceDB failures as HitlineErrors naming the store folder, in one place. LanceDB (a native addon)
 * throws plain Errors whose text is the Rust error chain: "lance error: LanceError(IO): No space left on
 * device (os error 28), /usr/local/cargo/.../writer.rs:395:9  Caused by: ...". The patterns below are the
 * texts LanceDB 0.33 (lance 9.0) was seen to produce, provoked on purpose in
 * test/adapters/lancedb/lancedb-errors.test.ts:
 * - an errno from the filesystem under the table ("(os error N)") is reported like a Node fs error
 *   (core/errors.ts fileSystemError): EAGAIN, EBUSY, ETIMEDOUT retryable; ENOSPC, EROFS, EACCES not;
 * - commit conflicts between writers ("Retryable commit conflict", "Commit conflict", "Incompatible
 *   transaction", "Too many concurrent writers") and lance timeouts are retryable: another attempt reads
 *   the new table version and can succeed;
 * - a table folder without its version manifests, a missing or damaged data or index file, and a table
 *   whose columns are not hitline's are not: the user has to repair or rebuild the store.
 * Anything else from the native layer becomes a plain, non-retryable HitlineError; errors of hitline's own
 * code (HitlineErrors, programming errors) pass through unchanged.
 */
import { constants } from 'node:os';
import path from 'node:path';
import { HitlineError, fileSystemError, isNodeFsError } from '../../core/errors.js';

export interface LanceDbErrorContext {
  /** The store folder. */
  dir: string;
  table: string;
  /** What was being done, as a verb phrase: "upsert 40 products". */
  action: string;
}

/** A store LanceDB cannot use as it is: damaged, incomplete, or laid out by something else. */
export class LanceDbStoreError extends HitlineError {}

const REBUILD = 'Restore the folder from a backup, or re-ingest into a new workspace (or with --reindex) to rebuild the store.';

interface Rule {
  test: RegExp;
  retryable: boolean;
  says: string;
  hint: (dir: string) => string;
}

const RULES: Rule[] = [
  {
    test: /commit conflict|incompatible transaction|too many concurrent writers|preempted by concurrent transaction/i,
    retryable: true,
    says: 'another writer changed the table at the same moment',
    hint: (dir) => `Run it again; hitline takes one writer at a time per folder, so check that nothing else writes to ${dir}.`,
  },
  {
    test: /operation timed out|timed out/i,
    retryable: true,
    says: 'the table did not answer in time',
    hint: (dir) => `Run it again; if it keeps happening, check the disk or network share holding ${dir}.`,
  },
  {
    test: /append with different schema|schema error|no field named|LanceError\(Schema\)/i,
    retryable: false,
    says: "the table's columns are not the ones hitline writes (another program or version made it)",
    hint: (dir) => `The table in ${dir} cannot be used as it is. ${REBUILD}`,
  },
  {
    test: /Table '[^']*' was not found|Dataset at path .* was not found/i,
    retryable: false,
    says: 'the table or its version history is missing',
    hint: (dir) => `A part of the store in ${dir} was deleted. ${REBUILD}`,
  },
  {
    test: /Not found: \S+\.lance\b|does not have sufficient data|corrupt|failed to fill whole buffer|LanceError\(IO\)/i,
    retryable: false,
    says: 'a file of the table is missing or damaged',
    hint: (dir) => `A file in ${dir} is missing or damaged. ${REBUILD}`,
  },
];

/** Maps what LanceDB (or the filesystem under it) threw; anything else is returned unchanged. */
export function toLanceDbError(err: unknown, context: LanceDbErrorContext): unknown {
  if (err instanceof HitlineError) return err;
  const tableDir = path.join(context.dir, `${context.table}.lance`);
  if (isNodeFsError(err)) return fileSystemError(err, { action: context.action, folder: context.dir });
  if (!isNativeLanceError(err)) return err;
  const text = condense(err.message);
  const errno = osErrorCode(err.message);
  if (errno) return fileSystemError({ code: errno, path: tableDir, message: text }, { action: `${context.action} in the store`, folder: context.dir });
  const rule = RULES.find((r) => r.test.test(err.message));
  const where = `the store at ${context.dir} (table "${context.table}")`;
  if (!rule) return new HitlineError(`LanceDB failed to ${context.action} in ${where}: ${text}`, { cause: err });
  const options = { hint: rule.hint(context.dir), retryable: rule.retryable, cause: err };
  const message = `could not ${context.action} in ${where}: ${rule.says} (${text})`;
  return rule.retryable ? new HitlineError(message, options) : new LanceDbStoreError(message, options);
}

/** Errors the native addon raised (napi's GenericFailure), as opposed to ones from JavaScript code. */
function isNativeLanceError(err: unknown): err is Error {
  return err instanceof Error && ((err as { code?: unknown }).code === 'GenericFailure' || /lance error|LanceError\(/.test(err.message));
}

/** Node's name (ENOSPC, ...) of the errno in Rust's "(os error 28)", on this platform's numbering. */
export function osErrorCode(message: string): string | undefined {
  const match = /\(os error (\d+)\)/.exec(message);
  if (!match) return undefined;
  const errno = Number(match[1]);
  return Object.entries(constants.errno).find(([, n]) => n === errno)?.[0];
}

/** The first error of the chain, without Rust source locations: short enough for a message. */
export function condense(message: string): string {
  const first = message.split(/\s+Caused by:/)[0];
  const text = first.replace(/,?\s*(?:location: )?\/\S+?\.rs:\d+:\d+/g, '').replace(/\s+/g, ' ').trim();
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}
