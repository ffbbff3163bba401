/**
 * A run whose products are made by the workers of a queue (`hitline run --queue`, `hitline serve --queue`).
 * This process keeps everything that belongs to the run as a whole, exactly as without a queue (the
 * journal, the summary, the report, the stop and the resume: pipeline/run.ts); each product becomes a
 * BullMQ job. Its photo goes to the shared storage first; the files it made come back from there into the
 * run folder; its paid calls come back as usage records into the run's cost ledger.
 *
 * The run's budget lives in Redis (the run's account and, in the service, the tenant's month), shared by
 * every worker; a stop (cancel, Ctrl-C, budget) is recorded there for every worker, and a budget stop a
 * worker hit comes back here the same way.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { QueueConnection } from '../../adapters/queue/index.js';
import type { FleetAccount } from '../../ports/fleet.js';
import { FleetBudget } from '../../pipeline/batch/fleet-budget.js';
import { LeaseKeeper } from '../../pipeline/batch/lease-keeper.js';
import type { LimitSpec } from '../../pipeline/batch/provider-limits.js';
import type { RunControl, StopReason } from '../../pipeline/batch/run-control.js';
import type { RunRequest } from '../../pipeline/batch/run-request.js';
import type { ProductRunner } from '../../pipeline/run.js';
import type { ProductOutcome } from '../../pipeline/batch/product-flow.js';
import type { Workspace } from '../../pipeline/workspace.js';
import type { NewProduct } from '../../core/product.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import type { BatchEvent } from '../../pipeline/batch/batch-events.js';
import type { CostLedgerEntry } from '../../pipeline/cost-ledger.js';
import type { HitlineContext } from '../context.js';
import { productJobId, runKeyOf, PRODUCT_JOB_VERSION, type ProductJobData, type ProductJobResult, type RunJobBase } from './product-job.js';

export interface FleetRunOptions {
  connection: QueueConnection;
  /** The tenant's monthly budget, shared by all of the tenant's runs (the service). */
  tenantBudget?: FleetAccount;
}

export interface FleetRun {
  budget: FleetBudget;
  productRunner: ProductRunner;
  /** Sends this run's stops to the workers and takes theirs; returns the function that stops listening. */
  relayStops(control: RunControl): () => void;
  /** Once the products are done: the spend as the fleet counted it, and the last usage records into the ledger. */
  finish(): Promise<void>;
}

/** How often a process of a run session looks for a stop another one recorded (a budget stop, a cancel). */
const STOP_POLL_MS = 500;

export async function openFleetRun(
  ctx: HitlineContext, o: FleetRunOptions, run: { runId: string; request: RunRequest; limits: readonly LimitSpec[]; alreadySpentUsd: number },
): Promise<FleetRun> {
  const conn = o.connection;
  const runKey = runKeyOf(ctx.ws.root, run.runId);
  const session = randomUUID();
  const accounts: FleetAccount[] = [{ key: `run:${runKey}`, limitUsd: run.request.budget ?? -1, spentUsd: run.alreadySpentUsd }];
  if (o.tenantBudget) accounts.push(o.tenantBudget);
  await conn.fleet.budget.open(accounts);
  await conn.setSession(runKey, session);
  const base: RunJobBase = {
    version: PRODUCT_JOB_VERSION, runKey, runId: run.runId, session, workspace: ctx.ws.root, workspaceId: await ensureFleetId(ctx.ws),
    store: ctx.storeOverride ?? ctx.config.store, storageId: ctx.storage.id, config: ctx.config, offline: ctx.offline, request: run.request,
    limits: [...run.limits], accounts,
  };
  const keeper = new LeaseKeeper(conn.fleet.leases, conn.fleet.leaseMs);
  const budget = new FleetBudget(conn.fleet.budget, accounts, keeper, run.request.budget);

  // Progress of this run's jobs, to the run's own events.
  const listeners = new Map<string, (e: BatchEvent) => void>();
  const stopProgress = conn.onProgress((jobId, data) => listeners.get(jobId)?.(data as BatchEvent));

  /** The workers' usage records into the ledger, and the fleet's count of the run's spend (progress shows it). */
  const drainUsage = async () => {
    for (const line of await conn.drainUsage(runKey)) await ctx.ledger.append(JSON.parse(line) as CostLedgerEntry);
    await budget.sync().catch(() => undefined);
  };

  const productRunner: ProductRunner = async (row, c) => {
    const bytes = await readFile(row.imageAbsPath);
    const hash = createHash('sha256').update(bytes).digest('hex');
    const imageKey = `inputs/${hash.slice(0, 2)}/${hash}`;
    if (!(await ctx.storage.has(imageKey))) await ctx.storage.put(imageKey, bytes);
    const data: ProductJobData = { ...base, product: row.value, row: row.row, image: { key: imageKey, hash, name: path.basename(row.imageAbsPath) } };
    const jobId = productJobId(base, row.value.newId);
    listeners.set(jobId, c.emit);
    try {
      await conn.add(jobId, data as unknown as Record<string, unknown>);
      const result = await untilFinishedOrWithdrawn(conn, jobId, c.engine.control);
      if (!result) return pendingOutcome(row.value, row.imageAbsPath, c.engine.control.stopMessage ?? 'stopped');
      await fetchFiles(ctx, c.runDir, result.files);
      return { summary: { ...result.summary, imagePath: row.imageAbsPath }, stage: result.stage, imageHash: result.imageHash };
    } catch (e) {
      const summary = pendingOutcome(row.value, row.imageAbsPath, '').summary;
      return { summary: { ...summary, status: 'failed', error: `worker: ${e instanceof Error ? e.message : String(e)}` }, stage: 'worker' };
    } finally {
      listeners.delete(jobId);
      await drainUsage();
    }
  };

  return {
    budget,
    productRunner,
    relayStops: (control) => relayRunStops(conn, runKey, session, control),
    async finish() {
      stopProgress();
      await drainUsage();
    },
  };
}

