/**
 * Review actions on a run's outputs: approve, reject with a reason, regenerate (a new variant, or with the
 * escalation model), and approve in bulk everything that passed its checks. Each is appended to the run's
 * review log with its time and actor and announced on the run's events.
 */
import { UserInputError } from '../../core/errors.js';
import type { RunExecutor } from '../runs/run-executor.js';
import { runDirOf } from '../runs/run-record.js';
import { runProducts } from '../runs/run-view.js';
import type { TenantContext } from '../tenants/tenant-contexts.js';
import { appendReviews, type ReviewEntry } from './review-log.js';
import { findOutput, type RunOutput } from './run-outputs.js';

export type ReviewDecision = { action: 'approve' } | { action: 'reject'; reason: string };

export async function reviewOutput(tenant: TenantContext, executor: RunExecutor, runId: string, outputId: string, decision: ReviewDecision, actor: string): Promise<RunOutput> {
  const { output } = findOutput(await runProducts(tenant, runId), outputId);
  if (decision.action === 'reject' && !decision.reason.trim()) throw new UserInputError('a rejection needs a reason', { hint: 'Say what is wrong, e.g. "label shows through".' });
  const entry: ReviewEntry = { time: new Date().toISOString(), actor, action: decision.action, outputId, ...(decision.action === 'reject' ? { reason: decision.reason.trim() } : {}) };
  await appendReviews(runDirOf(tenant.hitline.ws, runId), [entry]);
  await executor.record(tenant.id, runId, { type: 'review', outputId, action: decision.action, actor });
  return { ...output, review: decision.action === 'approve' ? { state: 'approved', actor, at: entry.time } : { state: 'rejected', reason: entry.reason, actor, at: entry.time } };
}

/** Approves every output that was checked and passed, and is not already approved or rejected. */
export async function bulkApprove(tenant: TenantContext, executor: RunExecutor, runId: string, actor: string): Promise<string[]> {
  const time = new Date().toISOString();
  const ids = (await runProducts(tenant, runId)).flatMap((p) => p.outputs).filter((o) => o.checkStatus === 'passed' && o.review.state === 'pending').map((o) => o.id);
  await appendReviews(runDirOf(tenant.hitline.ws, runId), ids.map((outputId) => ({ time, actor, action: 'approve' as const, outputId, bulk: true })));
  if (ids.length > 0) await executor.record(tenant.id, runId, { type: 'review', outputId: `${ids.length} output(s)`, action: 'bulk-approve', actor });
  return ids;
}

export async function requestRegeneration(tenant: TenantContext, executor: RunExecutor, runId: string, outputId: string, escalate: boolean, actor: string): Promise<void> {
  const { product } = findOutput(await runProducts(tenant, runId), outputId);
  await executor.regenerate(tenant.id, runId, { productId: product.productId, outputId, escalate, actor });
  await appendReviews(runDirOf(tenant.hitline.ws, runId), [{ time: new Date().toISOString(), actor, action: 'regenerate', outputId, escalate }]);
  await executor.record(tenant.id, runId, { type: 'review', outputId, action: escalate ? 'regenerate-escalated' : 'regenerate', actor });
}
