/**
 * Processes for bench/service.ts: `hitline serve` or another hitline command as a child, with its resident
 * memory and open file descriptors read from /proc, sampled while it works.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from '../src/util/paths.js';

export interface Child {
  child: ChildProcess;
  pid: number;
  exited: Promise<number | null>;
  /** Everything it wrote to stdout. */
  stdout(): string;
}

export function hitline(args: string[], env: NodeJS.ProcessEnv): Child {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/hitline.js'), ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d.toString()));
  child.stderr!.on('data', (d) => (err = (err + d.toString()).slice(-20_000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  void exited.then((code) => {
    if (code !== 0 && code !== null) process.stderr.write(`hitline ${args[0]} exited with ${code}:\n${err.slice(-3000)}\n`);
  });
  return { child, pid: child.pid!, exited, stdout: () => out };
}

/** `hitline serve` on a free port; resolves once it listens. */
export async function serveProcess(workspace: string, env: NodeJS.ProcessEnv, extra: string[] = []): Promise<Child & { url: string; stop(): Promise<number | null> }> {
  const c = hitline(['serve', '--workspace', workspace, '--port', '0', '--rate-limit', '100000', ...extra], env);
  const url = await new Promise<string>((resolve, reject) => {
    const poll = setInterval(() => {
      const m = c.stdout().match(/serving on (http:\/\/\S+)/);
      if (m) {
        clearInterval(poll);
        resolve(m[1]);
      }
    }, 50);
    void c.exited.then((code) => {
      clearInterval(poll);
      reject(new Error(`serve exited with ${code}`));
    });
  });
  return { ...c, url, stop: () => (c.child.kill('SIGTERM'), c.exited) };
}

export async function rssMB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(status.match(/VmRSS:\s+(\d+)/)![1]) / 1024);
}

export async function openFds(pid: number): Promise<number> {
  return (await readdir(`/proc/${pid}/fd`)).length;
}

/** Samples a process's resident memory every `everyMs` until stopped: median and peak. */
export function sampleRss(pid: number, everyMs = 500): { stop(): { medianMB: number; peakMB: number; samples: number } } {
  const samples: number[] = [];
  const timer = setInterval(() => void rssMB(pid).then((mb) => samples.push(mb), () => undefined), everyMs);
  return {
    stop() {
      clearInterval(timer);
      const sorted = [...samples].sort((a, b) => a - b);
      return { medianMB: sorted[Math.floor(sorted.length / 2)] ?? 0, peakMB: sorted.at(-1) ?? 0, samples: samples.length };
    },
  };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