/**
 * Relays a run session's stops both ways: a stop of `control` (cancel, Ctrl-C, a budget refusal) is recorded
 * in Redis for every process of the session, and a stop another process recorded there stops `control`
 * (looked for every STOP_POLL_MS). Returns the function that stops relaying.
 */
export function relayRunStops(conn: QueueConnection, runKey: string, session: string, control: RunControl): () => void {
  let relaying = true;
  control.onStop((reason, message) => {
    if (relaying) void conn.stop(runKey, session, { reason, message }).catch(() => undefined);
  });
  const timer = setInterval(() => {
    void conn.stopOf(runKey, session).then((s) => s && control.stop(s.reason as StopReason, s.message), () => undefined);
  }, STOP_POLL_MS).unref();
  return () => {
    relaying = false;
    clearInterval(timer);
  };
}

/**
 * The job's result; or undefined when the run stopped before any worker took the job (it is taken out of
 * the queue). A job a worker has taken finishes there: its calls in flight complete and are kept.
 */
async function untilFinishedOrWithdrawn(conn: QueueConnection, jobId: string, control: RunControl): Promise<ProductJobResult | undefined> {
  const finished = conn.finished(jobId) as Promise<ProductJobResult>;
  const stopped = new Promise<'stopped'>((resolve) => (control.stopReason ? resolve('stopped') : control.onStop(() => resolve('stopped'))));
  const first = await Promise.race([finished, stopped]);
  if (first !== 'stopped') return first;
  if (await conn.removeWaiting(jobId)) {
    finished.catch(() => undefined);
    return undefined;
  }
  return finished;
}

/** Copies the files a worker made from the shared storage into the run folder (each must stay inside it). */
async function fetchFiles(ctx: HitlineContext, runDir: string, files: ProductJobResult['files']): Promise<void> {
  for (const f of files) {
    const target = path.resolve(runDir, f.path);
    if (!target.startsWith(path.resolve(runDir) + path.sep)) throw new Error(`a worker returned the file ${JSON.stringify(f.path)}, outside the run folder`);
    const bytes = await ctx.storage.get(f.key);
    if (!bytes) throw new Error(`the output ${f.path} is missing from the shared storage (${f.key})`);
    await writeFileAtomic(target, bytes);
  }
}

export function pendingOutcome(product: NewProduct, imagePath: string, why: string): ProductOutcome {
  return {
    summary: { newId: product.newId, status: 'pending', error: `not started: ${why}`, product, imagePath, hits: [], outputs: [], timings: {}, warnings: [], cost: { usd: 0, calls: 0, callsWithoutCost: 0, perImage: null } },
    stage: 'queued',
  };
}

/**
 * The workspace's fleet id, made once: a worker that reads the same id at the same path shares the
 * workspace folder (and so its LanceDB store) with this process.
 */
export async function ensureFleetId(ws: Workspace): Promise<string> {
  const file = path.join(ws.root, 'fleet-id');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  await mkdir(ws.root, { recursive: true });
  const id = randomUUID();
  await writeFile(file, `${id}\n`, { flag: 'wx' }).catch(async (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EEXIST') throw e;
  });
  return (await readFile(file, 'utf8')).trim();
}
