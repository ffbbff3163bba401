/**
 * The single writer of a LanceDB folder. LanceDB lets two writers upsert the same new id at once and
 * keeps both rows, so every write runs (1) after the previous write of this process to the same
 * folder has finished, and (2) while holding the folder's cross-process lock file.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { acquireWorkspaceLock } from '../../util/workspace-lock.js';

export const WRITE_LOCK_FILE = '.hitline-write.lock';

// One chain per folder, shared by every store object of this process that writes there.
const tails = new Map<string, Promise<unknown>>();

export class WriteQueue {
  private readonly key: string;

  /** `dir` must exist. */
  constructor(
    private readonly dir: string,
    private readonly lockWaitMs?: number,
  ) {
    this.key = realpathSync(dir);
  }

  /** Runs `write` alone: after earlier writes of this process, holding the folder's lock file. */
  run<T>(write: () => Promise<T>): Promise<T> {
    const previous = tails.get(this.key) ?? Promise.resolve();
    const result = previous.catch(() => undefined).then(() => this.underFileLock(write));
    const tail = result.catch(() => undefined);
    tails.set(this.key, tail);
    void tail.then(() => {
      if (tails.get(this.key) === tail) tails.delete(this.key);
    });
    return result;
  }

  private async underFileLock<T>(write: () => Promise<T>): Promise<T> {
    const lock = await acquireWorkspaceLock(path.join(this.key, WRITE_LOCK_FILE), {
      waitMs: this.lockWaitMs,
      target: this.dir,
    });
    try {
      return await write();
    } finally {
      await lock.release();
    }
  }
}
