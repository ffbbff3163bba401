/**
 * What `hitline worker` does with a product job: the product's stages and presets exactly as `hitline run`
 * makes them (runProductHere, wired by wireRun), on an engine whose caps, budget and single flight are the
 * fleet's (Redis), with the photo read from the shared storage and the files it made written back there.
 *
 * A worker keeps one session per run session it has jobs of (adapters, store, engine), closed after a
 * minute without jobs. Before the first job of a run it checks that it can serve it: the same shared
 * storage as the run, and, for LanceDB, the same workspace folder (LanceDB is a folder: workers on other
 * machines need Milvus or a shared mount); otherwise it refuses with what to change.
 */
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { QueueConnection } from '../../adapters/queue/index.js';
import type { BlobStorage } from '../../ports/blob-storage.js';
import { HitlineError } from '../../core/errors.js';
import { createBatchEngine, type BatchEngine } from '../../pipeline/batch/engine.js';
import { FleetBudget } from '../../pipeline/batch/fleet-budget.js';
import { FleetFlights } from '../../pipeline/batch/fleet-flights.js';
import { FleetGate } from '../../pipeline/batch/fleet-gate.js';
import { LeaseKeeper } from '../../pipeline/batch/lease-keeper.js';
import type { BatchEvent } from '../../pipeline/batch/batch-events.js';
import { entryFromUsage, type CostLedger } from '../../pipeline/cost-ledger.js';
import { openStoreForQueries } from '../../pipeline/match.js';
import { productFlowSettings, runProductHere } from '../../pipeline/run.js';
import type { ProductFlowSettings } from '../../pipeline/batch/product-flow.js';
import { workspaceAt } from '../../pipeline/workspace.js';
import { createCallPricing } from '../adapters.js';
import { fusionSettings, type HitlineContext } from '../context.js';
import type { HitlineConfig } from '../config.js';
import { wireRun, type WiredRun } from '../run.js';
import { pendingOutcome, relayRunStops } from './fleet-run.js';
import { checkJobData, type ProductJobData, type ProductJobResult } from './product-job.js';

export interface ProductJobsOptions {
  connection: QueueConnection;
  env: NodeJS.ProcessEnv;
  /** The shared storage this worker sees for a workspace path (the folder adapter, or a bucket). */
  storageFor(workspaceRoot: string, config: HitlineConfig): BlobStorage;
  /** Problems worth a log line (a lease renewal that failed, a session that would not close). */
  warn(message: string): void;
  /** A session without jobs for this long is closed. */
  idleMs?: number;
}

interface Session {
  engine: BatchEngine;
  wired: WiredRun;
  ctx: HitlineContext;
  settings: ProductFlowSettings;
  reporters: Map<string, (e: BatchEvent) => void>;
  active: number;
  idle?: NodeJS.Timeout;
  close(): Promise<void>;
}

export class ProductJobs {
  private readonly sessions = new Map<string, Promise<Session>>();
  private readonly scratch = path.join(os.tmpdir(), `hitline-worker-${process.pid}`);

  constructor(private readonly o: ProductJobsOptions) {}

