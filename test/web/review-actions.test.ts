/**
 * The review grid's actions in process: an htmx request gets the re-rendered cell, a plain form (no
 * JavaScript) a redirect back to the output; a rejection needs a reason; "needs review" puts failed checks
 * first; a regeneration is "under way" until its output arrives or fails.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoCatalog } from '../../src/demo/index.js';
import type { RunOutput, RunProductView } from '../../src/service/outputs/run-outputs.js';
import { needsReview, pendingRegenerations } from '../../src/web/pages/review.js';
import { importCatalog, jsonBody, newProductsForm, startTestServer, waitForRun, type TestServer } from '../server/helpers.js';
import { signInAs, type WebSessionForTest } from './helpers.js';

let tmp: string;
let ts: TestServer;
let s: WebSessionForTest;
let runId: string;
let outputs: any[];

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'hitline-web-review-'));
  const demo = await buildDemoCatalog(path.join(tmp, 'demo'), { hits: 20, newProducts: 2, seed: 9 });
  ts = await startTestServer(path.join(tmp, 'ws'), ['acme']);
  const key = ts.keys.acme;
  await importCatalog(ts, demo, key);
  const upload = await ts.json('/api/new-products', { method: 'POST', body: await newProductsForm(demo), key });
  runId = (await ts.json('/api/runs', { ...jsonBody({ newProducts: upload.body.id, presets: ['tiktok-feed'], size: '0.5K' }), key })).body.runId;
  await waitForRun(ts, runId, ['finished'], key);
  outputs = (await ts.json(`/api/runs/${runId}/products`, { key })).body.products.flatMap((p: any) => p.outputs);
  s = await signInAs(ts, key);
}, 240_000);

afterAll(async () => {
  await ts?.close();
  await rm(tmp, { recursive: true, force: true });
});

const post = (p: string, fields: Record<string, string>, htmx: boolean) =>
  ts.call(p, { method: 'POST', body: new URLSearchParams({ _csrf: s.csrf, ...fields }), headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: s.cookie, ...(htmx ? { 'hx-request': 'true' } : {}) }, redirect: 'manual' });

describe('review actions from the web app', () => {
  it('answers htmx with the re-rendered cell and a plain form with a redirect to the output', async () => {
    const [a, b] = outputs;
    const cell = await post(`/runs/${runId}/outputs/${a.id}/approve`, {}, true);
    expect(cell.status).toBe(200);
    const html = await cell.text();
    expect(html).toMatch(new RegExp(`^<article class="output review-approved[^"]*" id="o-${a.id}"`));
    expect(html).not.toContain('<html');
    const plain = await post(`/runs/${runId}/outputs/${b.id}/reject`, { reason: 'colour is off' }, false);
    expect(plain.status).toBe(303);
    expect(plain.headers.get('location')).toBe(`/runs/${runId}/review#o-${b.id}`);
    const log = (await ts.json(`/api/runs/${runId}/review`, { key: ts.keys.acme })).body.entries;
    expect(log.map((e: any) => [e.action, e.outputId, e.reason])).toEqual([['approve', a.id, undefined], ['reject', b.id, 'colour is off']]);
  });

  it('refuses a rejection without a reason, in the live region for htmx', async () => {
    const res = await post(`/runs/${runId}/outputs/${outputs[2].id}/reject`, { reason: '  ' }, true);
    expect(res.status).toBe(400);
    expect(res.headers.get('hx-retarget')).toBe('#flash');
    expect(await res.text()).toContain('a rejection needs a reason');
  });

  it('answers 404 for an output of another run or tenant', async () => {
    expect((await post(`/runs/${runId}/outputs/ffffffffffffffffffff/approve`, {}, true)).status).toBe(404);
    expect((await post('/runs/20200101-000000-abcd/outputs/ffffffffffffffffffff/approve', {}, false)).status).toBe(404);
  });
});

describe('the grid\'s order and state', () => {
  const output = (id: string, checkStatus: RunOutput['checkStatus'], state: RunOutput['review']['state']) => ({ id, checkStatus, review: { state } }) as RunOutput;
  const product = (productId: string, outs: RunOutput[]) => ({ productId, outputs: outs }) as RunProductView;

  it('"needs review" keeps products with outputs to review, failed checks first, in run order otherwise', () => {
    const done = product('A', [output('a1', 'passed', 'approved')]);
    const passing = product('B', [output('b1', 'passed', 'pending')]);
    const failing = product('C', [output('c1', 'failed-review', 'pending'), output('c2', 'passed', 'approved')]);
    const failedButRejected = product('D', [output('d1', 'failed-review', 'rejected'), output('d2', 'unchecked', 'pending')]);
    expect(needsReview([done, passing, failing, failedButRejected]).map((p) => p.productId)).toEqual(['C', 'B', 'D']);
  });

  it('counts a regeneration as under way until its output arrives or it fails', () => {
    const e = (action: string, outputId: string, replaces?: string) => ({ time: '', actor: 'k', action, outputId, ...(replaces ? { replaces } : {}) }) as any;
    expect([...pendingRegenerations([e('regenerate', 'x'), e('regenerate', 'y'), e('regenerated', 'x2', 'x'), e('regenerate', 'z'), e('regenerate-failed', 'z')])]).toEqual(['y']);
  });
});
