/**
 * The web app's guards, in process: the session cookie's flags, sign-in refusals, CSRF refusals on the pages
 * and on the API when called with the session, escaping of catalog text, and a second tenant's session.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoCatalog, type DemoCatalog } from '../../src/demo/index.js';
import { importCatalog, startTestServer, uploadForm, waitFor, type TestServer } from '../server/helpers.js';
import { signInAs, type WebSessionForTest } from './helpers.js';

let tmp: string;
let demo: DemoCatalog;
let ts: TestServer;
let acme: WebSessionForTest;
const EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)>';

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'hitline-web-security-'));
  demo = await buildDemoCatalog(path.join(tmp, 'demo'), { hits: 20, newProducts: 2, seed: 4 });
  ts = await startTestServer(path.join(tmp, 'ws'), ['acme', 'globex']);
  // One more product, whose description carries markup: it must come back as text.
  const lines = (await readFile(demo.catalogCsv, 'utf8')).trim().split('\n');
  const image = lines[1].split(',')[1];
  lines.push(`EVIL1,${image},handbag,beige,classic,winter,100,"${EVIL.replace(/"/g, '""')}",10.00`);
  const started = await ts.json('/api/catalog/imports', { method: 'POST', body: await uploadForm(demo.catalogCsv, demo.imagesDir, { csvText: lines.join('\n') }), key: ts.keys.acme });
  expect(started.status).toBe(202);
  await waitFor('the import', async () => ((await ts.json(`/api/catalog/imports/${started.body.id}`, { key: ts.keys.acme })).body.state === 'finished' ? true : undefined));
  acme = await signInAs(ts, ts.keys.acme);
}, 180_000);

afterAll(async () => {
  await ts?.close();
  await rm(tmp, { recursive: true, force: true });
});

describe('the web app\'s session and CSRF guards', () => {
  it('signs in with a key into an httpOnly, SameSite=Strict session cookie that holds no key', () => {
    expect(acme.setCookie).toMatch(/^hitline_session=[A-Za-z0-9_-]{43};/);
    expect(acme.setCookie).toMatch(/; HttpOnly/);
    expect(acme.setCookie).toMatch(/; SameSite=Strict/);
    expect(acme.setCookie).toMatch(/; Path=\//);
    expect(acme.setCookie).not.toContain(ts.keys.acme);
    expect(acme.setCookie).not.toMatch(/; Secure/); // plain http on loopback; https requests get Secure
  });

  it('marks the cookie Secure when the request came over https', async () => {
    const res = await ts.hitline.app.request('https://shop.example/sign-in', { method: 'POST', body: new URLSearchParams({ key: ts.keys.acme }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.headers.get('set-cookie')).toMatch(/; Secure/);
  });

  it('refuses a wrong key, and a sign-in form posted from another site', async () => {
    const wrong = await ts.call('/sign-in', { method: 'POST', body: new URLSearchParams({ key: 'hl_' + 'x'.repeat(32) }), headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
    expect(wrong.status).toBe(403);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    const crossSite = await ts.call('/sign-in', { method: 'POST', body: new URLSearchParams({ key: ts.keys.acme }), headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' }, redirect: 'manual' });
    expect(crossSite.status).toBe(403);
    expect(crossSite.headers.get('set-cookie')).toBeNull();
  });

  it('sends a page without a session to sign-in, and never follows a `next` off the site', async () => {
    const res = await ts.call('/runs', { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/sign-in?next=%2Fruns');
    const away = await ts.call('/sign-in?next=//evil.example/x', { method: 'POST', body: new URLSearchParams({ key: ts.keys.acme }), headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
    expect(away.headers.get('location')).toBe('/catalog');
  });

  it('refuses a state-changing page request without the session\'s CSRF token', async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded', cookie: acme.cookie };
    const none = await ts.call('/runs/20261204-101500-abcd/bulk-approve', { method: 'POST', body: '', headers: form, redirect: 'manual' });
    expect(none.status).toBe(403);
    expect(await none.text()).toContain('This form is out of date');
    const wrong = await ts.call('/runs/20261204-101500-abcd/bulk-approve', { method: 'POST', body: new URLSearchParams({ _csrf: 'A'.repeat(43) }), headers: form, redirect: 'manual' });
    expect(wrong.status).toBe(403);
    // With the token the request gets through the guard (to a run that does not exist: 404).
    const right = await ts.call('/runs/20261204-101500-abcd/bulk-approve', { method: 'POST', body: new URLSearchParams({ _csrf: acme.csrf }), headers: form, redirect: 'manual' });
    expect(right.status).toBe(404);
  });

  it('lets the API take the session cookie, with the CSRF header on state changes only', async () => {
    expect((await ts.json('/api/tenant', { headers: { cookie: acme.cookie } })).body.id).toBe('acme');
    const refused = await ts.json('/api/tenant/webhook', { method: 'PUT', body: JSON.stringify({ url: 'https://shop.example/h' }), headers: { cookie: acme.cookie, 'content-type': 'application/json' } });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('csrf_refused');
    const allowed = await ts.json('/api/tenant/webhook', { method: 'PUT', body: JSON.stringify({ url: 'https://shop.example/h' }), headers: { cookie: acme.cookie, 'content-type': 'application/json', 'x-csrf-token': acme.csrf } });
    expect(allowed.status).toBe(200);
  });

  it('ends the session when its key is revoked', async () => {
    const { key } = await ts.hitline.registry.add('initech');
    const s = await signInAs(ts, key);
    expect((await ts.call('/catalog', { headers: { cookie: s.cookie }, redirect: 'manual' })).status).toBe(200);
    await ts.hitline.registry.revoke('initech', key.slice(0, 12));
    expect((await ts.call('/catalog', { headers: { cookie: s.cookie }, redirect: 'manual' })).status).toBe(303);
    expect((await ts.json('/api/tenant', { headers: { cookie: s.cookie } })).status).toBe(401);
  });

  it('signs out: the cookie is cleared and the session is gone', async () => {
    const s = await signInAs(ts, ts.keys.acme);
    const out = await ts.call('/sign-out', { method: 'POST', body: new URLSearchParams({ _csrf: s.csrf }), headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: s.cookie }, redirect: 'manual' });
    expect(out.status).toBe(303);
    expect(out.headers.get('set-cookie')).toMatch(/hitline_session=;/);
    expect((await ts.call('/catalog', { headers: { cookie: s.cookie }, redirect: 'manual' })).status).toBe(303);
  });
});

describe('what the pages show', () => {
  it('renders a catalog description with markup as text', async () => {
    const html = await (await ts.call('/catalog', { headers: { cookie: acme.cookie } })).text();
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x');
    const search = await (await ts.call(`/catalog?q=${encodeURIComponent('<script>"')}`, { headers: { cookie: acme.cookie } })).text();
    expect(search).toContain('value="&lt;script&gt;&quot;"');
  });

  it('sends every page with a CSP that allows no inline script and no other origin', async () => {
    const res = await ts.call('/catalog', { headers: { cookie: acme.cookie } });
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    const html = await res.text();
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)/); // every script is a file
    expect(html).not.toMatch(/\sstyle=/);
    expect([...html.matchAll(/(?:src|href)="(https?:)?\/\//g)]).toEqual([]); // nothing from another origin
  });

  it('serves htmx from the npm package and its own app.js and css', async () => {
    const htmx = await ts.call('/assets/htmx.min.js');
    expect(htmx.status).toBe(200);
    expect(await htmx.text()).toBe(await readFile(path.join('node_modules', 'htmx.org', 'dist', 'htmx.min.js'), 'utf8'));
    expect((await ts.call('/assets/app.js')).headers.get('content-type')).toMatch(/javascript/);
    expect((await ts.call('/assets/../package.json')).status).toBe(404);
  });

  it('switches the interface to Chinese and back', async () => {
    const zh = await ts.call('/lang/zh?back=/catalog', { redirect: 'manual' });
    expect(zh.headers.get('location')).toBe('/catalog');
    const lang = zh.headers.get('set-cookie')!.split(';')[0];
    const page = await (await ts.call('/catalog', { headers: { cookie: `${acme.cookie}; ${lang}` } })).text();
    expect(page).toContain('<html lang="zh-CN">');
    expect(page).toContain('商品库');
    expect((await ts.call('/lang/en?back=https://evil.example', { redirect: 'manual' })).headers.get('location')).toBe('/');
  });

  it('shows a second tenant none of the first one\'s catalog', async () => {
    const globex = await signInAs(ts, ts.keys.globex);
    const html = await (await ts.call('/catalog', { headers: { cookie: globex.cookie } })).text();
    expect(html).not.toContain('SKU001');
    expect((await ts.call('/thumbs/catalog/SKU001', { headers: { cookie: globex.cookie } })).status).toBe(404);
    expect((await ts.call('/thumbs/catalog/SKU001', { headers: { cookie: acme.cookie } })).headers.get('content-type')).toBe('image/webp');
  });
});
