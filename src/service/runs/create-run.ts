/**
 * Creating a run from an uploaded new_products.csv: the presets, model, variants and budget are checked
 * before anything is queued; `dryRun` answers the plan (calls and estimated cost) and queues nothing; an
 * Idempotency-Key makes a retried request return the run the first one made.
 */
import path from 'node:path';
import { UserInputError } from '../../core/errors.js';
import { planBatch, type RunPlan } from '../../compose/run.js';
import { presetsFileFor } from '../../compose/context.js';
import { DEFAULT_MATCH_SETTINGS } from '../../pipeline/match.js';
import { requestOf } from '../../pipeline/batch/run-request.js';
import { loadPresets, selectPresets } from '../../presets/index.js';
import { tenantCosts } from '../cost.js';
import { BudgetExhaustedError } from '../errors.js';
import { KeyedMutex } from '../keyed-mutex.js';
import type { TenantContext } from '../tenants/tenant-contexts.js';
import { readUpload } from '../uploads/uploads.js';
import { checkIdempotencyKey, priorRun, rememberRun } from './idempotency.js';
import type { RunExecutor } from './run-executor.js';
import { createRunRecord, readRunRecord, type ApiRunRequest, type ServiceRunRecord } from './run-record.js';

export interface CreateRunInput {
  tenant: TenantContext;
  actor: string;
  request: ApiRunRequest;
  idempotencyKey?: string;
  monthlyBudgetUsd?: number;
}

export type CreateRunOutcome = { kind: 'created' | 'replayed'; record: ServiceRunRecord };

/** Requests with the same Idempotency-Key of one tenant are handled one after another. */
const idempotencyLocks = new KeyedMutex();

export async function createRun(executor: RunExecutor, input: CreateRunInput): Promise<CreateRunOutcome> {
  const { tenant } = input;
  const ws = tenant.hitline.ws;
  if (input.idempotencyKey === undefined) return { kind: 'created', record: await makeRun(executor, input) };
  const idemKey = checkIdempotencyKey(input.idempotencyKey);
  return idempotencyLocks.run(`${tenant.id}\0${idemKey}`, async () => {
    const earlier = await priorRun(ws, idemKey, input.request);
    if (earlier) return { kind: 'replayed', record: await readRunRecord(ws, earlier) };
    const record = await makeRun(executor, input);
    await rememberRun(ws, idemKey, input.request, record.runId);
    return { kind: 'created', record };
  });
}

/** The dry run: what the run would call and cost, from the stored results and the price table. */
export async function planRunRequest(input: Omit<CreateRunInput, 'idempotencyKey'>): Promise<RunPlan> {
  return planBatch(input.tenant.hitline, (await resolve(input)).batch);
}

async function makeRun(executor: RunExecutor, input: CreateRunInput): Promise<ServiceRunRecord> {
  const { batch, productIds } = await resolve(input);
  if (input.monthlyBudgetUsd !== undefined) {
    const spent = (await tenantCosts(input.tenant.hitline.ledger)).thisMonth.cost;
    if (spent >= input.monthlyBudgetUsd) {
      throw new BudgetExhaustedError(`this month's budget of $${input.monthlyBudgetUsd.toFixed(2)} is spent ($${spent.toFixed(2)})`, {
        hint: 'Raise the monthly budget (hitline tenants set <id> --monthly-budget USD) or wait for next month.',
      });
    }
  }
  const record = await createRunRecord(input.tenant.hitline.ws, (runId) => ({
    version: 1, runId, createdAt: new Date().toISOString(), actor: input.actor, request: input.request, batch, productIds, state: 'queued',
  }));
  await executor.start(input.tenant.id, record.runId);
  return record;
}

/** The batch request for the API request: the upload's files, the presets checked against the tenant's. */
async function resolve(input: Omit<CreateRunInput, 'idempotencyKey'>) {
  const r = input.request;
  const ws = input.tenant.hitline.ws;
  const upload = await readUpload(ws, r.newProducts);
  if (upload.kind !== 'new-products') throw new UserInputError(`upload ${upload.id} is a catalog, not new products`, { hint: 'Upload new_products.csv with POST /api/new-products.' });
  if (upload.ids.length === 0) throw new UserInputError(`upload ${upload.id} has no readable rows`, { hint: 'Fix the rows listed in its problems and upload it again.' });
  if (r.presets.length > 0) selectPresets(await loadPresets({ configFile: presetsFileFor(ws) }), r.presets);
  const d = DEFAULT_MATCH_SETTINGS;
  const batch = requestOf({
    new: path.join(upload.dir, upload.csvFile), images: path.join(upload.dir, upload.imagesDir), aspect: r.aspect, size: r.size, variants: r.variants,
    references: r.references, top: r.top, perLeg: Math.max(d.perLeg, r.top), rrfK: d.rrfK, minSales: r.minSales, model: r.model, preset: r.presets,
    staged: r.staged, budget: r.budgetUsd,
  });
  return { batch, productIds: upload.ids };
}
