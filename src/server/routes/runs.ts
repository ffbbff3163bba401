/** Runs: create (with Idempotency-Key and a dry-run estimate), list, status, cancel, resume, cost. */
import { createRoute } from '@hono/zod-openapi';
import { runCosts } from '../../service/cost.js';
import { ConflictError } from '../../service/errors.js';
import { createRun, planRunRequest } from '../../service/runs/create-run.js';
import { readRunRecord } from '../../service/runs/run-record.js';
import { listRuns, runStatus } from '../../service/runs/run-view.js';
import type { App, ServerDeps } from '../app-env.js';
import { COMMON_ERRORS, json, RunIdParam } from '../schemas/common.js';
import { RunCost } from '../schemas/outputs.js';
import { DryRunQuery, IdempotencyHeader, ResumeBody, RunBody, RunList, RunListQuery, RunPlan, RunStatus } from '../schemas/runs.js';
import { send } from './respond.js';

/** A 200 from POST /api/runs: a replayed run, or a dry run's plan. */
const RunOrPlan = RunStatus.or(RunPlan);

export function runRoutes(app: App, deps: ServerDeps): void {
  const settingsOf = (tenantId: string) => deps.registry.settings(tenantId) ?? {};

  app.openapi(
    createRoute({
      method: 'post', path: '/api/runs', tags: ['runs'],
      summary: 'Create a run from uploaded new products (or, with dryRun=true, answer its plan and estimated cost)',
      request: { query: DryRunQuery, headers: IdempotencyHeader, body: { content: { 'application/json': { schema: RunBody } }, required: true } },
      responses: {
        201: json(RunStatus, 'The run, queued.'),
        200: json(RunOrPlan, 'The run an earlier request with the same Idempotency-Key made (header Idempotent-Replayed: true), or the dry-run plan.'),
        402: COMMON_ERRORS[400], 409: COMMON_ERRORS[400], ...COMMON_ERRORS,
      },
    }),
    async (c) => {
      const tenant = c.get('tenant');
      const body = c.req.valid('json');
      const settings = settingsOf(tenant.id);
      const request = { ...body, presets: body.presets ?? settings.defaultPresets ?? [] };
      if (c.req.valid('query').dryRun === 'true') {
        return send(c, RunOrPlan, await planRunRequest({ tenant, actor: c.get('principal').keyPrefix, request, monthlyBudgetUsd: settings.monthlyBudgetUsd }));
      }
      const outcome = await createRun(deps.executor, {
        tenant, actor: c.get('principal').keyPrefix, request, idempotencyKey: c.req.valid('header')['idempotency-key'], monthlyBudgetUsd: settings.monthlyBudgetUsd,
      });
      const status = await runStatus(tenant, deps.executor, outcome.record.runId);
      c.header('Location', `/api/runs/${outcome.record.runId}`);
      if (outcome.kind === 'replayed') {
        c.header('Idempotent-Replayed', 'true');
        return send(c, RunOrPlan, status, 200);
      }
      return send(c, RunStatus, status, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/api/runs', tags: ['runs'], summary: 'The tenant\'s runs, newest first',
      request: { query: RunListQuery }, responses: { 200: json(RunList, 'Runs (without per-product progress).'), ...COMMON_ERRORS },
    }),
    async (c) => send(c, RunList, { runs: await listRuns(c.get('tenant'), deps.executor, c.req.valid('query')) }),
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/api/runs/{runId}', tags: ['runs'], summary: 'A run: status, totals, spend and per-product, per-stage progress',
      request: { params: RunIdParam }, responses: { 200: json(RunStatus, 'The run.'), ...COMMON_ERRORS },
    }),
    async (c) => send(c, RunStatus, await runStatus(c.get('tenant'), deps.executor, c.req.valid('param').runId)),
  );

  app.openapi(
    createRoute({
      method: 'post', path: '/api/runs/{runId}/cancel', tags: ['runs'],
      summary: 'Cancel a run: no new work starts, calls in flight finish and are kept; a queued run never starts',
      request: { params: RunIdParam }, responses: { 202: json(RunStatus, 'Cancelling (or cancelled, if it had not started).'), 409: COMMON_ERRORS[400], ...COMMON_ERRORS },
    }),
    async (c) => {
      const tenant = c.get('tenant');
      const { runId } = c.req.valid('param');
      await readRunRecord(tenant.hitline.ws, runId);
      const outcome = await deps.executor.cancel(tenant.id, runId, c.get('principal').keyPrefix);
      if (outcome === 'not-active') throw new ConflictError(`run ${runId} is not queued or running`, { hint: 'Only a queued or running run can be cancelled; GET the run for its status.' });
      return send(c, RunStatus, await runStatus(tenant, deps.executor, runId), 202);
    },
  );

  app.openapi(
    createRoute({
      method: 'post', path: '/api/runs/{runId}/resume', tags: ['runs'],
      summary: 'Continue a stopped, cancelled, failed or interrupted run from its journal (finished products are kept, stored results are not paid again)',
      request: { params: RunIdParam, body: { content: { 'application/json': { schema: ResumeBody } }, required: false } },
      responses: { 202: json(RunStatus, 'Queued to continue.'), 409: COMMON_ERRORS[400], ...COMMON_ERRORS },
    }),
    async (c) => {
      const tenant = c.get('tenant');
      const { runId } = c.req.valid('param');
      const current = await runStatus(tenant, deps.executor, runId);
      if (!['stopped', 'cancelled', 'failed', 'interrupted'].includes(current.status)) {
        throw new ConflictError(`run ${runId} is ${current.status}; only a stopped, cancelled, failed or interrupted run can be resumed`);
      }
      await deps.executor.resume(tenant.id, runId, { budgetUsd: c.req.valid('json')?.budgetUsd });
      return send(c, RunStatus, await runStatus(tenant, deps.executor, runId), 202);
    },
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/api/runs/{runId}/cost', tags: ['cost'], summary: 'What a run spent, by stage, product and model (from the cost ledger)',
      request: { params: RunIdParam }, responses: { 200: json(RunCost, 'The run\'s spend.'), ...COMMON_ERRORS },
    }),
    async (c) => {
      const tenant = c.get('tenant');
      const { runId } = c.req.valid('param');
      await readRunRecord(tenant.hitline.ws, runId);
      return send(c, RunCost, { runId, ...(await runCosts(tenant.hitline.ledger, runId)) });
    },
  );
}
