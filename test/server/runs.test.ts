/**
 * Runs through the cloud path (the fake OpenRouter, with latency so a run can be caught mid-way):
 * Idempotency-Key, cancel (calls in flight finish and are kept, nothing new starts) then resume (the run
 * finishes and no answered paid call is sent again), and the budget stop.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoCatalog, type DemoCatalog } from '../../src/demo/index.js';
import { startOpenRouterFake, type OpenRouterFake } from '../fakes/openrouter-fake.js';
import { importCatalog, jsonBody, newProductsForm, startTestServer, waitFor, waitForRun, type TestServer } from './helpers.js';

const OPENROUTER_KEY = 'sk-or-v1-runs-test-SECRET-4b1d';
const ESCALATION_MODEL = 'google/gemini-3-pro-image-preview';
let tmp: string;
let demo: DemoCatalog;
let fake: OpenRouterFake;
let ts: TestServer;
let key: string;
let uploadId: string;
let firstRun: string;
/** New products no earlier run has analyzed (their photos and fields differ), for the cancel test. */
let freshUploadId: string;

/** Paid requests the fake answered, by a hash of their body. */
const answered = (from = 0) => fake.requests.slice(from).filter((r) => r.endpoint !== 'models' && r.status === 200).map((r) => createHash('sha256').update(JSON.stringify(r.body)).digest('hex'));

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'hitline-api-runs-'));
  demo = await buildDemoCatalog(path.join(tmp, 'demo'), { hits: 20, newProducts: 6, seed: 11 });
  fake = await startOpenRouterFake({ apiKey: OPENROUTER_KEY, imageStyle: 'solid', dimension: 2048 });
  // The tenant's own config: the Pro model as the escalation model for "regenerate with escalation".
  await mkdir(path.join(tmp, 'ws', 'tenants', 'acme'), { recursive: true });
  await writeFile(path.join(tmp, 'ws', 'tenants', 'acme', 'config.json'), JSON.stringify({ escalationModel: ESCALATION_MODEL }));
  ts = await startTestServer(path.join(tmp, 'ws'), ['acme'], { offline: false, env: { OPENROUTER_API_KEY: OPENROUTER_KEY, OPENROUTER_BASE_URL: fake.baseUrl } });
  key = ts.keys.acme;
  await importCatalog(ts, demo, key);
  uploadId = (await ts.json('/api/new-products', { method: 'POST', body: await newProductsForm(demo), key })).body.id;
  const other = await buildDemoCatalog(path.join(tmp, 'demo2'), { hits: 20, newProducts: 4, seed: 12 });
  freshUploadId = (await ts.json('/api/new-products', { method: 'POST', body: await newProductsForm(other), key })).body.id;
}, 300_000);

afterAll(async () => {
  await ts.close();
  await fake.stop();
  await rm(tmp, { recursive: true, force: true });
});

