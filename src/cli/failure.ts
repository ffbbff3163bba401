/**
 * How a command that threw ends: what is printed on stderr and the exit code (README, "Exit codes").
 *   2   a usage mistake: commander's own (unknown option or command, missing option or value, bad choice) and
 *       every HitlineError that is not a filesystem fault (a bad flag value, a missing file, a bad config);
 *   74  the workspace or the disk failed (read-only, full, permission denied, an I/O error): the message says
 *       what could not be written where, and the same command works once that is fixed (sysexits' EX_IOERR);
 *   70  anything else: a bug, printed with its stack (sysexits' EX_SOFTWARE).
 * 0, 1 (a row was bad, a product failed), 3 (stopped by the budget, credits or key) and 130 are returned by the
 * commands themselves. Everything printed is terminal-safe: messages can quote catalog text.
 */
import { CommanderError } from 'commander';
import { FileSystemError, HitlineError, isNodeFsError } from '../core/errors.js';
import { explainFsError } from '../util/fs-faults.js';
import { terminalSafeLines } from '../util/terminal-text.js';

export const EXIT_USAGE = 2;
export const EXIT_IO = 74;
export const EXIT_BUG = 70;

export async function reportFailure(err: unknown, stderr: NodeJS.WritableStream): Promise<number> {
  // Commander has already printed its message (through the program's terminal-safe writeErr).
  if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : EXIT_USAGE;
  // A filesystem error no caller wrapped is still the user's disk, not a bug: say what and where.
  const failure = isNodeFsError(err) && !(err instanceof HitlineError) ? await explainFsError(err, { action: actionOf(err.syscall) }) : err;
  if (failure instanceof HitlineError) {
    stderr.write(terminalSafeLines(`error: ${failure.message}\n${failure.hint ? `hint: ${failure.hint}\n` : ''}`));
    return failure instanceof FileSystemError ? EXIT_IO : EXIT_USAGE;
  }
  const detail = failure instanceof Error ? (failure.stack ?? failure.message) : String(failure);
  stderr.write(terminalSafeLines(`hitline hit an unexpected error (a bug; please report it with the lines below):\n${detail}\n`));
  return EXIT_BUG;
}

/** Node's syscall name as what hitline was doing. */
function actionOf(syscall: string | undefined): string {
  switch (syscall) {
    case 'mkdir': return 'create a folder';
    case 'open': return 'open a file';
    case 'read': return 'read a file';
    case 'write': return 'write a file';
    case 'rename': return 'move a file into place';
    case 'unlink': case 'rmdir': case 'rm': return 'remove a file';
    case 'scandir': return 'list a folder';
    default: return syscall ? `${syscall} a file` : 'use a file';
  }
}
