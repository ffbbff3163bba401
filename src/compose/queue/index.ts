/**
 * The queue, wired for the entry points: the queue URL (HITLINE_QUEUE or --queue), a connection for a
 * process that starts runs, a worker that makes products, the doctor's check and the queue's status.
 * Only this folder knows the queue is BullMQ on Redis.
 */
import { checkQueueUrl, openQueueConnection, pingQueue, redactIn, redactQueueUrl, startQueueWorker, type QueueConnection, type QueueStatus } from '../../adapters/queue/index.js';
import type { DoctorCheck } from '../../adapters/openrouter/doctor.js';
import { workspaceAt } from '../../pipeline/workspace.js';
import { ProductJobs } from './worker-jobs.js';
import { runStorage } from '../context.js';

export type { QueueConnection, QueueStatus };
export { redactQueueUrl, redactIn };
export { type FleetRunOptions } from './fleet-run.js';

/** The queue URL from `--queue`, else HITLINE_QUEUE; undefined: everything runs in this process. */
export function queueUrlFrom(flag: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  const url = flag ?? (env.HITLINE_QUEUE?.trim() || undefined);
  if (url !== undefined) checkQueueUrl(url);
  return url;
}

/** A connection for a process that starts runs (the CLI's `run --queue`, the server); fails fast when Redis is down. */
export async function connectQueue(url: string, onStatus?: (message: string) => void): Promise<QueueConnection> {
  await pingQueue(url);
  return openQueueConnection(url, { onStatus });
}

export interface ProductWorkerOptions {
  url: string;
  concurrency: number;
  /** A killed worker's jobs are taken by another worker after about this long. */
  lockMs: number;
  env: NodeJS.ProcessEnv;
  onStatus(message: string): void;
}

export interface ProductWorker {
  /** Stops taking jobs: waits for the jobs in hand to finish, or (`force`) hands them back at once. */
  close(force?: boolean): Promise<void>;
}

export async function startProductWorker(o: ProductWorkerOptions): Promise<ProductWorker> {
  await pingQueue(o.url);
  let jobs: ProductJobs | undefined;
  const worker = startQueueWorker(o.url, (data, job) => jobs!.process(data, job), { concurrency: o.concurrency, lockMs: o.lockMs, reports: { onStatus: o.onStatus } });
  jobs = new ProductJobs({
    connection: worker.connection, env: o.env, warn: o.onStatus,
    // The worker's own storage settings (environment) for the run's workspace: the run refuses a worker whose storage differs.
    storageFor: (root, config) => runStorage(workspaceAt(root), config, o.env),
  });
  return {
    async close(force = false) {
      await worker.close(force);
      await jobs!.close();
    },
  };
}

export async function queueCheck(url: string): Promise<DoctorCheck> {
  try {
    const { version, latencyMs } = await pingQueue(url);
    const conn = openQueueConnection(url);
    try {
      const s = await conn.status();
      return {
        check: 'queue', ok: true,
        detail: `Redis ${version} at ${redactQueueUrl(url)} (${latencyMs.toFixed(0)} ms): ${s.workers} worker(s), ${s.waiting} waiting, ${s.active} active, ${s.failed} failed`,
        ...(s.workers === 0 ? { hint: 'No worker is connected: start `hitline worker` on one or more machines, or queued runs wait.' } : {}),
      };
    } finally {
      await conn.close();
    }
  } catch (e) {
    return { check: 'queue', ok: false, detail: redactIn(e instanceof Error ? e.message : String(e), url), hint: (e as { hint?: string }).hint };
  }
}

export async function queueStatus(url: string): Promise<QueueStatus> {
  await pingQueue(url);
  const conn = openQueueConnection(url);
  try {
    return await conn.status();
  } finally {
    await conn.close();
  }
}
