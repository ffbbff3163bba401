/**
 * Webhooks: product.failed and run.finished reach the tenant's URL signed with HMAC-SHA256 over the
 * timestamp and the body; a delivery answered with a 5xx is retried with backoff and the same event id;
 * the secret is shown once and never again.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoCatalog } from '../../src/demo/index.js';
import { verifyWebhookSignature } from '../../src/service/webhooks/signature.js';
import { startOpenRouterFake, type OpenRouterFake } from '../fakes/openrouter-fake.js';
import { importCatalog, jsonBody, newProductsForm, startTestServer, waitFor, waitForRun, type TestServer } from './helpers.js';

interface Delivery { headers: http.IncomingHttpHeaders; body: string; answered: number }

const OPENROUTER_KEY = 'sk-or-v1-webhooks-test-SECRET';
let tmp: string;
let fake: OpenRouterFake;
let ts: TestServer;
let receiver: http.Server;
let receiverUrl: string;
const deliveries: Delivery[] = [];

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'hitline-webhooks-'));
  fake = await startOpenRouterFake({ apiKey: OPENROUTER_KEY, imageStyle: 'solid' });
  receiver = http.createServer(async (req, res) => {
    let body = '';
    for await (const c of req) body += c;
    // The first delivery of each event fails: the sender must retry it.
    const id = req.headers['hitline-event-id'];
    const answered = deliveries.some((d) => d.headers['hitline-event-id'] === id) ? 200 : 500;
    deliveries.push({ headers: req.headers, body, answered });
    res.writeHead(answered).end();
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  ts = await startTestServer(path.join(tmp, 'ws'), ['acme'], {
    offline: false, env: { OPENROUTER_API_KEY: OPENROUTER_KEY, OPENROUTER_BASE_URL: fake.baseUrl }, webhookBackoffMs: [150, 300, 600],
  });
});

afterAll(async () => {
  await ts.close();
  await fake.stop();
  receiver.close();
  await rm(tmp, { recursive: true, force: true });
});

describe('webhooks', { timeout: 240_000 }, () => {
  it('delivers product.failed and run.finished, signed, retried with the same event id', async () => {
    const key = ts.keys.acme;
    const set = await ts.json('/api/tenant/webhook', { ...jsonBody({ url: receiverUrl }), method: 'PUT', key });
    expect(set.status).toBe(200);
    const secret: string = set.body.secret;
    expect(secret).toMatch(/^whsec_/);
    expect(JSON.stringify((await ts.json('/api/tenant', { key })).body)).not.toContain(secret);

    const demo = await buildDemoCatalog(path.join(tmp, 'demo'), { hits: 20, newProducts: 2, seed: 4 });
    await importCatalog(ts, demo, key);
    const upload = await ts.json('/api/new-products', { method: 'POST', body: await newProductsForm(demo), key });
    fake.enqueue('chat', { kind: 'status', status: 400, message: 'Invalid request: this product cannot be analysed' });
    const run = await ts.json('/api/runs', { ...jsonBody({ newProducts: upload.body.id, size: '0.5K' }), key });
    const finished = await waitForRun(ts, run.body.runId, ['finished'], key);
    expect(finished.totals).toMatchObject({ done: 1, failed: 1 });

    const events = await waitFor('two delivered events', async () => {
      const ok = deliveries.filter((d) => d.answered === 200);
      return ok.length >= 2 ? ok : undefined;
    }, 20_000);
    const byType = new Map(events.map((d) => [JSON.parse(d.body).type, d]));
    expect([...byType.keys()].sort()).toEqual(['product.failed', 'run.finished']);
    expect(JSON.parse(byType.get('product.failed')!.body).data).toMatchObject({ runId: run.body.runId, stage: 'analyze', error: expect.stringMatching(/cannot be analysed/) });
    expect(JSON.parse(byType.get('run.finished')!.body).data).toEqual({ runId: run.body.runId, status: 'finished' });
    for (const ok of events) {
      const event = JSON.parse(ok.body);
      const attempts = deliveries.filter((d) => d.headers['hitline-event-id'] === event.id);
      expect(attempts.map((d) => d.answered)).toEqual([500, 200]);
      expect(attempts.map((d) => d.body)).toEqual([ok.body, ok.body]);
      expect(attempts.map((d) => d.headers['hitline-delivery-attempt'])).toEqual(['1', '2']);
      expect(verifyWebhookSignature(secret, ok.headers['hitline-signature'] as string, ok.body)).toBe(true);
      expect(verifyWebhookSignature(secret, ok.headers['hitline-signature'] as string, ok.body.replace('"runId":"', '"runId":"x'))).toBe(false);
      expect(verifyWebhookSignature('whsec_wrong_secret_0123456789', ok.headers['hitline-signature'] as string, ok.body)).toBe(false);
    }
    await ts.hitline.webhooks.idle();
    const log = (await readFile(path.join(ts.workspace, 'tenants', 'acme', 'webhooks.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(log.filter((l) => l.ok)).toHaveLength(2);
    expect(log.filter((l) => !l.ok).map((l) => l.status)).toEqual([500, 500]);
    expect(ts.log.join('\n')).not.toContain(secret);
  });

  it('delivers run.stopped when the budget stops a run', async () => {
    const key = ts.keys.acme;
    const upload = (await ts.json('/api/runs', { key })).body.runs[0].request.newProducts;
    const run = await ts.json('/api/runs', { ...jsonBody({ newProducts: upload, size: '4K', variants: 2, budgetUsd: 0.001 }), key });
    expect((await waitForRun(ts, run.body.runId, ['stopped'], key)).stop.reason).toBe('budget');
    const stopped = await waitFor('run.stopped', async () => deliveries.find((d) => d.answered === 200 && JSON.parse(d.body).type === 'run.stopped'), 20_000);
    expect(JSON.parse(stopped.body).data).toMatchObject({ runId: run.body.runId, reason: 'budget' });
  });

  it('refuses a timestamp outside the tolerance (a replayed delivery)', () => {
    const body = '{"id":"evt_1"}';
    const header = `t=${Math.floor(Date.now() / 1000) - 3600},v1=${'0'.repeat(64)}`;
    expect(verifyWebhookSignature('whsec_x', header, body)).toBe(false);
  });
});
