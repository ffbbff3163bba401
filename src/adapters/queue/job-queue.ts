/**
 * hitline's queue on BullMQ: one job per product of a run, taken by `hitline worker` processes on any
 * machine. BullMQ gives each job to one worker at a time under a lock the worker renews; a worker that dies
 * (SIGKILL) stops renewing, and after `lockMs` its job is "stalled" and handed to another worker.
 *
 * Besides jobs, a run keeps a little shared state here: its current session (a resumed run gets a new one,
 * and jobs of an older session are dropped), its stop (a cancel or a budget stop, seen by every worker)
 * and its usage records (paid calls, drained into the run's cost ledger by the process that started it).
 * Job data are plain JSON; what they mean is compose/queue/'s business.
 */
import { Queue, QueueEvents, Worker, type Job } from 'bullmq';
import { createRedisFleet, type RedisFleet } from './redis-fleet.js';
import { openRedis, redactIn, type ConnectionReports } from './redis-connection.js';

/** The queue's name; also the prefix of hitline's own keys. */
export const QUEUE_NAME = 'hitline-products';
const NS = `hitline:${QUEUE_NAME}`;

export interface QueueStatus {
  waiting: number;
  active: number;
  delayed: number;
  completed: number;
  failed: number;
  /** Worker processes connected now. */
  workers: number;
}

export type JobData = Record<string, unknown>;

export interface QueueConnection {
  readonly fleet: RedisFleet;
  /** Adds a job unless one with this id exists (a retried add is harmless). */
  add(jobId: string, data: JobData): Promise<void>;
  /** Resolves with the job's result once done; rejects with its failure once it failed for good. */
  finished(jobId: string): Promise<unknown>;
  /** Progress a worker reported for the job (events of its product). */
  onProgress(listener: (jobId: string, data: unknown) => void): () => void;
  /** Removes a job that no worker has taken yet; false when it is being worked on or gone. */
  removeWaiting(jobId: string): Promise<boolean>;
  status(): Promise<QueueStatus>;
  /** The run's current session; jobs of other sessions are dropped by workers. */
  setSession(runKey: string, session: string): Promise<void>;
  currentSession(runKey: string): Promise<string | undefined>;
  /** Records the first stop of a run session (later ones are ignored); read by every worker. */
  stop(runKey: string, session: string, stop: { reason: string; message: string }): Promise<void>;
  stopOf(runKey: string, session: string): Promise<{ reason: string; message: string } | undefined>;
  /** Usage records of a run, in order; `drainUsage` takes them off the list. */
  pushUsage(runKey: string, record: string): Promise<void>;
  drainUsage(runKey: string): Promise<string[]>;
  close(): Promise<void>;
}

const DAY_S = 86_400;

