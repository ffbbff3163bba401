/**
 * A Milvus Lite server process (the Milvus project's own lightweight Milvus, a Python package serving
 * Milvus's gRPC API) for tests and benchmarks: started from the checkout's virtual environment (.venv/,
 * ignored by git; users never need it) on a free loopback port with its own data folder, stopped with
 * SIGINT, its output kept for when a test fails. test/helpers/milvus-lite.ts gives a test file one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../../src/util/paths.js';

export const ENABLE_MILVUS_LITE = 'python3 -m venv .venv && .venv/bin/pip install -r test/helpers/milvus-lite.requirements.txt';

/** The server command of the checkout's venv (or HITLINE_MILVUS_LITE), or null when it is not installed. */
export function milvusLiteCommand(): string | null {
  const command = process.env.HITLINE_MILVUS_LITE ?? path.join(REPO_ROOT, '.venv', 'bin', 'milvus-lite');
  return existsSync(command) ? command : null;
}

export function milvusLiteSkipReason(): string | null {
  if (milvusLiteCommand()) return null;
  return `Milvus Lite is not installed, so the tests against a real Milvus engine are skipped. To run them: ${ENABLE_MILVUS_LITE}`;
}

const STARTUP_MS = 90_000;
const STOP_GRACE_MS = 15_000;
const LOG_KEEP_CHARS = 200_000;
const STARTING = '[hitline test helper: starting milvus-lite]';

/** Servers still running, killed if the test process exits without stopping them. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export class MilvusLiteServer {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private output = '';

  private constructor(
    readonly dataDir: string,
    readonly port: number,
    private readonly ownsDataDir: boolean,
    private readonly env: Record<string, string>,
  ) {}

  /**
   * Starts a server on a free loopback port; a new temporary data folder unless `dataDir` is given.
   * `env` is added to the server's environment (a test hides an optional Python package with PYTHONPATH).
   */
  static async start(options: { dataDir?: string; env?: Record<string, string> } = {}): Promise<MilvusLiteServer> {
    const dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'hitline-milvus-lite-'));
    const server = new MilvusLiteServer(dataDir, await freeLoopbackPort(), options.dataDir === undefined, options.env ?? {});
    await server.launch();
    return server;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  get isRunning(): boolean {
    return this.child !== undefined;
  }

  /** What the server printed (the last 200 kB). */
  log(): string {
    return this.output;
  }

  /** Stops it the clean way (SIGINT; SIGKILL if it is still there after 15 s). */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGCONT'); // a paused server cannot handle SIGINT
    child.kill('SIGINT');
    const killer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(killer);
  }

  /** Starts it again on the same port and data folder (what it had acknowledged is replayed from its WAL). */
  async restart(): Promise<void> {
    await this.stop();
    await this.launch();
  }

  /** Freezes the process (SIGSTOP): calls reach it and get no answer, like a server too slow to answer. */
  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  resume(): void {
    this.child?.kill('SIGCONT');
  }

  /** Stops it and removes the data folder it made. */
  async dispose(): Promise<void> {
    await this.stop();
    if (this.ownsDataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }

  private async launch(): Promise<void> {
    const command = milvusLiteCommand();
    if (!command) throw new Error(milvusLiteSkipReason() ?? 'Milvus Lite is not installed');
    // Always --host: the server binds 0.0.0.0 by default.
    const child = spawn(command, ['server', '--data-dir', this.dataDir, '--host', '127.0.0.1', '--port', String(this.port)], {
      env: { ...process.env, ...this.env, PYTHONUNBUFFERED: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    running.add(child);
    const append = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-LOG_KEEP_CHARS);
    };
    append(Buffer.from(`${STARTING} (pid ${child.pid})\n`));
    child.stdout?.on('data', append);
    child.stderr?.on('data', append);
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        append(Buffer.from(`\n[milvus-lite exited: ${signal ?? `code ${code}`}]\n`));
        running.delete(child);
        if (this.child === child) this.child = undefined;
        resolve();
      }),
    );
    await this.waitUntilServing(child);
  }

  /** Until this process (its lines follow the last STARTING line of the log) says it listens, and the port accepts. */
  private async waitUntilServing(child: ChildProcess): Promise<void> {
    const deadline = Date.now() + STARTUP_MS;
    while (Date.now() < deadline) {
      if (this.child !== child) throw new Error(`Milvus Lite exited while starting on ${this.address}:\n${this.output}`);
      if (/listening on/.test(this.output.slice(this.output.lastIndexOf(STARTING))) && (await accepts(this.port))) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await this.stop();
    throw new Error(`Milvus Lite did not start on ${this.address} within ${STARTUP_MS / 1000} s:\n${this.output}`);
  }
}

async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
