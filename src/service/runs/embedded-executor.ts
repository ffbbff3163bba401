/**
 * The embedded executor: runs execute in the server process on the batch engine (compose/run.ts runBatch:
 * caps, budget, stage cache, journal and resume as in the CLI), a few at a time from a queue; regenerations
 * go through the same queue. Each running run's RunControl is kept, so a cancel is the engine's soft stop:
 * no new work starts, calls in flight finish and their results are stored, the run ends "stopped".
 *
 * Every event is numbered into the run's events.jsonl (run-events.ts) before listeners get it. On start,
 * `recover` takes up what a stop or a crash left: queued runs start, runs whose manifest says "running" (a
 * SIGKILL) or that a shutdown stopped resume from their journal, which repays nothing (the stage cache).
 */
import path from 'node:path';
import { HitlineError } from '../../core/errors.js';
import { runBatch } from '../../compose/run.js';
import { regenerateOutput } from '../../compose/regenerate.js';
import { RunJournal, appendJournalRecord, type RunManifest } from '../../pipeline/batch/run-journal.js';
import type { RunControl } from '../../pipeline/batch/run-control.js';
import type { LimitSpec } from '../../pipeline/batch/provider-limits.js';
import type { ProductSummaryWithPresets } from '../../pipeline/preset-delivery.js';
import { acquireWorkspaceLock } from '../../util/workspace-lock.js';
import { effectiveRunBudget, tenantMonthAccount } from '../cost.js';
import type { QueueConnection } from '../../compose/queue/index.js';
import type { Logger } from '../log.js';
import { ConflictError, notFound } from '../errors.js';
import { appendReviews } from '../outputs/review-log.js';
import { journalProducts, outputIdOf, productView } from '../outputs/run-outputs.js';
import type { TenantContexts } from '../tenants/tenant-contexts.js';
import { RunEventLog, type RunEvent, type RunEventBody, type ServiceEvent } from './run-events.js';
import type { CancelOutcome, LiveRun, RegenerateJob, RunExecutor, RunListener } from './run-executor.js';
import { listRunIds, readRunRecord, runDirOf, updateRunRecord } from './run-record.js';

export interface EmbeddedExecutorOptions {
  contexts: TenantContexts;
  /** Runs (and regenerations) executing at once. */
  maxConcurrent: number;
  logger: Logger;
  /** A tenant's monthly budget (tenant settings), applied on top of each run's own. */
  monthlyBudget: (tenantId: string) => number | undefined;
  /** Every event of every run, after it is recorded (webhooks). */
  onEvent?: (tenantId: string, runId: string, event: RunEvent) => void;
  /** `--limit` values for every run. */
  limits?: readonly LimitSpec[];
  /** With a queue, a run's products are made by `hitline worker` processes; this process keeps the run's record. */
  queue?: () => QueueConnection | undefined;
}

type Job =
  | { kind: 'run'; tenantId: string; runId: string; budgetUsd?: number }
  | { kind: 'regenerate'; tenantId: string; runId: string; job: RegenerateJob };

interface Held {
  state: LiveRun['state'];
  job: Job;
  control?: RunControl;
  cancelledBy?: string;
}

const key = (tenantId: string, runId: string) => `${tenantId}/${runId}`;
/** A run's own job is held under the run's key; each regeneration under the run's key and the output's id. */
const jobKey = (job: Job) => (job.kind === 'run' ? key(job.tenantId, job.runId) : `${key(job.tenantId, job.runId)}#${job.job.outputId}`);

export class EmbeddedRunExecutor implements RunExecutor {
  private readonly queue: Job[] = [];
  private readonly held = new Map<string, Held>();
  private readonly listeners = new Map<string, Set<RunListener>>();
  private readonly logs = new Map<string, Promise<RunEventLog>>();
  private readonly working = new Set<Promise<void>>();
  private closing = false;

  constructor(private readonly o: EmbeddedExecutorOptions) {}

  async start(tenantId: string, runId: string): Promise<void> {
    await this.enqueue({ kind: 'run', tenantId, runId });
  }