/** `leaseMs`: how long this process's fleet slots, reservations and locks outlive it if it is killed. */
export function openQueueConnection(url: string, reports: ConnectionReports = {}, options: { leaseMs?: number } = {}): QueueConnection {
  const redis = openRedis(url, reports);
  const subscriber = openRedis(url, reports, { blocking: true });
  const fleet = createRedisFleet(redis, subscriber, NS, options.leaseMs);
  const queue = new Queue(QUEUE_NAME, {
    connection: redis,
    defaultJobOptions: {
      // A processor that throws (storage or Redis trouble, a bug) is tried again; a product's own failure is a result, not a throw.
      attempts: 3,
      backoff: { type: 'exponential', delay: 1_000 },
      removeOnComplete: { age: DAY_S, count: 100_000 },
      removeOnFail: { age: 7 * DAY_S },
    },
  });
  // BullMQ leaves connections it was given open on close: each one made here is quit here.
  let events: { events: QueueEvents; connection: ReturnType<typeof openRedis> } | undefined;
  const queueEvents = () => {
    if (!events) {
      const connection = openRedis(url, reports, { blocking: true });
      events = { events: new QueueEvents(QUEUE_NAME, { connection }), connection };
    }
    return events.events;
  };
  const key = (runKey: string, what: string) => `${NS}:run:${runKey}:${what}`;

  return {
    fleet,
    async add(jobId, data) {
      await queue.add('product', data, { jobId });
    },
    async finished(jobId) {
      const qe = queueEvents();
      await qe.waitUntilReady();
      const job = await queue.getJob(jobId);
      if (!job) throw new Error(`job ${jobId} is not in the queue`);
      try {
        return await job.waitUntilFinished(qe);
      } catch (e) {
        throw new Error(redactIn(e instanceof Error ? e.message : String(e), url));
      }
    },
    onProgress(listener) {
      const handler = ({ jobId, data }: { jobId: string; data: unknown }) => listener(jobId, data);
      queueEvents().on('progress', handler);
      return () => void queueEvents().off('progress', handler);
    },
    async removeWaiting(jobId) {
      const job = await queue.getJob(jobId);
      if (!job || !(await job.isWaiting())) return false;
      try {
        await job.remove();
        return true;
      } catch {
        return false; // taken by a worker meanwhile
      }
    },
    async status() {
      const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized');
      const workers = await queue.getWorkersCount();
      return { waiting: (c.waiting ?? 0) + (c.prioritized ?? 0), active: c.active ?? 0, delayed: c.delayed ?? 0, completed: c.completed ?? 0, failed: c.failed ?? 0, workers };
    },
    async setSession(runKey, session) {
      await redis.set(key(runKey, 'session'), session, 'EX', 30 * DAY_S);
    },
    async currentSession(runKey) {
      return (await redis.get(key(runKey, 'session'))) ?? undefined;
    },
    async stop(runKey, session, stop) {
      await redis.set(key(runKey, `stop:${session}`), JSON.stringify(stop), 'EX', 30 * DAY_S, 'NX');
    },
    async stopOf(runKey, session) {
      const text = await redis.get(key(runKey, `stop:${session}`));
      return text ? (JSON.parse(text) as { reason: string; message: string }) : undefined;
    },
    async pushUsage(runKey, record) {
      await redis.multi().rpush(key(runKey, 'usage'), record).expire(key(runKey, 'usage'), 30 * DAY_S).exec();
    },
    async drainUsage(runKey) {
      const out: string[] = [];
      for (;;) {
        const batch = await redis.lpop(key(runKey, 'usage'), 500);
        if (!batch || batch.length === 0) return out;
        out.push(...batch);
      }
    },
    async close() {
      await fleet.close();
      await events?.events.close();
      await queue.close();
      await Promise.allSettled([redis.quit(), subscriber.quit(), events?.connection.quit()]);
    },
  };
}

export interface QueueWorkerOptions {
  concurrency: number;
  /** How long a job's lock lasts without renewal: a killed worker's jobs go to another worker after about this long. */
  lockMs: number;
  reports?: ConnectionReports;
}

export interface QueueWorker {
  readonly connection: QueueConnection;
  /** Stops taking jobs; waits for the jobs in hand to finish (`force`: hands them back at once instead). */
  close(force?: boolean): Promise<void>;
}

/** Takes jobs and runs `process` on each; what it returns is the job's result. */
export function startQueueWorker(
  url: string,
  process: (data: JobData, job: { id: string; reportProgress(data: object): void }) => Promise<unknown>,
  o: QueueWorkerOptions,
): QueueWorker {
  const connection = openQueueConnection(url, o.reports, { leaseMs: o.lockMs });
  const workerRedis = openRedis(url, o.reports, { blocking: true });
  const worker = new Worker(
    QUEUE_NAME,
    async (job: Job) => process(job.data as JobData, { id: job.id!, reportProgress: (data) => void job.updateProgress(data).catch(() => undefined) }),
    {
      connection: workerRedis,
      concurrency: o.concurrency,
      lockDuration: o.lockMs,
      stalledInterval: Math.max(1_000, Math.floor(o.lockMs / 2)),
      // A job stalls when its worker died: it is taken up again, a few times, before it counts as failed.
      maxStalledCount: 3,
    },
  );
  worker.on('error', (e) => o.reports?.onStatus?.(`queue worker: ${redactIn(e instanceof Error ? e.message : String(e), url)}`));
  return {
    connection,
    async close(force = false) {
      await worker.close(force);
      await connection.close();
      await workerRedis.quit().catch(() => undefined);
    },
  };
}
