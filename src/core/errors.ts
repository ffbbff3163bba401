/**
 * Errors a user can act on, in one neutral type every adapter maps its failures onto (OpenRouter, Milvus,
 * LanceDB, the filesystem). The CLI prints `message` and `hint` without a stack trace; anything that is
 * not a HitlineError is a bug and is printed with its stack. The batch decides what to do with a failure
 * from `retryable` and `stopsRun` alone (pipeline/batch/failure-policy.ts), never from the adapter's class.
 */

/** Why no further work of a run can succeed: it stops taking new work and leaves the rest for a resume. */
export type RunStopCause = 'credits' | 'auth';

export interface HitlineErrorOptions {
  /** What the user should do next, in one sentence. */
  hint?: string;
  cause?: unknown;
  /** Another attempt of the same call can succeed (a timeout, a 5xx or 429, an unavailable store, an unusable answer). */
  retryable?: boolean;
  /** Set when no call of this kind can succeed until the user acts (no credits, a rejected key). */
  stopsRun?: RunStopCause;
}

export class HitlineError extends Error {
  /** What the user should do next, in one sentence. */
  readonly hint?: string;
  readonly retryable: boolean;
  readonly stopsRun?: RunStopCause;
  constructor(message: string, options: HitlineErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options.hint;
    this.retryable = options.retryable ?? false;
    this.stopsRun = options.stopsRun;
  }
}

/** Bad input from the user: a flag, a file, a row. */
export class UserInputError extends HitlineError {}

/**
 * An image generator answered but made no image (a refusal, a prompt it could not follow). The ImageGenerator
 * port's own failure, so the pipeline recognises it without knowing the adapter; another attempt can succeed.
 */
export class NoImageGeneratedError extends HitlineError {
  constructor(message: string, options: Pick<HitlineErrorOptions, 'hint' | 'cause'> = {}) {
    super(message, { ...options, retryable: true });
  }
}

/** A store filled by one embedder was asked to serve another. */
export class EmbedderMismatchError extends HitlineError {}

/** Where in an input file a problem was found. Rows count from 1 at the first data row after the header. */
export interface InputLocation {
  file: string;
  row?: number;
  column?: string;
}

/** One problem with one row (or image) of an input file; the rest of the file still goes through. */
export interface RowProblem extends InputLocation {
  message: string;
}

export function formatRowProblem(p: RowProblem): string {
  const where = [p.file, p.row !== undefined ? `row ${p.row}` : undefined, p.column ? `column "${p.column}"` : undefined]
    .filter(Boolean)
    .join(', ');
  return `${where}: ${p.message}`;
}

// ---- filesystem errors ---------------------------------------------------------------------------

/** A Node filesystem error: `code` is Node's (ENOSPC, EACCES, ...), `path` the file or folder it was about. */
export interface NodeFsErrorLike {
  code: string;
  path?: string;
  syscall?: string;
  message?: string;
}

/** A filesystem operation failed; `code` and `path` say which and where. */
export class FileSystemError extends HitlineError {
  readonly code: string;
  readonly path?: string;
  constructor(message: string, options: HitlineErrorOptions & { code: string; path?: string }) {
    super(message, options);
    this.code = options.code;
    this.path = options.path;
  }
}

export interface FileSystemErrorContext {
  /** What was being done, as a verb phrase: "create the store folder", "take the write lock". */
  action: string;
  /** The file or folder, when the error itself does not name one (Node's `err.path` wins). */
  path?: string;
  /** The folder the hint should point the user at; defaults to the path. */
  folder?: string;
}

/** Whether `err` is an error from Node's fs (or a native library reporting an errno the same way). */
export function isNodeFsError(err: unknown): err is NodeFsErrorLike {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code);
}

interface FsCodeRule {
  /** What went wrong, said plainly. */
  says: string;
  retryable: boolean;
  hint: (folder: string) => string;
}

