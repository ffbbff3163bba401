import { randomBytes } from 'node:crypto';
import { rename, writeFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { isNodeFsError } from '../core/errors.js';
import { explainFsError, makeFolder } from './fs-faults.js';

/**
 * Writes a file so that readers see the old content or the new, never a torn one (temp file + rename). A
 * filesystem failure (a full disk, a read-only folder) removes the temp file and is a FileSystemError naming
 * the file, so nothing half-written is left and the same command succeeds once the fault is fixed.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const action = `write ${path.basename(file)}`;
  await makeFolder(path.dirname(file), action);
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    // Name the file being written, not the temp file Node's error is about.
    throw isNodeFsError(err) ? await explainFsError({ ...err, path: file }, { action, folder: path.dirname(file) }) : err;
  }
}
