/**
 * Where runs execute, behind one interface: the embedded executor (embedded-executor.ts) runs them in the
 * server process on the batch engine; a queue-backed executor (BullMQ workers, next) implements the same
 * methods. Everything else (the API, status, review, exports) reads a run from its own files, so it does
 * not care which executor ran it.
 */
import type { RunEvent, ServiceEvent } from './run-events.js';

export type RunListener = (event: RunEvent) => void;

/** What the executor knows of a run it holds now (runs it does not hold are described by their files). */
export interface LiveRun {
  state: 'queued' | 'running' | 'cancelling';
}

export type CancelOutcome =
  /** It was running: no new work starts, calls in flight finish and are kept; the run then stops. */
  | 'cancelling'
  /** It had not started: it never will. */
  | 'cancelled'
  /** The executor does not hold it (finished, stopped, failed or unknown). */
  | 'not-active';

export interface RegenerateJob {
  productId: string;
  outputId: string;
  /** Use the escalation model (config escalationModel) instead of the run's generator. */
  escalate: boolean;
  actor: string;
}

export interface RunExecutor {
  /** Queues a new run whose record exists (see run-record.ts). */
  start(tenantId: string, runId: string): Promise<void>;
  /** Queues a stopped, cancelled or failed run to continue from its journal; finished products are kept. */
  resume(tenantId: string, runId: string, options?: { budgetUsd?: number }): Promise<void>;
  cancel(tenantId: string, runId: string, actor: string): Promise<CancelOutcome>;
  /** Queues a new image for one output of a finished product (a new variant, or the escalation model). */
  regenerate(tenantId: string, runId: string, job: RegenerateJob): Promise<void>;
  live(tenantId: string, runId: string): LiveRun | undefined;
  /** Live events of a run from now on; returns the unsubscribe function. */
  subscribe(tenantId: string, runId: string, listener: RunListener): () => void;
  /** Appends a service event (a review action) to the run's events and tells its listeners. */
  record(tenantId: string, runId: string, event: ServiceEvent): Promise<RunEvent>;
  /** Takes up what a stop or a crash left: queued runs, runs that were running, runs stopped by a shutdown. */
  recover(tenantIds: readonly string[]): Promise<number>;
  /** Stops taking work, soft-stops running runs (calls in flight finish and are kept), waits at most `graceMs`. */
  close(graceMs: number): Promise<void>;
}
