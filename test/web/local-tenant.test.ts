/**
 * With no tenant configured on a loopback address (one keyless "local" tenant): the web app signs in without
 * a key, and a keyless state-changing API request that another site's page started is refused.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../server/helpers.js';

let tmp: string;
let ts: TestServer;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'hitline-web-local-'));
  ts = await startTestServer(path.join(tmp, 'ws'), []);
});

afterAll(async () => {
  await ts?.close();
  await rm(tmp, { recursive: true, force: true });
});

describe('the local tenant in the web app', () => {
  it('offers to continue without a key, and signs in as "local"', async () => {
    expect(await (await ts.call('/sign-in')).text()).toContain('Continue without a key (local tenant)');
    const res = await ts.call('/sign-in', { method: 'POST', body: new URLSearchParams({ local: '1' }), headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
    expect(res.status).toBe(303);
    const cookie = res.headers.get('set-cookie')!.split(';')[0];
    expect(await (await ts.call('/catalog', { headers: { cookie } })).text()).toContain('Signed in as local (local)');
  });

  it('refuses a keyless state-changing API request started by another site, and takes one from this machine', async () => {
    const body = { method: 'PUT', body: JSON.stringify({ url: 'https://evil.example/h' }) };
    const crossSite = await ts.json('/api/tenant/webhook', { ...body, headers: { 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' } });
    expect(crossSite.status).toBe(403);
    expect(crossSite.body.error.code).toBe('cross_site_refused');
    const otherOrigin = await ts.json('/api/tenant/webhook', { ...body, headers: { 'content-type': 'application/json', origin: 'https://evil.example', host: '127.0.0.1:8787' } });
    expect(otherOrigin.status).toBe(403);
    // A script on this machine (no browser headers) gets through auth: the local tenant has no settings (409).
    expect((await ts.json('/api/tenant/webhook', { ...body, headers: { 'content-type': 'application/json' } })).status).toBe(409);
    expect((await ts.json('/api/tenant', { headers: { 'sec-fetch-site': 'cross-site' } })).status).toBe(200); // reads stay open, as before
  });
});
