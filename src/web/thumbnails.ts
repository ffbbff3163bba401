/**
 * Thumbnails for the grids: a 240-pixel WebP of a catalog image, a new product's photo (uploaded or in a run)
 * or an output, made with sharp on first request and kept by the ThumbnailCache report.html uses (the tenant's
 * `cache/thumbnails/`, keyed by the source's content, so a changed file gets a new one). Files are found by id only, through the
 * same service reads the API uses; a run's files are remembered per run, re-read when an id is missing
 * (a regenerated output), so a grid of 800 thumbnails does not read the run's journal 800 times.
 */
import sharp from 'sharp';
import type { Context, Hono } from 'hono';
import { getProduct } from '../service/catalog/catalog-queries.js';
import { notFound } from '../service/errors.js';
import { runProducts } from '../service/runs/run-view.js';
import type { TenantContext } from '../service/tenants/tenant-contexts.js';
import { ThumbnailCache, type ThumbnailKind } from '../report/thumbnail-cache.js';
import { signedIn } from './guard.js';
import { newProductsOf } from './upload-rows.js';
import type { WebDeps, WebEnv } from './web-env.js';

export const THUMB_PX = 240;

interface RunFiles {
  photos: Map<string, string>;
  outputs: Map<string, string>;
}

/** The files of the runs looked at lately (at most `keep`), per tenant and run. */
class RunFileIndex {
  private readonly runs = new Map<string, RunFiles>();

  constructor(private readonly keep = 32) {}

  async find(tenant: TenantContext, runId: string, kind: keyof RunFiles, id: string): Promise<string> {
    const key = `${tenant.id}\0${runId}`;
    let files = this.runs.get(key);
    if (!files?.[kind].has(id)) {
      const products = await runProducts(tenant, runId);
      files = { photos: new Map(products.map((p) => [p.productId, p.photoFile])), outputs: new Map(products.flatMap((p) => p.outputs.map((o) => [o.id, o.absFile]))) };
      this.runs.delete(key);
      this.runs.set(key, files);
      if (this.runs.size > this.keep) this.runs.delete(this.runs.keys().next().value as string);
    }
    const file = files[kind].get(id);
    if (!file) throw notFound(kind === 'photos' ? `product ${id} in run ${runId}` : `output ${id}`);
    return file;
  }
}

/** The grids' thumbnail: a 240-pixel WebP, through report/'s content-addressed ThumbnailCache (one per tenant). */
const WEB_THUMBNAIL: ThumbnailKind = {
  id: `web-webp@1 ${THUMB_PX}`,
  extension: 'webp',
  make: (source) => sharp(source).rotate().resize({ width: THUMB_PX, height: THUMB_PX, fit: 'inside', withoutEnlargement: true }).webp({ quality: 70 }).toBuffer(),
};

async function thumbnail(caches: Map<string, ThumbnailCache>, tenant: TenantContext, source: string): Promise<Buffer> {
  let cache = caches.get(tenant.id);
  if (!cache) caches.set(tenant.id, (cache = new ThumbnailCache(tenant.hitline.ws.cacheDir)));
  try {
    return await cache.thumbnail(source, WEB_THUMBNAIL);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw notFound('the image file');
    throw err;
  }
}

export function thumbnailRoutes(web: Hono<WebEnv>, deps: WebDeps): void {
  const runFiles = new RunFileIndex();
  const caches = new Map<string, ThumbnailCache>();
  const send = async (c: Context<WebEnv>, source: string) =>
    c.body(new Uint8Array(await thumbnail(caches, c.get('tenant'), source)), 200, { 'Content-Type': 'image/webp', 'Cache-Control': 'private, max-age=3600' });

  web.get('/thumbs/catalog/:productId', signedIn(deps), async (c) => send(c, (await getProduct(c.get('tenant'), c.req.param('productId'))).imagePath));
  web.get('/thumbs/runs/:runId/photos/:productId', signedIn(deps), async (c) => send(c, await runFiles.find(c.get('tenant'), c.req.param('runId'), 'photos', c.req.param('productId'))));
  web.get('/thumbs/uploads/:uploadId/:newId', signedIn(deps), async (c) => {
    const row = (await newProductsOf(c.get('tenant'), c.req.param('uploadId'))).rows.find((r) => r.newId === c.req.param('newId'));
    if (!row) throw notFound(`product ${c.req.param('newId')}`);
    return send(c, row.imagePath);
  });
  web.get('/thumbs/runs/:runId/outputs/:outputId', signedIn(deps), async (c) => send(c, await runFiles.find(c.get('tenant'), c.req.param('runId'), 'outputs', c.req.param('outputId'))));
}
