/**
 * A cross-process lock file: one hitline process at a time may write to a folder.
 *
 * The lock file is created with O_EXCL and holds the holder's pid, host and process start time.
 * A lock whose holder died (no such pid, or the pid now belongs to a process that started later)
 * is taken over; a live holder makes `acquireWorkspaceLock` wait a little and then fail with
 * WorkspaceBusyError. Readers never need the lock.
 */
import { randomBytes } from 'node:crypto';
import { open, readFile, rm, stat } from 'node:fs/promises';
import { readFileSync, unlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HitlineError, fileSystemError, isNodeFsError } from '../core/errors.js';

/** Another live process holds the lock past the wait: retryable, since that process will finish. */
export class WorkspaceBusyError extends HitlineError {}

export interface LockHolder {
  pid: number;
  host: string;
  /** Start time of the holding process from /proc (clock ticks since boot), where the OS has /proc. */
  procStart: string | null;
  /** When the lock was taken (ISO time), for messages. */
  since: string;
  /** Random per acquisition, so a holder never deletes a lock that is no longer its own. */
  token: string;
}

export interface WorkspaceLockOptions {
  /** How long to wait for a live holder before giving up (ms). Default 10 s. */
  waitMs?: number;
  /** Polling interval while waiting (ms). */
  pollMs?: number;
  /** Folder named in the busy error: "another hitline process is writing to <target>". */
  target?: string;
}

export interface WorkspaceLock {
  readonly path: string;
  readonly holder: LockHolder;
  /** Removes the lock file if it is still ours. Safe to call twice. */
  release(): Promise<void>;
}

export const DEFAULT_LOCK_WAIT_MS = 10_000;
// A lock file with no readable content is being written by its creator, unless it stays that way this long.
const UNREADABLE_LOCK_STALE_MS = 5_000;
// A takeover marker older than this belongs to a process that died mid-takeover.
const TAKEOVER_STALE_MS = 10_000;

const heldLocks = new Map<string, string>(); // path → token, removed on process exit
let exitHookInstalled = false;

/**
 * Takes the lock, waiting up to `waitMs` for a live holder. A filesystem failure (a read-only or full
 * disk, no permission) is a FileSystemError naming the folder.
 */
export async function acquireWorkspaceLock(lockPath: string, options: WorkspaceLockOptions = {}): Promise<WorkspaceLock> {
  try {
    return await acquire(lockPath, options);
  } catch (err) {
    if (!isNodeFsError(err)) throw err;
    const folder = options.target ?? path.dirname(lockPath);
    throw fileSystemError(err, { action: `take the write lock of ${folder}`, folder });
  }
}

async function acquire(lockPath: string, options: WorkspaceLockOptions): Promise<WorkspaceLock> {
  const waitMs = options.waitMs ?? DEFAULT_LOCK_WAIT_MS;
  const pollMs = options.pollMs ?? 100;
  const deadline = Date.now() + waitMs;
  const holder: LockHolder = {
    pid: process.pid,
    host: os.hostname(),
    procStart: procStartOf(process.pid),
    since: new Date().toISOString(),
    token: randomBytes(8).toString('hex'),
  };
  const content = JSON.stringify(holder);

  for (;;) {
    if (await createExclusive(lockPath, content)) {
      heldLocks.set(lockPath, holder.token);
      installExitHook();
      return { path: lockPath, holder, release: () => releaseLock(lockPath, holder.token) };
    }
    const observed = await readLockFile(lockPath);
    if (observed === null) continue; // released between our attempt and the read: try again at once
    const current = parseHolder(observed.text);
    const stale = current ? !isHolderAlive(current) : Date.now() - observed.mtimeMs > UNREADABLE_LOCK_STALE_MS;
    if (stale) {
      await removeIfUnchanged(lockPath, observed.text);
      continue;
    }
    if (Date.now() >= deadline) {
      const target = options.target ?? lockPath;
      const who = current ? ` (pid ${current.pid} on ${current.host}, since ${current.since})` : '';
      throw new WorkspaceBusyError(`another hitline process is writing to ${target}${who}`, {
        hint: `Wait for that process to finish and try again. If no hitline process is running, delete ${lockPath}.`,
        retryable: true,
      });
    }
    await sleep(pollMs);
  }
}