  async resume(tenantId: string, runId: string, options: { budgetUsd?: number } = {}): Promise<void> {
    await this.enqueue({ kind: 'run', tenantId, runId, budgetUsd: options.budgetUsd });
  }

  async regenerate(tenantId: string, runId: string, job: RegenerateJob): Promise<void> {
    await this.enqueue({ kind: 'regenerate', tenantId, runId, job });
  }

  live(tenantId: string, runId: string): LiveRun | undefined {
    const h = this.held.get(key(tenantId, runId));
    return h && h.job.kind === 'run' ? { state: h.state } : undefined;
  }

  async cancel(tenantId: string, runId: string, actor: string): Promise<CancelOutcome> {
    const h = this.held.get(key(tenantId, runId));
    if (!h || h.job.kind !== 'run') return 'not-active';
    const ws = (await this.o.contexts.get(tenantId)).hitline.ws;
    const at = new Date().toISOString();
    if (h.state === 'queued') {
      this.queue.splice(this.queue.indexOf(h.job), 1);
      this.held.delete(key(tenantId, runId));
      await updateRunRecord(ws, runId, (r) => Object.assign(r, { state: 'cancelled', cancel: { actor, at } }));
      await this.emit(tenantId, runId, { type: 'run-status', status: 'cancelled', message: `cancelled by ${actor} before it started` });
      return 'cancelled';
    }
    if (h.state !== 'cancelling') {
      h.state = 'cancelling';
      h.cancelledBy = actor;
      await updateRunRecord(ws, runId, (r) => (r.cancel = { actor, at }));
      h.control?.stop('interrupted', `cancelled by ${actor}`);
      await this.emit(tenantId, runId, { type: 'run-status', status: 'cancelling', message: `cancelled by ${actor}: calls in flight finish and are kept` });
    }
    return 'cancelling';
  }

