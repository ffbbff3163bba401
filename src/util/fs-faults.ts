/**
 * Filesystem faults traced to their cause before they are reported (core/errors.ts words them). Node's
 * recursive mkdir reports ENOENT when the real fault is a read-only file system or a folder the user may
 * not write to ("ENOENT: no such file or directory, mkdir '/ws/cache/embeddings'" on a read-only /ws), which
 * would send the user looking for a missing folder; here such an ENOENT becomes the parent's real error.
 */
import { constants } from 'node:fs';
import { access, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileSystemError, isNodeFsError, type FileSystemError, type FileSystemErrorContext, type NodeFsErrorLike } from '../core/errors.js';

/** `err` as a FileSystemError; an ENOENT from mkdir is replaced by why its nearest existing folder cannot be written. */
export async function explainFsError(err: NodeFsErrorLike, context: FileSystemErrorContext): Promise<FileSystemError> {
  if (err.code === 'ENOENT' && err.syscall === 'mkdir' && err.path) {
    const blocked = await unwritableAncestor(err.path);
    if (blocked) return fileSystemError({ ...blocked.error, syscall: 'mkdir' }, { ...context, folder: context.folder ?? blocked.folder });
  }
  return fileSystemError(err, context);
}

/** Creates `dir` and its parents; a failure is a FileSystemError saying what was being done and the real reason. */
export async function makeFolder(dir: string, action: string, folder?: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    if (!isNodeFsError(err)) throw err;
    throw await explainFsError({ ...err, path: err.path ?? dir, syscall: err.syscall ?? 'mkdir' }, { action, folder });
  }
}

/**
 * Why the nearest existing ancestor of `target` cannot be written (EROFS, EACCES...), or undefined when it
 * can (then the ENOENT was real: a folder vanished while it was being created).
 */
export async function unwritableAncestor(target: string): Promise<{ folder: string; error: NodeFsErrorLike } | undefined> {
  let dir = path.dirname(path.resolve(target));
  for (;;) {
    const found = await stat(dir).then((s) => s.isDirectory(), () => false);
    if (found) break;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
  try {
    await access(dir, constants.W_OK);
    return undefined;
  } catch (err) {
    return isNodeFsError(err) ? { folder: dir, error: { code: err.code, path: dir } } : undefined;
  }
}
