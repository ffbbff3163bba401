/**
 * The whole flow over the API, offline, twice: in process (app.request) and over a real loopback port: upload a catalog, list and search it,
 * match a photo, upload new products, a dry run, a run with two presets watched over Server-Sent Events,
 * its outputs with checks, brief and cost, review (approve, reject with a reason, regenerate, bulk
 * approve) and the per-preset export zip with its manifest.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoCatalog, type DemoCatalog } from '../../src/demo/index.js';
import { importCatalog, jsonBody, newProductsForm, readEvents, startTestServer, waitFor, type TestServer, type Transport } from './helpers.js';
import { zipEntries } from './zip-helpers.js';

let tmp: string;
let demo: DemoCatalog;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'hitline-api-flow-'));
  demo = await buildDemoCatalog(path.join(tmp, 'demo'), { hits: 20, newProducts: 2, seed: 5 });
});

afterAll(() => rm(tmp, { recursive: true, force: true }));

describe.each<Transport>(['in-process', 'listening'])('the API, end to end (%s)', { timeout: 240_000 }, (transport) => {
  let ts: TestServer;
  let key: string;
  let runId: string;
  let products: any[];

  beforeAll(async () => {
    ts = await startTestServer(path.join(tmp, transport), ['acme'], { listen: transport === 'listening' });
    ts.transport = transport;
    key = ts.keys.acme;
  });

  afterAll(() => ts.close());

  it('imports a catalog upload with the CLI\'s ingest, then lists, gets, serves and searches it', async () => {
    const done = await importCatalog(ts, demo, key);
    expect(done.state).toBe('finished');
    expect(done.report).toMatchObject({ rowsRead: demo.hitCount, added: demo.hitCount, embedded: demo.hitCount, problems: [] });
    const page = await ts.json('/api/catalog/products?limit=5&offset=5', { key });
    expect(page.body.total).toBe(demo.hitCount);
    expect(page.body.items).toHaveLength(5);
    const first = page.body.items[0];
    expect(first).not.toHaveProperty('imagePath');
    const one = await ts.json(`/api/catalog/products/${first.id}`, { key });
    expect(one.body).toEqual(first);
    const image = await ts.call(first.imageUrl, { key });
    expect(image.headers.get('content-type')).toBe('image/jpeg');
    expect((await sharp(Buffer.from(await image.arrayBuffer())).metadata()).format).toBe('jpeg');
    const filtered = await ts.json(`/api/catalog/products?category=${first.category}&limit=100`, { key });
    expect(filtered.body.items.every((p: any) => p.category === first.category)).toBe(true);
    const search = await ts.json('/api/catalog/search?q=floral%20midi%20dress', { key });
    expect(search.body.mode).toMatch(/^keywords only/);
    expect(search.body.results[0].product.category).toBe('midi_dress');
    // The least-sold product goes: it is gone from the list and answers 404.
    const all = (await ts.json('/api/catalog/products?limit=500', { key })).body.items;
    const gone = all.reduce((a: any, b: any) => (a.salesCount < b.salesCount ? a : b));
    expect(gone.salesCount).toBeLessThan(1500); // below every match's filter, so the rest of the flow is unchanged
    expect((await ts.call(`/api/catalog/products/${gone.id}`, { method: 'DELETE', key })).status).toBe(204);
    expect((await ts.json(`/api/catalog/products/${gone.id}`, { key })).status).toBe(404);
    expect((await ts.json('/api/catalog/products', { key })).body.total).toBe(demo.hitCount - 1);
  });

  it('matches one photo synchronously: same-category hits with each leg\'s rank', async () => {
    const [, row] = (await readFile(demo.newCsv, 'utf8')).trim().split('\n');
    const [id, file, category] = row.split(',');
    const form = new FormData();
    form.append('image', new Blob([await readFile(path.join(demo.newImagesDir, file))]), file);
    form.append('category', category);
    form.append('minSales', '0');
    form.append('newId', id);
    const res = await ts.json('/api/match', { method: 'POST', body: form, key });
    expect(res.status).toBe(200);
    expect(res.body.newId).toBe(id);
    expect(res.body.hits.length).toBe(3);
    expect(res.body.hits.map((h: any) => h.rank)).toEqual([1, 2, 3]);
    // What the query became and which leg brought each hit, as `hitline match --json` shows them.
    expect(res.body.query.fusion).toBe('weighted-rrf: dense 1, keyword auto, text 1, neighbours 1 (3 hits, 2 votes), style 1, focus boost 4; 100 per leg, k 60');
    const legs = res.body.query.legs.map((l: { leg: string }) => l.leg);
    expect(legs[0]).toBe('dense');
    for (const h of res.body.hits) {
      expect(h.product.category).toBe(category);
      expect(Object.keys(h.ranks)).toEqual(legs);
      expect(Object.values(h.ranks).some((r) => r !== null)).toBe(true);
      expect(h.ranks.dense ?? null).toBe(h.denseRank);
    }
  });

  it('runs two presets for uploaded new products, after a dry run, with live events', async () => {
    const upload = await ts.json('/api/new-products', { method: 'POST', body: await newProductsForm(demo), key });
    expect(upload.status).toBe(201);
    expect(upload.body).toMatchObject({ kind: 'new-products', rows: demo.newCount, problems: [] });
    const body = { newProducts: upload.body.id, presets: ['amazon-main', 'tiktok-feed'], size: '1K' };
    const plan = await ts.json('/api/runs?dryRun=true', { ...jsonBody(body), key });
    expect(plan.status).toBe(200);
    expect(plan.body).toMatchObject({ products: demo.newCount, estimatedUsd: 0 });
    expect((await ts.json('/api/runs', { key })).body.runs).toEqual([]); // the dry run made nothing

    const created = await ts.json('/api/runs', { ...jsonBody(body), key });
    expect(created.status).toBe(201);
    runId = created.body.runId;
    expect(created.headers.get('location')).toBe(`/api/runs/${runId}`);
    const events = await readEvents(await ts.call(`/api/runs/${runId}/events`, { key }));
    const ids = events.map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(events.filter((e) => e.event === 'product-done')).toHaveLength(demo.newCount);
    expect(events.at(-1)!.data).toMatchObject({ type: 'run-status', status: 'finished' });
    // Reconnecting with Last-Event-ID replays only what came after it.
    const later = await readEvents(await ts.call(`/api/runs/${runId}/events`, { key, headers: { 'last-event-id': String(ids.at(-3)) } }));
    expect(later.map((e) => e.id)).toEqual(ids.slice(-2));

    const status = await ts.json(`/api/runs/${runId}`, { key });
    expect(status.body).toMatchObject({ status: 'finished', totals: { products: demo.newCount, done: demo.newCount, failed: 0 }, sessions: 1 });
    for (const p of status.body.products) expect(p.stages).toEqual({ match: 'done', analyze: 'done', generate: 'done', presets: 'done' });
  });

  it('lists each product\'s outputs with checks, brief and cost, and serves their files', async () => {
    const res = await ts.json(`/api/runs/${runId}/products`, { key });
    products = res.body.products;
    expect(products).toHaveLength(demo.newCount);
    expect(JSON.stringify(res.body)).not.toContain(tmp); // no server path leaves the API
    for (const p of products) {
      expect(p.brief.prompt.length).toBeGreaterThan(0);
      expect(p.hits.length).toBeGreaterThan(0);
      expect(p.cost).toEqual({ usd: 0, calls: 0 });
      expect(p.outputs.map((o: any) => o.preset).sort()).toEqual(['amazon-main', 'promo', 'tiktok-feed']);
      const main = p.outputs.find((o: any) => o.preset === 'amazon-main');
      expect(main).toMatchObject({ width: 2000, height: 2000, aiMetadata: 'algorithmicallyEnhanced' });
      expect(main.checks.map((c: any) => c.check)).toEqual(expect.arrayContaining(['size', 'white-background', 'fill']));
      expect(p.outputs.find((o: any) => o.preset === 'promo')).toMatchObject({ checks: null, checkStatus: 'unchecked' });
    }
    const feed = products[0].outputs.find((o: any) => o.preset === 'tiktok-feed');
    const file = await ts.call(feed.url, { key });
    expect(file.headers.get('content-type')).toBe('image/jpeg');
    expect(await sharp(Buffer.from(await file.arrayBuffer())).metadata()).toMatchObject({ width: 1080, height: 1440 });
  });

  it('reviews: approve, reject with a reason, regenerate, bulk approve; exports hold approved outputs unless asked', async () => {
    const feeds = products.map((p) => p.outputs.find((o: any) => o.preset === 'tiktok-feed'));
    expect((await ts.json(`/api/runs/${runId}/outputs/${feeds[0].id}/approve`, { method: 'POST', key })).body.review).toMatchObject({ state: 'approved', actor: key.slice(0, 12) });
    const rejected = await ts.json(`/api/runs/${runId}/outputs/${feeds[1].id}/reject`, { ...jsonBody({ reason: 'label shows through' }), key });
    expect(rejected.body.review).toMatchObject({ state: 'rejected', reason: 'label shows through' });
    expect((await ts.json(`/api/runs/${runId}/outputs/${feeds[1].id}/reject`, { ...jsonBody({}), key })).status).toBe(400);

    expect((await ts.json(`/api/runs/${runId}/outputs/${feeds[1].id}/regenerate`, { ...jsonBody({}), key })).status).toBe(202);
    const regenerated = await waitFor('the regenerated output', async () => {
      const p = (await ts.json(`/api/runs/${runId}/products`, { key })).body.products[1];
      return p.outputs.find((o: any) => o.regeneratedFrom === feeds[1].id);
    });
    expect(regenerated).toMatchObject({ preset: 'tiktok-feed', variant: 2, file: 'tiktok-feed-2.jpg', review: { state: 'pending' } });
    expect(regenerated.checks.length).toBeGreaterThan(0);
    const main = products[0].outputs.find((o: any) => o.preset === 'amazon-main');
    const escalate = await ts.json(`/api/runs/${runId}/outputs/${main.id}/regenerate`, { ...jsonBody({ escalate: true }), key });
    expect(escalate.status).toBe(202); // queued; offline there is no escalation model, which the run's events say
    await waitFor('the refusal note', async () => {
      const events = await readEvents(await ts.call(`/api/runs/${runId}/events?after=0`, { key }));
      return events.find((e) => e.event === 'note' && /no escalation model/.test(e.data.message));
    });
    const failed = (await ts.json(`/api/runs/${runId}/review`, { key })).body.entries.find((e: any) => e.action === 'regenerate-failed');
    expect(failed).toMatchObject({ outputId: main.id, reason: expect.stringMatching(/no escalation model/) });

    const bulk = await ts.json(`/api/runs/${runId}/review/bulk-approve`, { method: 'POST', key });
    const passedPending = products.flatMap((p) => p.outputs).filter((o: any) => o.checkStatus === 'passed' && o.id !== feeds[0].id && o.id !== feeds[1].id);
    expect(bulk.body.approved.sort()).toEqual([...passedPending.map((o: any) => o.id), ...(regenerated.checkStatus === 'passed' ? [regenerated.id] : [])].sort());

    const zip = await zipEntries(Buffer.from(await (await ts.call(`/api/runs/${runId}/exports/tiktok-feed`, { key })).arrayBuffer()));
    const manifest = JSON.parse(zip.get('manifest.json')!.toString());
    expect(manifest.approvedOnly).toBe(true);
    expect(manifest.files.every((f: any) => f.review === 'approved' && f.preset === 'tiktok-feed')).toBe(true);
    expect(manifest.files.map((f: any) => f.file)).not.toContain(`${products[1].productId}/tiktok-feed-1.jpg`); // rejected
    for (const f of manifest.files) {
      expect(zip.get(f.file)!.length).toBe(f.bytes);
      expect(f).toMatchObject({ width: 1080, height: 1440, checks: 'passed', aiMetadata: expect.any(String) });
    }
    expect(zip.get('manifest.csv')!.toString().split('\r\n')[0]).toBe('product,preset,file,width,height,bytes,checks,failedChecks,aiMetadata,review');
    const all = await zipEntries(Buffer.from(await (await ts.call(`/api/runs/${runId}/exports/tiktok-feed?include=all&layout=flat`, { key })).arrayBuffer()));
    expect([...all.keys()].filter((n) => n.endsWith('.jpg')).sort()).toEqual(
      [...products.map((p) => `${p.productId}_tiktok-feed-1.jpg`), `${products[1].productId}_tiktok-feed-2.jpg`].sort(),
    );
    expect((await ts.json(`/api/runs/${runId}/exports/etsy-listing`, { key })).status).toBe(400);
  });

  it('keeps every review action with its time and actor, and the spend per run and tenant', async () => {
    const log = (await ts.json(`/api/runs/${runId}/review`, { key })).body.entries;
    expect(log.map((e: any) => e.action)).toEqual(expect.arrayContaining(['approve', 'reject', 'regenerate', 'regenerated']));
    for (const e of log) expect(e).toMatchObject({ actor: key.slice(0, 12), time: expect.stringMatching(/^\d{4}-/) });
    expect((await ts.json(`/api/runs/${runId}/cost`, { key })).body.total.calls).toBe(0);
    const cost = await ts.json('/api/cost', { key });
    expect(cost.body).toMatchObject({ month: new Date().toISOString().slice(0, 7), allTime: { cost: 0 } });
  });
});
