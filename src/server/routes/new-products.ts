/** New products: upload new_products.csv and its photos (multipart or zip); a run is then created from the upload's id. */
import { createRoute, z } from '@hono/zod-openapi';
import { readUpload } from '../../service/uploads/uploads.js';
import { notFound } from '../../service/errors.js';
import type { App, ServerDeps } from '../app-env.js';
import { refuseOversized } from '../middleware/body-size.js';
import { uploadFromRequest } from '../uploads/receive-upload.js';
import { COMMON_ERRORS, json } from '../schemas/common.js';
import { UploadSummary } from '../schemas/catalog.js';
import { uploadBody } from './catalog.js';
import { send } from './respond.js';

export function newProductRoutes(app: App, deps: ServerDeps): void {
  const route = createRoute({
    method: 'post', path: '/api/new-products', tags: ['runs'],
    summary: 'Upload new_products.csv and the new product photos (multipart or zip)',
    description: 'Rows are validated exactly as `hitline run` reads them: bad rows come back with row and column, good rows are kept. Create a run with the returned id.',
    request: { body: uploadBody },
    responses: { 201: json(UploadSummary, 'The upload, with its accepted rows and problems.'), 413: COMMON_ERRORS[400], ...COMMON_ERRORS },
  });
  app.openAPIRegistry.registerPath(route);
  app.post('/api/new-products', refuseOversized(deps.limits.uploadRequestBytes), async (c) => {
    const upload = await uploadFromRequest(c.req.raw, c.get('tenant').hitline.ws, 'new-products', {
      requestBytes: deps.limits.uploadRequestBytes, limits: deps.limits.upload, actor: c.get('principal').keyPrefix,
    });
    return send(c, UploadSummary, { ...upload, rows: upload.ids.length }, 201);
  });

  app.openapi(
    createRoute({
      method: 'get', path: '/api/new-products/{uploadId}', tags: ['runs'], summary: 'An upload of new products: its rows and problems',
      request: { params: z.object({ uploadId: z.string().openapi({ param: { name: 'uploadId', in: 'path' } }) }) },
      responses: { 200: json(UploadSummary, 'The upload.'), ...COMMON_ERRORS },
    }),
    async (c) => {
      const upload = await readUpload(c.get('tenant').hitline.ws, c.req.valid('param').uploadId);
      if (upload.kind !== 'new-products') throw notFound(`upload ${upload.id}`);
      return send(c, UploadSummary, { ...upload, rows: upload.ids.length });
    },
  );
}
