/**
 * Thumbnails for the grids: a 240-pixel WebP of a catalog image, a new product's photo or an output, made
 * (or an uploaded new product's photo) with sharp on first request and cached in the tenant's workspace (`cache/web-thumbs/`, keyed by the source
 * file, its size and time, so a changed file gets a new one). Files are found by id only, through the
 * same service reads the API uses; a run's files are remembered per run, re-read when an id is missing
 * (a regenerated output), so a grid of 800 thumbnails does not read the run's journal 800 times.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import type { Context, Hono } from 'hono';
import { getProduct } from '../service/catalog/catalog-queries.js';
import { notFound } from '../service/errors.js';
import { runProducts } from '../service/runs/run-view.js';
import type { TenantContext } from '../service/tenants/tenant-contexts.js';
import { writeFileAtomic } from '../util/atomic-write.js';
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

async function thumbnail(tenant: TenantContext, source: string, making: Map<string, Promise<Buffer>>): Promise<Buffer> {
  const st = await stat(source).catch(() => undefined);
  if (!st) throw notFound('the image file');
  const key = createHash('sha256').update(`${source}\0${st.size}\0${st.mtimeMs}\0${THUMB_PX}`).digest('hex').slice(0, 32);
  const cached = path.join(tenant.hitline.ws.cacheDir, 'web-thumbs', key.slice(0, 2), `${key}.webp`);
  const hit = await readFile(cached).catch(() => undefined);
  if (hit) return hit;
  let job = making.get(cached);
  if (!job) {
    job = (async () => {
      const buffer = await sharp(source).rotate().resize({ width: THUMB_PX, height: THUMB_PX, fit: 'inside', withoutEnlargement: true }).webp({ quality: 70 }).toBuffer();
      await mkdir(path.dirname(cached), { recursive: true });
      await writeFileAtomic(cached, buffer);
      return buffer;
    })().finally(() => making.delete(cached));
    making.set(cached, job);
  }
  return job;
}

export function thumbnailRoutes(web: Hono<WebEnv>, deps: WebDeps): void {
  const runFiles = new RunFileIndex();
  const making = new Map<string, Promise<Buffer>>();
  const send = async (c: Context<WebEnv>, source: string) =>
    c.body(new Uint8Array(await thumbnail(c.get('tenant'), source, making)), 200, { 'Content-Type': 'image/webp', 'Cache-Control': 'private, max-age=3600' });

  web.get('/thumbs/catalog/:productId', signedIn(deps), async (c) => send(c, (await getProduct(c.get('tenant'), c.req.param('productId'))).imagePath));
  web.get('/thumbs/runs/:runId/photos/:productId', signedIn(deps), async (c) => send(c, await runFiles.find(c.get('tenant'), c.req.param('runId'), 'photos', c.req.param('productId'))));
  web.get('/thumbs/uploads/:uploadId/:newId', signedIn(deps), async (c) => {
    const row = (await newProductsOf(c.get('tenant'), c.req.param('uploadId'))).rows.find((r) => r.newId === c.req.param('newId'));
    if (!row) throw notFound(`product ${c.req.param('newId')}`);
    return send(c, row.imagePath);
  });
  web.get('/thumbs/runs/:runId/outputs/:outputId', signedIn(deps), async (c) => send(c, await runFiles.find(c.get('tenant'), c.req.param('runId'), 'outputs', c.req.param('outputId'))));
}
