/**
 * A run as the API shows it, rebuilt from its own files on every read: the service record, the engine's
 * manifest (run.json) and journal, the events (per product, per stage progress), the ledger (spend) and
 * the review log. The executor adds only what lives in memory: whether it holds the run now. So a status
 * after a restart, or from another process, says the same as the one that ran it.
 */
import { RunJournal, type RunManifest } from '../../pipeline/batch/run-journal.js';
import type { RunRequest } from '../../pipeline/batch/run-request.js';
import { runCosts, tenantCosts } from '../cost.js';
import { readReviews, reviewStates } from '../outputs/review-log.js';
import { journalProducts, productView, type RunProductView } from '../outputs/run-outputs.js';
import type { TenantContext } from '../tenants/tenant-contexts.js';
import { readRunEvents, type RunStatusName } from './run-events.js';
import type { RunExecutor } from './run-executor.js';
import { RunProgress, type ProductProgress } from './run-progress.js';
import { listRunIds, readRunRecord, runDirOf, type ServiceRunRecord } from './run-record.js';

/** `interrupted`: the run's manifest says running but nothing holds it (its process died); it resumes when the server starts. */
export type RunState = RunStatusName | 'interrupted';

export interface RunStatusView {
  runId: string;
  createdAt: string;
  actor: string;
  status: RunState;
  request: ServiceRunRecord['request'];
  stop?: { reason: string; message: string; at?: string };
  failure?: ServiceRunRecord['failure'];
  cancel?: ServiceRunRecord['cancel'];
  totals: Record<ProductProgress['state'], number> & { products: number };
  spentUsd: number;
  budgetUsd?: number;
  sessions: number;
  products: ProductProgress[];
}

/** `spentUsd`: the run's spend when the caller has read the ledger already (a list reads it once for all runs). */
export async function runStatus(tenant: TenantContext, executor: RunExecutor, runId: string, spentUsd?: number): Promise<RunStatusView> {
  const ws = tenant.hitline.ws;
  const record = await readRunRecord(ws, runId);
  const runDir = runDirOf(ws, runId);
  const manifest = await RunJournal.readManifest<RunRequest>(runDir).catch(() => undefined);
  const progress = new RunProgress(record.productIds, record.request.presets.length > 0);
  for (const e of await readRunEvents(runDir)) progress.apply(e);
  const products = progress.snapshot();
  // The journal is the truth for finished products (events are progress, written as they happen).
  const finished = await journalProducts(runDir);
  for (const p of products) {
    const j = finished.get(p.productId)?.summary;
    if (j?.status === 'done' && p.state !== 'done') Object.assign(p, { state: 'done', error: undefined });
    if (j?.status === 'failed' && p.state !== 'failed' && p.state !== 'working') Object.assign(p, { state: 'failed', error: j.error });
  }
  const totals = { products: products.length, waiting: 0, working: 0, done: 0, failed: 0, pending: 0 };
  for (const p of products) totals[p.state] += 1;
  const spent = spentUsd ?? (await runCosts(tenant.hitline.ledger, runId)).total.cost;
  return {
    runId, createdAt: record.createdAt, actor: record.actor, status: stateOf(record, manifest, executor.live(tenant.id, runId)?.state), request: record.request,
    ...(manifest?.stop ? { stop: manifest.stop } : {}), ...(record.failure ? { failure: record.failure } : {}), ...(record.cancel ? { cancel: record.cancel } : {}),
    totals, spentUsd: spent, ...(record.batch.budget !== undefined ? { budgetUsd: record.batch.budget } : {}),
    sessions: manifest?.sessions.length ?? 0, products,
  };
}

function stateOf(record: ServiceRunRecord, manifest: RunManifest | undefined, live: RunState | undefined): RunState {
  if (live) return live;
  if (record.state === 'cancelled') return 'cancelled';
  if (record.state === 'queued') return 'queued';
  if (manifest?.status === 'finished') return 'finished';
  if (manifest?.status === 'stopped') return record.cancel ? 'cancelled' : 'stopped';
  if (record.failure) return 'failed';
  return 'interrupted';
}

export async function listRuns(tenant: TenantContext, executor: RunExecutor, o: { limit: number; before?: string }): Promise<Array<Omit<RunStatusView, 'products'>>> {
  const ids = (await listRunIds(tenant.hitline.ws)).filter((id) => !o.before || id < o.before).slice(0, o.limit);
  const { byRun } = await tenantCosts(tenant.hitline.ledger);
  const out = [];
  for (const id of ids) {
    const { products: _omitted, ...status } = await runStatus(tenant, executor, id, byRun[id]?.cost ?? 0);
    out.push(status);
  }
  return out;
}

/** The run's products with their outputs, checks, brief, cost and review state. */
export async function runProducts(tenant: TenantContext, runId: string): Promise<RunProductView[]> {
  const ws = tenant.hitline.ws;
  const record = await readRunRecord(ws, runId);
  const runDir = runDirOf(ws, runId);
  const [journal, costs, reviews] = await Promise.all([journalProducts(runDir), runCosts(tenant.hitline.ledger, runId), readReviews(runDir)]);
  const review = reviewStates(reviews);
  return record.productIds.flatMap((id) => {
    const j = journal.get(id);
    return j ? [productView(runId, runDir, j.summary, costs.byProduct[id], review)] : [];
  });
}
