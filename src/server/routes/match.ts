/** Match one new product photo against the catalog, synchronously. */
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createRoute, z } from '@hono/zod-openapi';
import { UserInputError } from '../../core/errors.js';
import { fusionSettings } from '../../compose/context.js';
import { matchOne } from '../../service/catalog/catalog-queries.js';
import type { App, ServerDeps } from '../app-env.js';
import { parseFields } from '../errors.js';
import { countedBody, refuseOversized } from '../middleware/body-size.js';
import { forEachFilePart } from '../uploads/receive-upload.js';
import { COMMON_ERRORS, json } from '../schemas/common.js';
import { MatchFields, MatchResult } from '../schemas/catalog.js';
import { send } from './respond.js';

const MatchForm = MatchFields.extend({ image: z.any().openapi({ type: 'string', format: 'binary', description: 'The new product photo (JPEG, PNG or WebP).' }) }).openapi('MatchForm');

export function matchRoutes(app: App, deps: ServerDeps): void {
  const route = createRoute({
    method: 'post', path: '/api/match', tags: ['match'],
    summary: 'The closest hit products for one photo (weighted fusion of its legs), with each leg\'s rank and what the query became',
    description: 'multipart/form-data: an `image` file and the product\'s fields. The filter is the same category and sales above minSales, on every leg. The fusion is the tenant workspace\'s config.json "match" (defaults otherwise).',
    request: { body: { content: { 'multipart/form-data': { schema: MatchForm } }, required: true } },
    responses: { 200: json(MatchResult, 'Ranked hits.'), 409: COMMON_ERRORS[400], 413: COMMON_ERRORS[400], ...COMMON_ERRORS },
  });
  app.openAPIRegistry.registerPath(route);
  app.post('/api/match', refuseOversized(deps.limits.matchRequestBytes), async (c) => {
    const tenant = c.get('tenant');
    const contentType = c.req.header('content-type') ?? '';
    if (!contentType.toLowerCase().startsWith('multipart/form-data')) throw new UserInputError('match takes multipart/form-data with an "image" file and the product\'s fields');
    const dir = path.join(tenant.hitline.ws.root, 'uploads', 'tmp');
    await mkdir(dir, { recursive: true });
    const imageFile = path.join(dir, `match-${randomBytes(8).toString('hex')}`);
    let received = false;
    try {
      const fields = await forEachFilePart(contentType, countedBody(c.req.raw.body, deps.limits.matchRequestBytes), { maxFiles: 1, maxFileBytes: deps.limits.matchRequestBytes }, async (part) => {
        if (part.field !== 'image') throw new UserInputError(`unexpected file part "${part.field}"`, { hint: 'Send the photo as the "image" part.' });
        await pipeline(part.stream, createWriteStream(imageFile));
        received = true;
      });
      if (!received) throw new UserInputError('the request has no "image" file', { hint: 'Send the photo as the "image" part of the form.' });
      const f = parseFields(MatchFields, fields, 'form');
      const result = await matchOne(tenant, {
        imageFile, product: { newId: f.newId, category: f.category, style: f.style, season: f.season, promptHint: f.promptHint, attributes: {} },
        settings: { top: f.top, perLeg: f.perLeg, rrfK: f.rrfK, minSales: f.minSales, fusion: fusionSettings(tenant.hitline) },
      });
      return send(c, MatchResult, { ...result, hits: result.hits.map((h) => ({ ...h, product: { ...h.product, imageUrl: `/api/catalog/products/${encodeURIComponent(h.productId)}/image` } })) });
    } finally {
      await rm(imageFile, { force: true });
    }
  });
}