const TRY_AGAIN = (folder: string) => `Run it again; if it keeps happening, check the disk or network share holding ${folder}.`;
const PERMISSION = (folder: string) => `Give the user running hitline read and write access to ${folder}, or use another folder.`;
const DISK_FULL = (folder: string) => `Free space on the disk holding ${folder}, then run the same command again.`;

/**
 * How each errno is reported. Transient ones (a busy or slow file system, too many open files) are
 * retryable: another attempt of the same call can succeed. The rest need the user to act first.
 */
const FS_CODES: Record<string, FsCodeRule> = {
  ENOENT: { says: 'it does not exist', retryable: false, hint: (f) => `Check the path ${f}.` },
  ENOTDIR: { says: 'a part of the path is a file, not a folder', retryable: false, hint: (f) => `Check the path ${f}.` },
  EISDIR: { says: 'it is a folder where a file was expected', retryable: false, hint: (f) => `Check the path ${f}.` },
  EEXIST: { says: 'something is already there', retryable: false, hint: (f) => `Move away what is at ${f}, or use another folder.` },
  EACCES: { says: 'permission denied', retryable: false, hint: PERMISSION },
  EPERM: { says: 'the operation is not permitted', retryable: false, hint: PERMISSION },
  EROFS: { says: 'the file system is read-only', retryable: false, hint: (f) => `${f} is on a read-only file system; use a folder on a writable disk.` },
  ENOSPC: { says: 'the disk is full', retryable: false, hint: DISK_FULL },
  EDQUOT: { says: 'the disk quota is used up', retryable: false, hint: DISK_FULL },
  ENAMETOOLONG: { says: 'the path is too long', retryable: false, hint: (f) => `Use a shorter path than ${f}.` },
  EIO: { says: 'an input/output error (the disk or network share may be failing)', retryable: false, hint: (f) => `Check the disk holding ${f} (system log, dmesg).` },
  EAGAIN: { says: 'the resource is temporarily unavailable', retryable: true, hint: TRY_AGAIN },
  EWOULDBLOCK: { says: 'the resource is temporarily unavailable', retryable: true, hint: TRY_AGAIN },
  EBUSY: { says: 'the file or device is busy', retryable: true, hint: TRY_AGAIN },
  ETIMEDOUT: { says: 'the operation timed out', retryable: true, hint: TRY_AGAIN },
  EINTR: { says: 'the operation was interrupted', retryable: true, hint: TRY_AGAIN },
  ESTALE: { says: 'the network file handle went stale', retryable: true, hint: TRY_AGAIN },
  EMFILE: { says: 'too many files are open in this process', retryable: true, hint: () => 'Run fewer jobs at once, or raise the open-file limit (ulimit -n).' },
  ENFILE: { says: 'too many files are open on this system', retryable: true, hint: () => 'Close other programs, or raise the system open-file limit.' },
};

/** What went wrong, in a few words with the code, for a message that names the file itself: "permission denied (EACCES)". */
export function fsProblemText(err: NodeFsErrorLike): string {
  return `${FS_CODES[err.code]?.says ?? err.message ?? 'an unexpected filesystem error'} (${err.code})`;
}

/**
 * A Node filesystem error as a FileSystemError naming what was being done, where, and what to do:
 * "could not create the store folder: the file system is read-only (EROFS on /data/ws/lancedb)".
 */
export function fileSystemError(err: NodeFsErrorLike, context: FileSystemErrorContext): FileSystemError {
  const where = err.path ?? context.path;
  const folder = context.folder ?? where ?? 'that folder';
  const rule = FS_CODES[err.code];
  const says = rule?.says ?? err.message ?? 'an unexpected filesystem error';
  // mkdir over an existing file is the one EEXIST a user meets: say what is in the way.
  const detail = err.code === 'EEXIST' && err.syscall === 'mkdir' ? 'a file is in the way of the folder' : says;
  return new FileSystemError(`could not ${context.action}: ${detail} (${err.code}${where ? ` on ${where}` : ''})`, {
    code: err.code,
    path: where,
    retryable: rule?.retryable ?? false,
    hint: rule ? rule.hint(folder) : `Check ${folder} and run the same command again.`,
    cause: err,
  });
}
