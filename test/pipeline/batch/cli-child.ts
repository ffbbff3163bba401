/** Runs `node bin/hitline.js ...` as a child process (so it can be killed) and collects what it says. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from '../../../src/util/paths.js';

export interface CliChild {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** The JSON progress lines written to stderr (`--progress json`). */
  events(): Array<Record<string, any>>;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves when a progress event matching `predicate` has been written. */
  event(predicate: (e: Record<string, any>) => boolean): Promise<Record<string, any>>;
}

export function startCli(args: string[], env: Record<string, string>): CliChild {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/hitline.js'), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env, FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const parsed: Array<Record<string, any>> = [];
  const waiters: Array<{ predicate: (e: Record<string, any>) => boolean; resolve: (e: Record<string, any>) => void }> = [];
  let partial = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => {
    const text = c.toString();
    err += text;
    partial += text;
    const lines = partial.split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      try {
        const e = JSON.parse(line);
        parsed.push(e);
        for (let i = waiters.length - 1; i >= 0; i--) {
          if (waiters[i].predicate(e)) {
            waiters[i].resolve(e);
            waiters.splice(i, 1);
          }
        }
      } catch {
        // not a progress line
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    events: () => parsed,
    exited,
    event: (predicate) =>
      new Promise((resolve, reject) => {
        const found = parsed.find(predicate);
        if (found) return resolve(found);
        waiters.push({ predicate, resolve });
        void exited.then(() => reject(new Error(`the process exited before the event; stderr:\n${err.slice(-3000)}`)));
      }),
  };
}
