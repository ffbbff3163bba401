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
