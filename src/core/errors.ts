/**
 * Errors a user can act on. The CLI prints `message` and `hint` without a stack trace;
 * anything that is not a HitlineError is a bug and is printed with its stack.
 */
export class HitlineError extends Error {
  /** What the user should do next, in one sentence. */
  readonly hint?: string;
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options.hint;
  }
}

/** Bad input from the user: a flag, a file, a row. */
export class UserInputError extends HitlineError {}

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
