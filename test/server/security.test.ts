/**
 * Security over the API: keys (401s, revocation taking effect at once, never echoed or logged), the
 * per-key rate limit, security headers and the docs page, CORS off by default, the local tenant only
 * without tenants and on loopback, content types from the bytes.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHitlineServer } from '../../src/server/hitline-server.js';
import { silentLogger } from '../../src/service/log.js';
import { imageBytes } from '../catalog/fixtures.js';
import { jsonBody, startTestServer, uploadForm, waitFor, type TestServer } from './helpers.js';

let tmp: string;
let ts: TestServer;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'hitline-security-'));
  ts = await startTestServer(path.join(tmp, 'ws'), ['acme', 'other']);
});

afterAll(async () => {
  await ts.close();
  await rm(tmp, { recursive: true, force: true });
});

describe('API keys', () => {
  it('needs a valid key once tenants exist, and says so without saying which part was wrong', async () => {
    for (const auth of [undefined, 'Bearer hl_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'Basic abc', `Bearer ${ts.keys.acme}x`]) {
      const res = await ts.json('/api/tenant', { headers: auth ? { authorization: auth } : {} });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="hitline"');
    }
  });

  it('takes a revoked key away on the next request', async () => {
    const registry = ts.hitline.registry;
    const { key } = await registry.rotate('other', 60);
    expect((await ts.json('/api/tenant', { key })).status).toBe(200);
    await registry.revoke('other', key.slice(0, 12));
    expect((await ts.json('/api/tenant', { key })).status).toBe(401);
    expect((await ts.json('/api/tenant', { key: ts.keys.other })).status).toBe(200); // still in its grace period
  });

  it('never shows a key in an answer or the log, even one pasted into a field', async () => {
    const key = ts.keys.acme;
    const res = await ts.json('/api/runs', { ...jsonBody({ newProducts: key }), key });
    expect(res.status).toBe(404);
    expect(JSON.stringify(res.body)).not.toContain(key);
    expect(JSON.stringify(res.body)).toContain('[redacted]');
    await ts.json(`/api/runs/${key}`, { key });
    const log = ts.log.join('\n');
    expect(log).not.toContain(key);
    expect(log).not.toContain(ts.keys.other);
    expect(log).toContain(`"key":"${key.slice(0, 12)}"`);
  });
});

describe('rate limit', () => {
  it('answers 429 with Retry-After past the burst, per key', async () => {
    const slow = await startTestServer(path.join(tmp, 'slow'), ['one', 'two'], { limits: { ratePerSecond: 2, rateBurst: 4 } });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await slow.call('/api/tenant', { key: slow.keys.one })).status);
    expect(statuses.slice(0, 4)).toEqual([200, 200, 200, 200]);
    expect(statuses).toContain(429);
    const limited = await slow.call('/api/tenant', { key: slow.keys.one });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await slow.call('/api/tenant', { key: slow.keys.two })).status).toBe(200);
    await slow.close();
  });
});

describe('headers, docs and CORS', () => {
  it('serves an OpenAPI 3.1 document and a docs page of every route, under strict security headers', async () => {
    const doc = (await ts.json('/openapi.json')).body;
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    const docs = await ts.call('/docs');
    const html = await docs.text();
    expect(docs.headers.get('content-type')).toMatch(/^text\/html/);
    expect(docs.headers.get('content-security-policy')).toMatch(/default-src 'none'.*frame-ancestors 'none'/);
    expect(docs.headers.get('x-content-type-options')).toBe('nosniff');
    expect(docs.headers.get('referrer-policy')).toBe('no-referrer');
    expect(docs.headers.get('x-frame-options')).toBe('DENY');
    expect(html).not.toMatch(/<script|https?:\/\/(?!127)/);
    for (const route of Object.keys(doc.paths)) expect(html).toContain(`<code>${route}</code>`);
    expect((await ts.call('/docs.css')).headers.get('content-type')).toMatch(/^text\/css/);
  });

  it('sends no CORS headers unless an origin is configured', async () => {
    const res = await ts.call('/api/tenant', { key: ts.keys.other, headers: { origin: 'https://evil.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await ts.call('/api/tenant', { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const withCors = openHitlineServer({ workspace: path.join(tmp, 'cors'), allowLocalTenant: true, offline: true, logger: silentLogger, corsOrigin: 'https://shop.example' });
    const allowed = await withCors.app.request('/api/tenant', { headers: { origin: 'https://shop.example' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    await withCors.close();
  });
});

describe('the local tenant', () => {
  it('serves requests without a key only while no tenant exists, and a non-loopback server refuses to start without tenants', async () => {
    const root = path.join(tmp, 'local');
    const local = openHitlineServer({ workspace: root, allowLocalTenant: true, offline: true, logger: silentLogger });
    await local.start();
    expect(await (await local.app.request('/api/tenant')).json()).toMatchObject({ id: 'local' });
    await local.registry.add('acme');
    expect((await local.app.request('/api/tenant')).status).toBe(401);
    await local.close();
    const exposed = openHitlineServer({ workspace: path.join(tmp, 'exposed'), allowLocalTenant: false, offline: true, logger: silentLogger });
    await expect(exposed.start()).rejects.toThrow(/only runs on a loopback address/);
    await exposed.close();
  });
});

describe('content types', () => {
  it('serves an image with the type its bytes say, not its name', async () => {
    const dir = path.join(tmp, 'png-named-jpg');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'P01.jpg'), await imageBytes('png', 96, 96));
    await writeFile(path.join(dir, 'products.csv'), 'product_id,image_path,category,sales_count\nP01,P01.jpg,dress,2000\n');
    const key = ts.keys.other;
    const started = await ts.json('/api/catalog/imports', { method: 'POST', body: await uploadForm(path.join(dir, 'products.csv'), dir, { only: ['P01.jpg'] }), key });
    await waitFor('import', async () => ((await ts.json(`/api/catalog/imports/${started.body.id}`, { key })).body.state === 'finished' ? true : undefined));
    const image = await ts.call('/api/catalog/products/P01/image', { key });
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(image.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
