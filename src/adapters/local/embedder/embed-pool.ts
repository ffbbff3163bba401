/**
 * A pool of worker threads that run the local embedder (embed-worker.ts), one image per job, so an ingest
 * uses every core: tfjs-wasm runs the network on the calling thread only (its threaded build cannot start
 * its own workers under Node). Workers start when work arrives, at most `size`; each holds up to
 * JOBS_PER_WORKER jobs so it decodes the next image while the network runs on the current one. An idle
 * worker does not keep the process alive (it is unref'd), so a command that forgets `close` still exits.
 * A worker that dies fails only its own jobs and is replaced on the next job.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { HitlineError } from '../../../core/errors.js';
import type { WorkerJob, WorkerReply } from './embed-worker.js';
import type { Recipe } from './recipes.js';

const JOBS_PER_WORKER = 2;

/** Why an image of a call failed: it could not be decoded (the caller names the image), or anything else. */
export class PoolJobError extends Error {
  constructor(
    message: string,
    readonly kind: 'decode' | 'embed' | 'worker',
    /** Which image of the call, from 0. */
    readonly index: number,
    readonly hint?: string,
  ) {
    super(message);
  }
}

interface Task {
  job: number;
  index: number;
  bytes: Buffer;
  resolve(vector: Float32Array): void;
  reject(error: unknown): void;
}

interface Slot {
  worker: Worker;
  running: Map<number, Task>;
}

// Workers start as plain Node: register tsx (hitline runs its TypeScript sources as they are), then load the body.
// Only dynamic imports, so the code runs whether Node evaluates it as CommonJS or (--input-type=module) as ESM.
const BOOT = `
import('node:worker_threads')
  .then(async ({ workerData }) => { (await import(workerData.tsxApi)).register(); await import(workerData.entry); })
  .catch((error) => { setImmediate(() => { throw error; }); });
`;
// tsx's ESM api (dist/esm/api/index.mjs, next to the CommonJS one that require resolves): its CommonJS build
// cannot register from an eval'd worker.
const TSX_ESM_API = pathToFileURL(path.join(path.dirname(createRequire(import.meta.url).resolve('tsx/esm/api')), 'index.mjs')).href;

export class EmbedPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private nextJob = 1;

  constructor(
    private readonly recipe: Recipe,
    readonly size: number,
  ) {}

  /** Threads started so far (for tests and benchmarks). */
  get threads(): number {
    return this.slots.length;
  }

  /**
   * Embeds encoded images, vectors in input order. The first failure ends the call (a PoolJobError naming the
   * image), and so does an abort (`signal.reason`); either way the call's other jobs are dropped.
   */
  embedAll(images: readonly Buffer[], signal?: AbortSignal): Promise<Float32Array[]> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const vectors = new Array<Float32Array>(images.length);
      let missing = images.length;
      const tasks: Task[] = [];
      let ended = false;
      const end = (error?: unknown) => {
        if (ended) return;
        ended = true;
        signal?.removeEventListener('abort', onAbort);
        if (error === undefined) return resolve(vectors);
        for (const task of tasks) this.drop(task);
        reject(error);
      };
      const onAbort = () => end(signal!.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      for (const [index, bytes] of images.entries()) {
        tasks.push({
          job: this.nextJob++, index, bytes,
          resolve: (vector) => {
            vectors[index] = vector;
            if (--missing === 0) end();
          },
          reject: end,
        });
      }
      this.queue.push(...tasks);
      this.dispatch();
    });
  }

  /** Fails every queued and running job and stops the workers. The pool starts workers again on the next job. */
  async close(): Promise<void> {
    const closed = new HitlineError('the local embedder was closed while it was embedding');
    for (const task of this.queue.splice(0)) task.reject(closed);
    const slots = this.slots.splice(0);
    for (const slot of slots) for (const task of slot.running.values()) task.reject(closed);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.reduce<Slot | undefined>((best, s) => (s.running.size < (best?.running.size ?? JOBS_PER_WORKER) ? s : best), undefined);
      // Start another worker rather than queue behind a busy one.
      if ((!slot || slot.running.size > 0) && this.slots.length < this.size) slot = this.start();
      if (!slot) return;
      const task = this.queue.shift()!;
      slot.running.set(task.job, task);
      slot.worker.ref();
      // A copy of just this image (a Buffer may be a view into a larger pool), transferred to the worker.
      const bytes = new Uint8Array(task.bytes);
      slot.worker.postMessage({ job: task.job, bytes } satisfies WorkerJob, [bytes.buffer]);
    }
  }

  private start(): Slot {
    const worker = new Worker(BOOT, {
      eval: true,
      workerData: { tsxApi: TSX_ESM_API, entry: new URL('./embed-worker.ts', import.meta.url).href, recipe: this.recipe },
    });
    const slot: Slot = { worker, running: new Map() };
    worker.on('message', (reply: WorkerReply) => this.settle(slot, reply));
    worker.on('error', (error) => this.lose(slot, `the embedding worker failed: ${error.message}`));
    worker.on('exit', (code) => this.lose(slot, `the embedding worker stopped (exit code ${code})`));
    worker.unref();
    this.slots.push(slot);
    return slot;
  }

  private settle(slot: Slot, reply: WorkerReply): void {
    const task = slot.running.get(reply.job);
    slot.running.delete(reply.job);
    if (slot.running.size === 0) slot.worker.unref();
    if (task) {
      if ('vector' in reply) task.resolve(reply.vector);
      else task.reject(new PoolJobError(reply.error.message, reply.error.kind, task.index, reply.error.hint));
    }
    this.dispatch();
  }

  /** A worker that died: its jobs fail, the others go on (a new worker starts for the queue). */
  private lose(slot: Slot, message: string): void {
    const at = this.slots.indexOf(slot);
    if (at < 0) return; // already closed or already lost (an 'error' is followed by 'exit')
    this.slots.splice(at, 1);
    for (const task of slot.running.values()) task.reject(new PoolJobError(message, 'worker', task.index));
    slot.running.clear();
    void slot.worker.terminate();
    this.dispatch();
  }

  /** Forgets a job of a call that ended: out of the queue, or (running) its answer will be ignored. */
  private drop(task: Task): void {
    const queued = this.queue.indexOf(task);
    if (queued >= 0) this.queue.splice(queued, 1);
    for (const slot of this.slots) if (slot.running.delete(task.job) && slot.running.size === 0) slot.worker.unref();
  }
}
