/** A run's products and outputs, their files, review actions and per-preset exports. */
import { Readable } from 'node:stream';
import { createRoute, z } from '@hono/zod-openapi';
import { UserInputError } from '../../core/errors.js';
import { exportedOutputs, exportZip } from '../../service/outputs/export-zip.js';
import { readReviews } from '../../service/outputs/review-log.js';
import { bulkApprove, requestRegeneration, reviewOutput } from '../../service/outputs/review.js';
import { findOutput, publicOutput, type RunProductView } from '../../service/outputs/run-outputs.js';
import { notFound } from '../../service/errors.js';
import { readRunRecord, runDirOf } from '../../service/runs/run-record.js';
import { runProducts } from '../../service/runs/run-view.js';
import type { App, ServerDeps } from '../app-env.js';
import { COMMON_ERRORS, json, RunIdParam } from '../schemas/common.js';
import { Accepted, BulkApproved, ExportParams, ExportQuery, Output, OutputIdParam, RegenerateBody, RejectBody, ReviewLog, RunProducts } from '../schemas/outputs.js';
import { send, sendImage } from './respond.js';

function productJson(runId: string, p: RunProductView) {
  const { photoFile: _hidden, outputs, ...rest } = p;
  return { ...rest, photoUrl: `/api/runs/${runId}/products/${encodeURIComponent(p.productId)}/photo`, outputs: outputs.map((o) => publicOutput(runId, o)) };
}

