/** The catalog: imports (upload + ingest), list, get, delete, image, text search. */
import { createRoute, z } from '@hono/zod-openapi';
import { getProduct, listProducts, deleteProduct, publicProduct, searchProducts } from '../../service/catalog/catalog-queries.js';
import { readUpload } from '../../service/uploads/uploads.js';
import type { App, ServerDeps } from '../app-env.js';
import { refuseOversized } from '../middleware/body-size.js';
import { uploadFromRequest } from '../uploads/receive-upload.js';
import { COMMON_ERRORS, json, ProductIdParam } from '../schemas/common.js';
import { ImportStatus, ListQuery, ProductPage, SearchQuery, SearchResult, UploadForm, CatalogProduct } from '../schemas/catalog.js';
import { send, sendImage } from './respond.js';

const imageUrl = (id: string) => `/api/catalog/products/${encodeURIComponent(id)}/image`;
const withUrl = (p: ReturnType<typeof publicProduct>) => ({ ...p, imageUrl: imageUrl(p.id) });

export const uploadBody = {
  content: { 'multipart/form-data': { schema: UploadForm }, 'application/zip': { schema: z.any().openapi({ type: 'string', format: 'binary' }) } },
  required: true,
};

export function catalogRoutes(app: App, deps: ServerDeps): void {
  const importRoute = createRoute({
    method: 'post', path: '/api/catalog/imports', tags: ['catalog'],
    summary: 'Upload products.csv and its images (multipart or zip) and import them',
    description: 'Rows are validated exactly as `hitline ingest` does: bad rows come back with row and column, good rows are imported. The import runs in the background; poll GET /api/catalog/imports/{importId}.',
    request: { body: uploadBody },
    responses: { 202: json(ImportStatus, 'The upload was read; the import is queued.'), 413: COMMON_ERRORS[400], ...COMMON_ERRORS },
  });
  app.openAPIRegistry.registerPath(importRoute);
  app.post('/api/catalog/imports', refuseOversized(deps.limits.uploadRequestBytes), async (c) => {
    const tenant = c.get('tenant');
    const upload = await uploadFromRequest(c.req.raw, tenant.hitline.ws, 'catalog', { requestBytes: deps.limits.uploadRequestBytes, limits: deps.limits.upload, actor: c.get('principal').keyPrefix });
    const status = await deps.imports.start(tenant, await readUpload(tenant.hitline.ws, upload.id));
    return send(c, ImportStatus, { ...status, upload: { ...upload, rows: upload.ids.length } }, 202);
  });

  app.openapi(
    createRoute({
      method: 'get', path: '/api/catalog/imports/{importId}', tags: ['catalog'], summary: 'An import: its state, progress and report (problems per row)',
      request: { params: z.object({ importId: z.string().openapi({ param: { name: 'importId', in: 'path' } }) }) },
      responses: { 200: json(ImportStatus, 'The import.'), ...COMMON_ERRORS },
    }),
    async (c) => send(c, ImportStatus, await deps.imports.status(c.get('tenant'), c.req.valid('param').importId)),
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/api/catalog/products', tags: ['catalog'], summary: 'List the catalog, with filters, in pages',
      request: { query: ListQuery }, responses: { 200: json(ProductPage, 'A page of products.'), ...COMMON_ERRORS },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const page = await listProducts(c.get('tenant'), q);
      return send(c, ProductPage, { total: page.total, offset: q.offset, limit: q.limit, items: page.items.map(withUrl) });
    },
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/api/catalog/products/{productId}', tags: ['catalog'], summary: 'One product',
      request: { params: ProductIdParam }, responses: { 200: json(CatalogProduct, 'The product.'), ...COMMON_ERRORS },
    }),
    async (c) => send(c, CatalogProduct, withUrl(publicProduct(await getProduct(c.get('tenant'), c.req.valid('param').productId)))),
  );

  app.openapi(
    createRoute({
      method: 'delete', path: '/api/catalog/products/{productId}', tags: ['catalog'], summary: 'Delete a product from the catalog',
      request: { params: ProductIdParam }, responses: { 204: { description: 'Deleted.' }, ...COMMON_ERRORS },
    }),
    async (c) => {
      await deleteProduct(c.get('tenant'), deps.imports, c.req.valid('param').productId);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/api/catalog/products/{productId}/image', tags: ['catalog'], summary: "A product's image",
      request: { params: ProductIdParam },
      responses: { 200: { content: { 'image/jpeg': { schema: z.any() }, 'image/png': { schema: z.any() }, 'image/webp': { schema: z.any() } }, description: 'The image as stored.' }, ...COMMON_ERRORS },
    }),
    async (c) => sendImage(c, (await getProduct(c.get('tenant'), c.req.valid('param').productId)).imagePath),
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/api/catalog/search', tags: ['catalog'], summary: 'Find products by text (hybrid with a cloud embedder, keywords offline)',
      request: { query: SearchQuery }, responses: { 200: json(SearchResult, 'Ranked products.'), ...COMMON_ERRORS },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const found = await searchProducts(c.get('tenant'), q.q, q);
      return send(c, SearchResult, { query: q.q, ...found, results: found.results.map((r) => ({ ...r, product: r.product ? withUrl(r.product) : undefined })) });
    },
  );
}