  subscribe(tenantId: string, runId: string, listener: RunListener): () => void {
    const k = key(tenantId, runId);
    const set = this.listeners.get(k) ?? new Set<RunListener>();
    set.add(listener);
    this.listeners.set(k, set);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(k);
    };
  }

  record(tenantId: string, runId: string, event: ServiceEvent): Promise<RunEvent> {
    return this.emit(tenantId, runId, event);
  }

  async recover(tenantIds: readonly string[]): Promise<number> {
    let taken = 0;
    for (const tenantId of tenantIds) {
      const ws = (await this.o.contexts.get(tenantId)).hitline.ws;
      for (const runId of (await listRunIds(ws)).reverse()) {
        const record = await readRunRecord(ws, runId);
        const manifest = await RunJournal.readManifest(runDirOf(ws, runId)).catch(() => undefined);
        if (needsTakingUp(record.state, Boolean(record.failure), Boolean(record.resumeOnStart), manifest)) {
          await this.enqueue({ kind: 'run', tenantId, runId });
          taken += 1;
        }
      }
    }
    return taken;
  }

  async close(graceMs: number): Promise<void> {
    this.closing = true;
    this.queue.length = 0; // queued runs stay queued in their records; the next start takes them up
    for (const [k, h] of this.held) {
      if (h.job.kind !== 'run' || h.state === 'queued') {
        if (h.state === 'queued') this.held.delete(k);
        continue;
      }
      const ws = (await this.o.contexts.get(h.job.tenantId)).hitline.ws;
      if (!h.cancelledBy) await updateRunRecord(ws, h.job.runId, (r) => (r.resumeOnStart = true));
      h.control?.stop('interrupted', 'the server is shutting down; the run continues when it starts again');
    }
    if (!(await settledWithin([...this.working], graceMs))) {
      for (const h of this.held.values()) h.control?.cancel('the server is shutting down: calls in flight were cancelled');
      await settledWithin([...this.working], 10_000);
    }
  }

  private async enqueue(job: Job): Promise<void> {
    if (this.closing) throw new HitlineError('the server is shutting down', { hint: 'Try again once it is back.', retryable: true });
    const ofRun = [...this.held.values()].filter((h) => h.job.tenantId === job.tenantId && h.job.runId === job.runId);
    if (ofRun.some((h) => h.job.kind === 'run')) throw new ConflictError(`run ${job.runId} is queued or running`, { hint: 'Wait until it has stopped or finished.' });
    if (job.kind === 'run' && ofRun.length > 0) throw new ConflictError(`run ${job.runId} has regenerations queued`, { hint: 'Resume it once they are done.' });
    if (this.held.has(jobKey(job))) throw new ConflictError(`output ${job.kind === 'regenerate' ? job.job.outputId : ''} is already being regenerated`, { hint: 'Wait for its output-regenerated event.' });
    this.held.set(jobKey(job), { state: 'queued', job });
    this.queue.push(job);
    if (job.kind === 'run') await this.emit(job.tenantId, job.runId, { type: 'run-status', status: 'queued' });
    this.pump();
  }

  /** Starts queued jobs while there are free slots; a run's jobs (its session, its regenerations) go one at a time. */
  private pump(): void {
    const executing = () => [...this.held.values()].filter((h) => h.state !== 'queued');
    while (!this.closing && executing().length < this.o.maxConcurrent) {
      const busyRuns = new Set(executing().map((h) => key(h.job.tenantId, h.job.runId)));
      const index = this.queue.findIndex((j) => !busyRuns.has(key(j.tenantId, j.runId)));
      if (index < 0) return;
      const [job] = this.queue.splice(index, 1);
      const h = this.held.get(jobKey(job))!;
      h.state = 'running';
      const work = (job.kind === 'run' ? this.execute(job, h) : this.regenerateNow(job)).catch((e: unknown) => {
        this.o.logger.log('error', 'run execution failed', { tenant: job.tenantId, run: job.runId, error: e instanceof Error ? e.stack ?? e.message : String(e) });
      });
      this.working.add(work);
      void work.finally(() => {
        this.working.delete(work);
        this.held.delete(jobKey(job));
        this.pump();
      });
    }
  }

  private async execute(job: Extract<Job, { kind: 'run' }>, h: Held): Promise<void> {
    const { tenantId, runId } = job;
    const tenant = await this.o.contexts.get(tenantId);
    const ws = tenant.hitline.ws;
    const runDir = runDirOf(ws, runId);
    const record = await updateRunRecord(ws, runId, (r) => {
      r.state = 'started';
      delete r.resumeOnStart;
      delete r.failure;
      if (job.budgetUsd !== undefined) r.batch.budget = job.budgetUsd;
    });
    const resume = await RunJournal.readManifest(runDir).then(() => true, () => false);
    const monthly = this.o.monthlyBudget(tenantId);
    const budget = await effectiveRunBudget(tenant.hitline.ledger, runId, record.batch.budget, monthly);
    const connection = this.o.queue?.();
    const fleet = connection ? { connection, tenantBudget: monthly !== undefined ? await tenantMonthAccount(tenant.hitline.ledger, tenantId, monthly) : undefined } : undefined;
    await this.emit(tenantId, runId, { type: 'run-status', status: 'running' });
    try {
      const { summary } = await runBatch(tenant.hitline, {
        runId, resume, request: { ...record.batch, ...(budget !== undefined ? { budget } : {}) }, limits: this.o.limits, fleet,
        events: (e) => void this.emit(tenantId, runId, e),
        onEngine: (engine) => {
          h.control = engine.control;
          if (h.cancelledBy) engine.control.stop('interrupted', `cancelled by ${h.cancelledBy}`);
        },
      });
      const status = !summary.stop ? 'finished' : h.cancelledBy ? 'cancelled' : 'stopped';
      await this.emit(tenantId, runId, { type: 'run-status', status, ...(summary.stop ? { reason: summary.stop.reason, message: summary.stop.message } : {}) });
    } catch (e) {
      const known = e instanceof HitlineError;
      await updateRunRecord(ws, runId, (r) => (r.failure = { message: known ? e.message : 'the run failed unexpectedly', hint: known ? e.hint : 'See the server log.', at: new Date().toISOString() }));
      await this.emit(tenantId, runId, { type: 'run-status', status: 'failed', message: known ? e.message : 'the run failed unexpectedly' });
      if (!known) throw e;
    } finally {
      await tenant.hitline.ledger.flush();
    }
  }

  private async regenerateNow(job: Extract<Job, { kind: 'regenerate' }>): Promise<void> {
    const { tenantId, runId, job: r } = job;
    const tenant = await this.o.contexts.get(tenantId);
    const ws = tenant.hitline.ws;
    const runDir = runDirOf(ws, runId);
    const record = await readRunRecord(ws, runId);
    // The run's own lock: no session of the run (here or in a CLI) writes its journal meanwhile.
    const lock = await acquireWorkspaceLock(path.join(runDir, 'run.lock'), { waitMs: 2_000, target: runDir });
    try {
      const entry = (await journalProducts(runDir)).get(r.productId);
      if (!entry) throw notFound(`product ${r.productId} in run ${runId}`);
      const old = productView(runId, runDir, entry.summary, undefined, { states: new Map(), replaces: new Map() }).outputs.find((o) => o.id === r.outputId);
      if (!old) throw notFound(`output ${r.outputId}`);
      const budget = await effectiveRunBudget(tenant.hitline.ledger, runId, record.batch.budget, this.o.monthlyBudget(tenantId));
      const result = await regenerateOutput(tenant.hitline, {
        runId, runDir, request: record.batch, product: entry.summary as ProductSummaryWithPresets, escalate: r.escalate, budgetUsd: budget,
        target: old.preset === 'promo' ? { kind: 'promo' } : { kind: 'preset', preset: old.preset },
      });
      await appendJournalRecord(runDir, { ...entry, time: new Date().toISOString(), summary: result.product });
      const outputId = outputIdOf(runId, result.output.file);
      await appendReviews(runDir, [{ time: new Date().toISOString(), actor: r.actor, action: 'regenerated', outputId, replaces: r.outputId, escalate: r.escalate }]);
      await this.emit(tenantId, runId, { type: 'output-regenerated', productId: r.productId, outputId, replaces: r.outputId });
    } catch (e) {
      const message = e instanceof HitlineError ? e.message : 'the regeneration failed unexpectedly';
      await appendReviews(runDir, [{ time: new Date().toISOString(), actor: r.actor, action: 'regenerate-failed', outputId: r.outputId, reason: message }]);
      await this.emit(tenantId, runId, { type: 'note', message: `regenerating ${r.outputId} failed: ${message}` });
      if (!(e instanceof HitlineError)) throw e;
    } finally {
      await lock.release();
      await tenant.hitline.ledger.flush();
    }
  }

  private async emit(tenantId: string, runId: string, body: RunEventBody): Promise<RunEvent> {
    const k = key(tenantId, runId);
    let log = this.logs.get(k);
    if (!log) {
      // Made once per run, synchronously, so events emitted together are numbered and written in order.
      log = this.o.contexts.get(tenantId).then((t) => new RunEventLog(runDirOf(t.hitline.ws, runId)));
      this.logs.set(k, log);
    }
    const event = await (await log).append(body);
    for (const l of this.listeners.get(k) ?? []) l(event);
    this.o.onEvent?.(tenantId, runId, event);
    if (event.type === 'run-status' && !['queued', 'running', 'cancelling'].includes(event.status)) this.logs.delete(k);
    return event;
  }
}

/** Whether a run the executor does not hold must be taken up when the server starts. */
function needsTakingUp(state: string, failed: boolean, resumeOnStart: boolean, manifest: RunManifest | undefined): boolean {
  if (state === 'queued') return true;
  if (state !== 'started' || failed) return false;
  if (!manifest) return true; // killed before the engine wrote anything
  return manifest.status === 'running' || (manifest.status === 'stopped' && resumeOnStart);
}

async function settledWithin(work: Promise<unknown>[], ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const done = Promise.allSettled(work).then(() => true as const);
  try {
    return await Promise.race([done, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