export function outputRoutes(app: App, deps: ServerDeps): void {
  app.openapi(
    createRoute({
      method: 'get', path: '/api/runs/{runId}/products', tags: ['outputs'], summary: 'The run\'s finished products: hits, brief, outputs with their checks, cost and review state',
      request: { params: RunIdParam }, responses: { 200: json(RunProducts, 'Products with outputs.'), ...COMMON_ERRORS },
    }),
    async (c) => {
      const { runId } = c.req.valid('param');
      const products = await runProducts(c.get('tenant'), runId);
      return send(c, RunProducts, { runId, products: products.map((p) => productJson(runId, p)) });
    },
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/api/runs/{runId}/products/{productId}/photo', tags: ['outputs'], summary: 'A new product\'s photo as uploaded',
      request: { params: RunIdParam.extend({ productId: z.string().openapi({ param: { name: 'productId', in: 'path' } }) }) },
      responses: { 200: { content: { 'image/jpeg': { schema: z.any() } }, description: 'The photo.' }, ...COMMON_ERRORS },
    }),
    async (c) => {
      const { runId, productId } = c.req.valid('param');
      const product = (await runProducts(c.get('tenant'), runId)).find((p) => p.productId === productId);
      if (!product) throw notFound(`product ${productId} in run ${runId}`);
      return sendImage(c, product.photoFile);
    },
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/api/runs/{runId}/outputs/{outputId}/file', tags: ['outputs'], summary: 'Download an output image',
      request: { params: OutputIdParam },
      responses: { 200: { content: { 'image/jpeg': { schema: z.any() }, 'image/png': { schema: z.any() }, 'image/webp': { schema: z.any() } }, description: 'The image.' }, ...COMMON_ERRORS },
    }),
    async (c) => {
      const { runId, outputId } = c.req.valid('param');
      const { product, output } = findOutput(await runProducts(c.get('tenant'), runId), outputId);
      return sendImage(c, output.absFile, `${product.productId}_${output.file}`);
    },
  );

  app.openapi(
    createRoute({
      method: 'post', path: '/api/runs/{runId}/outputs/{outputId}/approve', tags: ['review'], summary: 'Approve an output (exports hold approved outputs)',
      request: { params: OutputIdParam }, responses: { 200: json(Output, 'The output with its new review state.'), ...COMMON_ERRORS },
    }),
    async (c) => {
      const { runId, outputId } = c.req.valid('param');
      return send(c, Output, publicOutput(runId, await reviewOutput(c.get('tenant'), deps.executor, runId, outputId, { action: 'approve' }, c.get('principal').keyPrefix)));
    },
  );

  app.openapi(
    createRoute({
      method: 'post', path: '/api/runs/{runId}/outputs/{outputId}/reject', tags: ['review'], summary: 'Reject an output, with a reason',
      request: { params: OutputIdParam, body: { content: { 'application/json': { schema: RejectBody } }, required: true } },
      responses: { 200: json(Output, 'The output with its new review state.'), ...COMMON_ERRORS },
    }),
    async (c) => {
      const { runId, outputId } = c.req.valid('param');
      const { reason } = c.req.valid('json');
      return send(c, Output, publicOutput(runId, await reviewOutput(c.get('tenant'), deps.executor, runId, outputId, { action: 'reject', reason }, c.get('principal').keyPrefix)));
    },
  );

  app.openapi(
    createRoute({
      method: 'post', path: '/api/runs/{runId}/outputs/{outputId}/regenerate', tags: ['review'],
      summary: 'Make a new image for this output (a new variant, or with the escalation model); it appears as a new output',
      request: { params: OutputIdParam, body: { content: { 'application/json': { schema: RegenerateBody } }, required: false } },
      responses: { 202: json(Accepted, 'Queued; an output-regenerated event follows.'), 409: COMMON_ERRORS[400], ...COMMON_ERRORS },
    }),
    async (c) => {
      const { runId, outputId } = c.req.valid('param');
      const escalate = c.req.valid('json')?.escalate ?? false;
      await requestRegeneration(c.get('tenant'), deps.executor, runId, outputId, escalate, c.get('principal').keyPrefix);
      return send(c, Accepted, { accepted: true, message: `a new image for ${outputId} is queued${escalate ? ' (escalation model)' : ''}` }, 202);
    },
  );

  app.openapi(
    createRoute({
      method: 'post', path: '/api/runs/{runId}/review/bulk-approve', tags: ['review'], summary: 'Approve every output that passed its checks and is not reviewed yet',
      request: { params: RunIdParam }, responses: { 200: json(BulkApproved, 'The outputs approved now.'), ...COMMON_ERRORS },
    }),
    async (c) => {
      const { runId } = c.req.valid('param');
      await readRunRecord(c.get('tenant').hitline.ws, runId);
      return send(c, BulkApproved, { approved: await bulkApprove(c.get('tenant'), deps.executor, runId, c.get('principal').keyPrefix) });
    },
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/api/runs/{runId}/review', tags: ['review'], summary: 'The run\'s review log: every action with its time and actor',
      request: { params: RunIdParam }, responses: { 200: json(ReviewLog, 'The review log.'), ...COMMON_ERRORS },
    }),
    async (c) => {
      const { runId } = c.req.valid('param');
      await readRunRecord(c.get('tenant').hitline.ws, runId);
      return send(c, ReviewLog, { runId, entries: await readReviews(runDirOf(c.get('tenant').hitline.ws, runId)) });
    },
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/api/runs/{runId}/exports/{preset}', tags: ['outputs'],
      summary: 'A zip of the run\'s images for one preset, with manifest.csv and manifest.json (approved outputs only unless include=all)',
      request: { params: ExportParams, query: ExportQuery },
      responses: { 200: { content: { 'application/zip': { schema: z.any() } }, description: 'The zip.' }, ...COMMON_ERRORS },
    }),
    async (c) => {
      const { runId, preset } = c.req.valid('param');
      const q = c.req.valid('query');
      const record = await readRunRecord(c.get('tenant').hitline.ws, runId);
      if (preset !== 'promo' && !record.request.presets.includes(preset)) {
        throw new UserInputError(`run ${runId} did not make preset "${preset}"`, { hint: `It made: promo${record.request.presets.map((p) => `, ${p}`).join('')}.` });
      }
      const options = { preset, includeAll: q.include === 'all', layout: q.layout };
      const { stream } = await exportZip(runId, exportedOutputs(await runProducts(c.get('tenant'), runId), options), options);
      c.header('Content-Type', 'application/zip');
      c.header('Content-Disposition', `attachment; filename="${runId}-${preset}.zip"`);
      return c.body(Readable.toWeb(stream) as ReadableStream) as never;
    },
  );
}