describe('runs over the API', { timeout: 240_000 }, () => {
  it('honours Idempotency-Key: the same key and body give the same run, another body a 409', async () => {
    fake.configure({ latencyMs: {} });
    const body = { newProducts: uploadId, size: '1K', variants: 1 }; // 1K: the escalation model below makes no 0.5K
    const headers = { 'idempotency-key': 'order-7781' };
    const [a, b] = await Promise.all([ts.json('/api/runs', { ...jsonBody(body, headers), key }), ts.json('/api/runs', { ...jsonBody(body, headers), key })]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    expect(a.body.runId).toBe(b.body.runId);
    const replay = await ts.json('/api/runs', { ...jsonBody(body, headers), key });
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body.runId).toBe(a.body.runId);
    const other = await ts.json('/api/runs', { ...jsonBody({ ...body, variants: 2 }, headers), key });
    expect(other.status).toBe(409);
    expect(other.body.error.message).toMatch(/different request body/);
    expect((await ts.json('/api/runs', { key })).body.runs).toHaveLength(1);
    const done = await waitForRun(ts, a.body.runId, ['finished'], key);
    expect(done.spentUsd).toBeGreaterThan(0);
    firstRun = a.body.runId;
  });

  it('regenerates an output with the escalation model the tenant configured', async () => {
    const product = (await ts.json(`/api/runs/${firstRun}/products`, { key })).body.products[0];
    const promo = product.outputs[0];
    const before = fake.requests.length;
    expect((await ts.json(`/api/runs/${firstRun}/outputs/${promo.id}/regenerate`, { ...jsonBody({ escalate: true }), key })).status).toBe(202);
    const made = await waitFor('the escalated output', async () => {
      const p = (await ts.json(`/api/runs/${firstRun}/products`, { key })).body.products[0];
      return p.outputs.find((o: any) => o.regeneratedFrom === promo.id);
    });
    expect(made).toMatchObject({ preset: 'promo', variant: 2, file: 'promo-2.png' });
    const generations = fake.requests.slice(before).filter((r) => r.body?.modalities);
    expect(generations.map((r) => r.body.model)).toEqual([ESCALATION_MODEL]);
    const cost = (await ts.json(`/api/runs/${firstRun}/cost`, { key })).body;
    expect(cost.byModel[ESCALATION_MODEL].calls).toBe(1); // booked to the run in the ledger
  });

  it('cancels a running run (calls in flight finish and are kept), then resumes it without paying again', async () => {
    fake.configure({ latencyMs: { chat: 700 } });
    const firstRequest = fake.requests.length;
    const created = await ts.json('/api/runs', { ...jsonBody({ newProducts: freshUploadId, size: '1K' }), key });
    const runId = created.body.runId;
    // Cancel as soon as the first analysis starts: analyses in flight finish and are kept, no generation starts.
    const events = await ts.call(`/api/runs/${runId}/events`, { key });
    const reader = events.body!.getReader();
    let text = '';
    while (!text.includes('"type":"stage-start","stage":"analyze"')) text += new TextDecoder().decode((await reader.read()).value);
    const cancel = await ts.json(`/api/runs/${runId}/cancel`, { method: 'POST', key });
    expect(cancel.status).toBe(202);
    expect(['cancelling', 'cancelled']).toContain(cancel.body.status);
    await reader.cancel();
    const stopped = await waitForRun(ts, runId, ['cancelled'], key);
    expect(stopped.cancel.actor).toBe(key.slice(0, 12));
    expect(stopped.totals.pending).toBeGreaterThan(0);
    expect(fake.requests.slice(firstRequest).filter((r) => r.body?.modalities)).toEqual([]); // no generation was started
    expect(fake.requests.slice(firstRequest).every((r) => r.status !== undefined)).toBe(true); // nothing left hanging
    const beforeResume = fake.requests.length;
    const paidBefore = new Set(answered(firstRequest));
    expect(fake.requests.slice(firstRequest).filter((r) => r.endpoint === 'chat' && r.status === 200).length).toBeGreaterThan(0); // analyses in flight finished

    expect((await ts.json(`/api/runs/${runId}/resume`, { ...jsonBody({}), key })).status).toBe(202);
    const finished = await waitForRun(ts, runId, ['finished'], key);
    expect(finished).toMatchObject({ sessions: 2, totals: { done: 4, failed: 0, pending: 0 } });
    const again = answered(beforeResume).filter((h) => paidBefore.has(h));
    expect(again).toEqual([]);
    expect((await ts.json(`/api/runs/${runId}/resume`, { ...jsonBody({}), key })).status).toBe(409); // finished runs stay finished
  });

  it('stops at the budget, says so, and a resume with more budget finishes the run', async () => {
    fake.configure({ latencyMs: {} });
    const created = await ts.json('/api/runs', { ...jsonBody({ newProducts: uploadId, size: '2K', variants: 3, budgetUsd: 0.05 }), key });
    const stopped = await waitForRun(ts, created.body.runId, ['stopped'], key);
    expect(stopped.stop.reason).toBe('budget');
    expect(stopped.spentUsd).toBeLessThanOrEqual(0.05);
    expect((await ts.json(`/api/runs/${created.body.runId}/resume`, { ...jsonBody({ budgetUsd: 50 }), key })).status).toBe(202);
    expect((await waitForRun(ts, created.body.runId, ['finished'], key)).totals.done).toBe(demo.newCount);
    const cost = await ts.json('/api/cost', { key });
    expect(cost.body.byRun[created.body.runId].cost).toBeGreaterThan(0.05);
  });

  it('never shows the OpenRouter key in answers or logs', async () => {
    const runs = (await ts.json('/api/runs', { key })).body.runs;
    expect(JSON.stringify(runs)).not.toContain(OPENROUTER_KEY);
    expect(ts.log.join('\n')).not.toContain(OPENROUTER_KEY);
    expect(fake.requests.every((r) => r.keyMatched)).toBe(true);
  });
});