/** The current holder of a lock file, or null when it is free (or unreadable). */
export async function readLockHolder(lockPath: string): Promise<LockHolder | null> {
  const observed = await readLockFile(lockPath);
  return observed ? parseHolder(observed.text) : null;
}

/** Whether the process that wrote this holder record is still running (assumed so for other hosts). */
export function isHolderAlive(holder: LockHolder): boolean {
  if (holder.host !== os.hostname()) return true; // cannot see another machine's processes
  try {
    process.kill(holder.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    // EPERM: the pid exists but belongs to another user; fall through to the start-time check.
  }
  // The pid is in use; it is the holder only if that process started when the holder did.
  if (holder.procStart !== null) {
    const now = procStartOf(holder.pid);
    if (now !== null && now !== holder.procStart) return false;
  }
  return true;
}

async function createExclusive(lockPath: string, content: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(lockPath, 'wx'); // O_CREAT | O_EXCL
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    await handle.writeFile(content);
  } finally {
    await handle.close();
  }
  return true;
}

async function readLockFile(lockPath: string): Promise<{ text: string; mtimeMs: number } | null> {
  try {
    const [text, info] = await Promise.all([readFile(lockPath, 'utf8'), stat(lockPath)]);
    return { text, mtimeMs: info.mtimeMs };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

function parseHolder(text: string): LockHolder | null {
  try {
    const h = JSON.parse(text) as Partial<LockHolder>;
    if (typeof h.pid !== 'number' || typeof h.host !== 'string' || typeof h.token !== 'string') return null;
    return { pid: h.pid, host: h.host, procStart: h.procStart ?? null, since: String(h.since ?? ''), token: h.token };
  } catch {
    return null;
  }
}

/**
 * Deletes a stale lock, but only if it still holds what we judged stale: two processes may find the
 * same stale lock, and the slower one must not delete the lock the faster one has just taken.
 * A short-lived takeover marker (also O_EXCL) makes the check-and-delete one step.
 */
async function removeIfUnchanged(lockPath: string, staleText: string): Promise<void> {
  const marker = `${lockPath}.takeover`;
  if (!(await createExclusive(marker, String(process.pid)))) {
    const m = await readLockFile(marker);
    if (m && Date.now() - m.mtimeMs > TAKEOVER_STALE_MS) await rm(marker, { force: true });
    else await sleep(20);
    return;
  }
  try {
    const now = await readLockFile(lockPath);
    if (now && now.text === staleText) await rm(lockPath, { force: true });
  } finally {
    await rm(marker, { force: true });
  }
}

async function releaseLock(lockPath: string, token: string): Promise<void> {
  if (heldLocks.get(lockPath) !== token) return;
  heldLocks.delete(lockPath);
  const now = await readLockFile(lockPath);
  if (now && parseHolder(now.text)?.token === token) await rm(lockPath, { force: true });
}

// A process that exits while holding a lock (process.exit, an uncaught error) removes it on the way out;
// one killed by a signal leaves it behind, and the next writer sees the dead pid and takes it over.
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const [lockPath, token] of heldLocks) {
      try {
        if (parseHolder(readFileSync(lockPath, 'utf8'))?.token === token) unlinkSync(lockPath);
      } catch {
        // already gone
      }
    }
  });
}

/** Field 22 of /proc/<pid>/stat (start time in clock ticks since boot), or null where there is no /proc. */
function procStartOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may contain spaces: count fields after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null; // fields[0] is field 3 (state), so field 22 is fields[19]
  } catch {
    return null;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
