/**
 * Tenant isolation on every route. Tenant alpha has a catalog, an upload, a finished run with outputs, a
 * review, a webhook and a preset of its own; tenant beta, with its own catalog, tries each route of the
 * OpenAPI document with alpha's ids and gets 404, and its lists, searches and matches hold none of
 * alpha's data, in process and over a real loopback port. The route list comes from /openapi.json: a new
 * route without a case here fails the test.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoCatalog, type DemoCatalog } from '../../src/demo/index.js';
import { jsonBody, newProductsForm, startTestServer, uploadForm, waitFor, waitForRun, type TestServer } from './helpers.js';

let tmp: string;
let demo: DemoCatalog;
let ts: TestServer;
const alpha: Record<string, string> = {};
let beta: string;
let betaRun: string;

async function imported(key: string, form: FormData): Promise<string> {
  const started = await ts.json('/api/catalog/imports', { method: 'POST', body: form, key });
  await waitFor('import', async () => ((await ts.json(`/api/catalog/imports/${started.body.id}`, { key })).body.state === 'finished' ? true : undefined));
  return started.body.id;
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'hitline-isolation-'));
  demo = await buildDemoCatalog(path.join(tmp, 'demo'), { hits: 20, newProducts: 1, seed: 9 });
  ts = await startTestServer(path.join(tmp, 'ws'), ['alpha', 'beta'], { listen: true });
  const a = ts.keys.alpha;
  beta = ts.keys.beta;
  alpha.importId = await imported(a, await uploadForm(demo.catalogCsv, demo.imagesDir));
  // Beta's catalog: the same photos under other ids, so any alpha id it can see is a leak.
  await imported(beta, await uploadForm(demo.catalogCsv, demo.imagesDir, { csvText: (await readFile(demo.catalogCsv, 'utf8')).replace(/^SKU/gm, 'BETA') }));
  await writeFile(path.join(ts.workspace, 'tenants', 'alpha', 'presets.json'), JSON.stringify({ presets: { 'alpha-secret': { width: 1350, height: 1800, format: 'jpeg', source: 'generated', maxFileMB: 3, text: 'none' } } }));
  const upload = await ts.json('/api/new-products', { method: 'POST', body: await newProductsForm(demo), key: a });
  alpha.uploadId = upload.body.id;
  alpha.idempotencyKey = 'alpha-run-1';
  alpha.body = JSON.stringify({ newProducts: alpha.uploadId, presets: ['tiktok-feed'], size: '1K' });
  const run = await ts.json('/api/runs', { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': alpha.idempotencyKey }, body: alpha.body, key: a });
  alpha.runId = run.body.runId;
  await waitForRun(ts, alpha.runId, ['finished'], a);
  const product = (await ts.json(`/api/runs/${alpha.runId}/products`, { key: a })).body.products[0];
  alpha.productId = product.productId;
  alpha.outputId = product.outputs.find((o: any) => o.preset === 'tiktok-feed').id;
  await ts.json(`/api/runs/${alpha.runId}/outputs/${alpha.outputId}/approve`, { method: 'POST', key: a });
  await ts.json('/api/tenant/webhook', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url: 'http://127.0.0.1:9/alpha' }), key: a });
  alpha.catalogId = (await ts.json('/api/catalog/products?limit=1', { key: a })).body.items[0].id;
  const betaUpload = await ts.json('/api/new-products', { method: 'POST', body: await newProductsForm(demo), key: beta });
  betaRun = (await ts.json('/api/runs', { ...jsonBody({ newProducts: betaUpload.body.id, size: '1K' }), key: beta })).body.runId;
  await waitForRun(ts, betaRun, ['finished'], beta);
}, 400_000);

afterAll(async () => {
  await ts.close();
  await rm(tmp, { recursive: true, force: true });
});

const asBeta = (p: string, init: RequestInit = {}) => ts.json(p, { ...init, key: beta });
const asAlpha = (p: string, init: RequestInit = {}) => ts.json(p, { ...init, key: ts.keys.alpha });
const notFound = async (p: string, init: RequestInit = {}) => {
  const res = await asBeta(p, init);
  expect(res.status, `${init.method ?? 'GET'} ${p}`).toBe(404);
  expect(res.body.error.code).toBe('not_found');
  expect(JSON.stringify(res.body)).not.toContain('alpha'); // the id asked for is echoed, nothing else of alpha's
};
const leaksNothing = (body: unknown) => expect(JSON.stringify(body)).not.toMatch(new RegExp(`SKU|${alpha.runId}|${alpha.uploadId}|alpha`));
const run = () => `/api/runs/${alpha.runId}`;
const output = () => `${run()}/outputs/${alpha.outputId}`;

/** One case per route of the OpenAPI document, keyed "METHOD /path". */
const CASES: Record<string, () => Promise<void>> = {
  'GET /healthz': async () => expect((await asBeta('/healthz')).status).toBe(200),
  'GET /readyz': async () => leaksNothing((await asBeta('/readyz')).body),
  // Counts of the whole queue, no tenant's data (this server runs in process: no queue).
  'GET /api/queue': async () => expect((await asBeta('/api/queue')).body).toEqual({ mode: 'in-process' }),
  'GET /api/tenant': async () => expect((await asBeta('/api/tenant')).body).toEqual({ id: 'beta', keyPrefix: beta.slice(0, 12), settings: {} }),
  'PUT /api/tenant/webhook': async () => {
    await asBeta('/api/tenant/webhook', { ...jsonBody({ url: 'http://127.0.0.1:9/beta' }), method: 'PUT' });
    expect((await asAlpha('/api/tenant')).body.settings.webhook.url).toBe('http://127.0.0.1:9/alpha');
  },
  'DELETE /api/tenant/webhook': async () => {
    expect((await asBeta('/api/tenant/webhook', { method: 'DELETE' })).status).toBe(204);
    expect((await asAlpha('/api/tenant')).body.settings.webhook.url).toBe('http://127.0.0.1:9/alpha');
  },
  'POST /api/catalog/imports': async () => {
    const form = await uploadForm(demo.catalogCsv, demo.imagesDir, { csvText: 'product_id,image_path,category,sales_count\nBETA900,SKU001.jpg,x,1\n', only: [] });
    expect((await asBeta('/api/catalog/imports', { method: 'POST', body: form })).status).toBe(202);
    expect((await asAlpha('/api/catalog/products')).body.total).toBe(demo.hitCount);
  },
  'GET /api/catalog/imports/{importId}': () => notFound(`/api/catalog/imports/${alpha.importId}`),
  'GET /api/catalog/products': async () => leaksNothing((await asBeta('/api/catalog/products?limit=500')).body),
  'GET /api/catalog/products/{productId}': () => notFound(`/api/catalog/products/${alpha.catalogId}`),
  'DELETE /api/catalog/products/{productId}': async () => {
    await notFound(`/api/catalog/products/${alpha.catalogId}`, { method: 'DELETE' });
    expect((await asAlpha(`/api/catalog/products/${alpha.catalogId}`)).status).toBe(200);
  },
  'GET /api/catalog/products/{productId}/image': () => notFound(`/api/catalog/products/${alpha.catalogId}/image`),
  'GET /api/catalog/search': async () => {
    const res = await asBeta('/api/catalog/search?q=dress%20cardigan%20sneakers%20handbag&top=200');
    expect(res.body.results.length).toBeGreaterThan(0);
    leaksNothing(res.body);
  },
  'POST /api/match': async () => {
    const [, row] = (await readFile(demo.newCsv, 'utf8')).trim().split('\n');
    const [, file, category] = row.split(',');
    const form = new FormData();
    form.append('image', new Blob([await readFile(path.join(demo.newImagesDir, file))]), file);
    form.append('category', category);
    form.append('minSales', '0');
    const res = await asBeta('/api/match', { method: 'POST', body: form });
    expect(res.body.hits.length).toBeGreaterThan(0);
    leaksNothing(res.body);
  },
  'POST /api/new-products': async () => {
    expect((await asBeta('/api/new-products', { method: 'POST', body: await newProductsForm(demo) })).status).toBe(201);
    leaksNothing((await asBeta('/api/runs')).body);
  },
  'GET /api/new-products/{uploadId}': () => notFound(`/api/new-products/${alpha.uploadId}`),
  'GET /api/presets': async () => {
    expect((await asAlpha('/api/presets')).body.presets.map((p: any) => p.id)).toContain('alpha-secret');
    expect((await asBeta('/api/presets')).body.presets.map((p: any) => p.id)).not.toContain('alpha-secret');
  },
  'POST /api/runs': async () => {
    // Alpha's upload, even with alpha's own Idempotency-Key and body: not found, never alpha's run.
    await notFound('/api/runs', { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': alpha.idempotencyKey }, body: alpha.body });
    await notFound('/api/runs?dryRun=true', { method: 'POST', headers: { 'content-type': 'application/json' }, body: alpha.body });
  },
  'GET /api/runs': async () => {
    const res = await asBeta('/api/runs');
    expect(res.body.runs.map((r: any) => r.runId)).toContain(betaRun);
    leaksNothing(res.body);
  },
  'GET /api/runs/{runId}': () => notFound(run()),
  'POST /api/runs/{runId}/cancel': () => notFound(`${run()}/cancel`, { method: 'POST' }),
  'POST /api/runs/{runId}/resume': () => notFound(`${run()}/resume`, { ...jsonBody({}) }),
  'GET /api/runs/{runId}/cost': () => notFound(`${run()}/cost`),
  'GET /api/runs/{runId}/events': () => notFound(`${run()}/events`),
  'GET /api/runs/{runId}/products': () => notFound(`${run()}/products`),
  'GET /api/runs/{runId}/products/{productId}/photo': () => notFound(`${run()}/products/${alpha.productId}/photo`),
  'GET /api/runs/{runId}/outputs/{outputId}/file': async () => {
    await notFound(`${output()}/file`);
    await notFound(`/api/runs/${betaRun}/outputs/${alpha.outputId}/file`); // beta's own run, alpha's output id
  },
  'POST /api/runs/{runId}/outputs/{outputId}/approve': () => notFound(`${output()}/approve`, { method: 'POST' }),
  'POST /api/runs/{runId}/outputs/{outputId}/reject': () => notFound(`${output()}/reject`, jsonBody({ reason: 'x' })),
  'POST /api/runs/{runId}/outputs/{outputId}/regenerate': () => notFound(`${output()}/regenerate`, jsonBody({})),
  'POST /api/runs/{runId}/review/bulk-approve': () => notFound(`${run()}/review/bulk-approve`, { method: 'POST' }),
  'GET /api/runs/{runId}/review': () => notFound(`${run()}/review`),
  'GET /api/runs/{runId}/exports/{preset}': () => notFound(`${run()}/exports/tiktok-feed?include=all`),
  'GET /api/cost': async () => leaksNothing((await asBeta('/api/cost')).body),
};

describe('tenant isolation', { timeout: 240_000 }, () => {
  it('has a case for every route of the OpenAPI document, and no case for a route that is gone', async () => {
    const doc = (await ts.json('/openapi.json')).body;
    const routes = Object.entries<Record<string, unknown>>(doc.paths).flatMap(([p, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${p}`));
    expect(routes.sort()).toEqual(Object.keys(CASES).sort());
  });

  const cases = Object.keys(CASES).flatMap((route) => (['in-process', 'listening'] as const).map((transport) => [route, transport] as const));
  it.each(cases)('%s (%s): beta never reaches alpha\'s data', async (route, transport) => {
    ts.transport = transport;
    await CASES[route]();
  });

  it('left alpha\'s run, review and outputs as they were', async () => {
    ts.transport = 'in-process';
    const review = (await asAlpha(`${run()}/review`)).body.entries;
    expect(review.map((e: any) => e.action)).toEqual(['approve']);
    expect((await asAlpha(run())).body.status).toBe('finished');
  });
});