  async process(raw: Record<string, unknown>, job: { reportProgress(data: object): void }): Promise<ProductJobResult> {
    const data = checkJobData(raw);
    const conn = this.o.connection;
    const pending = (why: string): ProductJobResult => ({ ...pendingOutcome(data.product, '', why), files: [] });
    if ((await conn.currentSession(data.runKey)) !== data.session) return pending('the run was started again; this job belongs to an earlier session');
    const session = await this.sessionFor(data);
    session.active += 1;
    if (session.idle) clearTimeout(session.idle);
    session.reporters.set(data.product.newId, (e) => job.reportProgress(e));
    await mkdir(this.scratch, { recursive: true });
    const dir = await mkdtemp(path.join(this.scratch, 'job-'));
    try {
      if (session.engine.control.stopReason) return pending(session.engine.control.stopMessage!);
      const bytes = await session.ctx.storage.get(data.image.key);
      if (!bytes) throw new HitlineError(`the photo of ${data.product.newId} (row ${data.row}) is missing from the shared storage (${data.image.key})`);
      const imagePath = path.join(dir, `photo${/\.(jpe?g|png|webp)$/i.exec(data.image.name)?.[0]?.toLowerCase() ?? ''}`);
      await writeFile(imagePath, bytes);
      const runDir = path.join(dir, 'run');
      const outcome = await runProductHere(
        { row: data.row, line: 0, value: data.product, imageAbsPath: imagePath },
        { runDir, settings: { ...session.settings, runDir }, engine: session.engine, afterProduct: session.wired.afterProduct },
      );
      await session.ctx.ledger.flush();
      const files = await this.upload(session.ctx.storage, data, runDir);
      return { summary: outcome.summary, stage: outcome.stage, imageHash: outcome.imageHash, files };
    } finally {
      session.reporters.delete(data.product.newId);
      session.active -= 1;
      if (session.active === 0) session.idle = setTimeout(() => void this.closeSession(data), this.o.idleMs ?? 60_000).unref();
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** Closes every session (the worker is stopping; no job is in hand any more). */
  async close(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    for (const s of await Promise.allSettled(all)) if (s.status === 'fulfilled') await s.value.close().catch((e) => this.o.warn(String(e)));
    await rm(this.scratch, { recursive: true, force: true });
  }

  private sessionKey(d: ProductJobData): string {
    return `${d.runKey}/${d.session}`;
  }

  private async closeSession(d: ProductJobData): Promise<void> {
    const k = this.sessionKey(d);
    const s = await this.sessions.get(k)?.catch(() => undefined);
    if (!s || s.active > 0) return;
    this.sessions.delete(k);
    await s.close().catch((e) => this.o.warn(`closing a run session: ${String(e)}`));
  }

  private sessionFor(d: ProductJobData): Promise<Session> {
    const k = this.sessionKey(d);
    let s = this.sessions.get(k);
    if (!s) {
      s = this.openSession(d);
      s.catch(() => this.sessions.delete(k));
      this.sessions.set(k, s);
    }
    return s;
  }

  private async openSession(d: ProductJobData): Promise<Session> {
    const conn = this.o.connection;
    const storage = this.o.storageFor(d.workspace, d.config);
    if (storage.id !== d.storageId) {
      throw new HitlineError(`this worker's shared storage is ${storage.id}, but run ${d.runId} keeps its files in ${d.storageId}`, {
        hint: 'Give every worker and the process that starts runs the same storage settings (HITLINE_S3_* for a bucket).',
      });
    }
    const ws = workspaceAt(d.workspace);
    if (d.store === 'lancedb') await checkSharedWorkspace(ws.root, d);
    const ctx: HitlineContext = {
      ws, config: d.config, offline: d.offline, env: this.o.env, generatorModel: d.request.model, storeOverride: d.store, storage,
      ledger: fleetLedger(conn, d.runKey),
    };
    const keeper = new LeaseKeeper(conn.fleet.leases, conn.fleet.leaseMs, (e) => this.o.warn(`renewing fleet leases: ${String(e)}`));
    const pricing = createCallPricing();
    const engine = createBatchEngine({
      pricing,
      shared: {
        budget: new FleetBudget(conn.fleet.budget, d.accounts, keeper, d.request.budget),
        gate: (local) => new FleetGate(local, conn.fleet.slots, keeper, (e) => this.o.warn(`fleet slots: ${String(e)}`)),
        flights: (control) => new FleetFlights(conn.fleet.locks, keeper, control.stopSignal),
      },
    });
    const reporters = new Map<string, (e: BatchEvent) => void>();
    engine.events = (e) => void ('productId' in e && reporters.get(e.productId)?.(e));
    const wired = await wireRun(ctx, d.runId, d.request, engine, d.limits, pricing);
    try {
      await openStoreForQueries(wired.store, wired.embedder);
    } catch (e) {
      await wired.close();
      throw e;
    }
    // A stop here (a budget refusal) is every worker's; a stop recorded by another process is this one's.
    const stopRelaying = relayRunStops(conn, d.runKey, d.session, engine.control);
    const settings = productFlowSettings({
      store: wired.store, embedder: wired.embedder, storage, analyzer: wired.analyzer, generator: wired.generator,
      // Fusion settings come from the worker's config.json (not yet carried in the job).
      match: { top: d.request.top, perLeg: d.request.perLeg, rrfK: d.request.rrfK, minSales: d.request.minSales, fusion: fusionSettings(ctx) },
      aspectRatio: d.request.aspect, sizeTier: d.request.size, variants: d.request.variants, generationReferences: d.request.references,
    }, '');
    return {
      engine, wired, ctx, settings, reporters, active: 0,
      async close() {
        stopRelaying();
        await wired.close();
      },
    };
  }

  /** Every file the product made, into the shared storage under the run's key. */
  private async upload(storage: BlobStorage, d: ProductJobData, runDir: string): Promise<ProductJobResult['files']> {
    const files: ProductJobResult['files'] = [];
    const prefix = `runs/${d.runKey}/${d.session.replace(/[^A-Za-z0-9-]/g, '')}/${Buffer.from(d.product.newId).toString('hex').slice(0, 96)}`;
    for (const rel of await filesUnder(runDir)) {
      const key = `${prefix}/${files.length}`;
      await storage.put(key, await readFile(path.join(runDir, rel)));
      files.push({ path: rel.split(path.sep).join('/'), key });
    }
    return files;
  }
}

/** LanceDB is a folder: a worker serves the run only if it reads the same workspace (its fleet id) at the same path. */
async function checkSharedWorkspace(root: string, d: ProductJobData): Promise<void> {
  const id = await readFile(path.join(root, 'fleet-id'), 'utf8').then((t) => t.trim(), () => undefined);
  if (id !== d.workspaceId) {
    throw new HitlineError(
      `this worker does not share run ${d.runId}'s workspace ${root}: ${id === undefined ? 'it is not there' : 'another workspace is at that path'} ` +
        '(the catalog is in LanceDB, a folder in the workspace)',
      { hint: 'Run workers on the machine of the workspace or mount it at the same path, or keep the catalog in Milvus (--store milvus, MILVUS_ADDRESS) for workers on other machines.' },
    );
  }
}

/** The cost ledger of a worker: each paid call is pushed to Redis at once; the process that started the run writes it to the run's ledger. */
function fleetLedger(conn: QueueConnection, runKey: string): CostLedger {
  let writes: Promise<unknown> = Promise.resolve();
  let failure: unknown;
  const push = (line: string) => {
    writes = writes.then(() => conn.pushUsage(runKey, line)).catch((e) => (failure ??= e));
    return writes.then(() => undefined);
  };
  return {
    file: `queue usage of run ${runKey}`,
    append: (entry) => push(JSON.stringify(entry)),
    sink: (context) => (report) => void push(JSON.stringify(entryFromUsage(report, context.runId, context.productId, new Date()))),
    async flush() {
      await writes;
      if (failure !== undefined) throw failure;
    },
    read: () => Promise.reject(new Error('a worker does not read the cost ledger')),
  };
}

/** The files under `dir` (none when it does not exist), relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}
