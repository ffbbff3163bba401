/**
 * A small tmpfs for tests of a full or read-only disk. Mounting needs root (or CAP_SYS_ADMIN); where it is
 * not permitted `mountTmpfs` resolves false and the caller skips, the same paths being covered by injected
 * faults elsewhere.
 */
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';

function run(command: string, args: string[]): Promise<boolean> {
  return new Promise((resolve) => execFile(command, args, (error) => resolve(!error)));
}

/** Mounts a tmpfs of `size` (e.g. "100k") at `dir`; false when this process may not mount. */
export async function mountTmpfs(dir: string, size: string): Promise<boolean> {
  await mkdir(dir, { recursive: true });
  return run('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0755`, 'tmpfs', dir]);
}

/** Changes a mounted tmpfs: a new size ("8m") or "ro" / "rw". */
export async function remountTmpfs(dir: string, option: string): Promise<void> {
  if (!(await run('mount', ['-o', `remount,${option}`, dir]))) throw new Error(`could not remount ${dir} with ${option}`);
}

export async function unmountTmpfs(dir: string): Promise<void> {
  await run('umount', ['-l', dir]);
}
