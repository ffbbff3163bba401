/** Runs the real `hitline` (node bin/hitline.js) as a child process and returns its exit code and raw output bytes. */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from '../../src/util/paths.js';

export interface SpawnedCli {
  code: number;
  stdout: Buffer;
  stderr: Buffer;
}

export function spawnCli(args: string[], env: Record<string, string | undefined> = {}): Promise<SpawnedCli> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [path.join(REPO_ROOT, 'bin/hitline.js'), ...args],
      { cwd: REPO_ROOT, env: { ...process.env, FORCE_COLOR: '0', ...env }, encoding: 'buffer', maxBuffer: 64 * 1024 * 1024, timeout: 240_000 },
      (error, stdout, stderr) => {
        const code = error ? (error as { code?: unknown }).code : 0;
        if (typeof code !== 'number') return reject(error);
        resolve({ code, stdout, stderr });
      },
    );
  });
}
