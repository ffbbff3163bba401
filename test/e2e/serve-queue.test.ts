/**
 * `hitline serve --queue` with a `hitline worker`, as real processes on a real Redis: a run created through
 * the API is made by the worker (the server only coordinates), its progress and outputs read through the API
 * as for an embedded run, and a cancelled run stops there and resumes through the API.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { buildDemoCatalog, type DemoCatalog } from '../../src/demo/index.js';
import { REPO_ROOT } from '../../src/util/paths.js';
import { startOpenRouterFake, type OpenRouterFake } from '../fakes/openrouter-fake.js';
import { requireRedisOrSkip, startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { catalogForm, newProductsForm, waitFor } from '../server/helpers.js';

const OPENROUTER_KEY = 'sk-or-v1-serve-queue-SECRET-5e1f';
const haveRedis = requireRedisOrSkip();
let tmp: string;
let ws: string;
let fake: OpenRouterFake;
let redis: RedisServer;
let key: string;
let demo: DemoCatalog;
let url: string;
let workerLog = '';
const children: ChildProcess[] = [];

function hitline(args: string[], onStdout?: (s: string) => void): ChildProcess {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/hitline.js'), ...args], {
    env: { ...process.env, OPENROUTER_API_KEY: OPENROUTER_KEY, OPENROUTER_BASE_URL: fake.baseUrl, HITLINE_QUEUE: redis.url },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  child.stdout!.on('data', (d) => onStdout?.(d.toString()));
  return child;
}

async function api(p: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(`${url}${p}`, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${key}` } });
  const text = await res.text();
  return { status: res.status, body: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
}
const post = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const runStatus = (runId: string, ok: (s: any) => boolean) =>
  waitFor(`run ${runId}`, async () => {
    const res = await api(`/api/runs/${runId}`);
    return ok(res.body) ? res.body : undefined;
  }, 200_000);

beforeAll(async () => {
  if (!haveRedis) return;
  tmp = await mkdtemp(path.join(os.tmpdir(), 'hitline-serve-queue-'));
  ws = path.join(tmp, 'server');
  redis = await startRedisServer();
  fake = await startOpenRouterFake({ apiKey: OPENROUTER_KEY, imageStyle: 'solid', dimension: 2048 });
  demo = await buildDemoCatalog(path.join(tmp, 'demo'), { hits: 20, newProducts: 4, seed: 31 });
  let stdout = '';
  const sink = new Writable({ write(chunk, _e, done) { stdout += chunk.toString(); done(); } });
  expect(await main(['tenants', 'add', 'acme', '--workspace', ws], sink, sink)).toBe(0);
  key = stdout.trim().split('\n').at(-1)!;
  const server = hitline(['serve', '--workspace', ws, '--port', '0', '--grace-seconds', '5']);
  url = await new Promise<string>((resolve, reject) => {
    let out = '';
    server.stdout!.on('data', (d) => {
      out += d.toString();
      const m = out.match(/serving on (http:\/\/\S+)/);
      if (m) resolve(m[1]);
    });
    server.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });
  const worker = hitline(['worker', '--concurrency', '2', '--lock-seconds', '10']);
  worker.stderr!.on('data', (d) => (workerLog += d.toString()));
}, 120_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await fake?.stop();
  await redis?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe.skipIf(!haveRedis)('hitline serve --queue with a worker', { timeout: 300_000 }, () => {
  it('runs created through the API are made by the worker, and read back through the API', async () => {
    const imported = await api('/api/catalog/imports', { method: 'POST', body: await catalogForm(demo) });
    expect(imported.status).toBe(202);
    await waitFor('import', async () => ((await api(`/api/catalog/imports/${imported.body.id}`)).body.state === 'finished' ? true : undefined));
    const upload = await api('/api/new-products', { method: 'POST', body: await newProductsForm(demo) });
    expect(upload.status).toBe(201);

    // The worker process connects once it has loaded (seconds on a loaded machine).
    const before = await waitFor('the worker to connect', async () => {
      const q = (await api('/api/queue')).body;
      return q.workers >= 1 ? q : undefined;
    }, 60_000);
    const runId = (await api('/api/runs', post({ newProducts: upload.body.id, size: '1K', presets: ['amazon-main'] }))).body.runId;
    const finished = await runStatus(runId, (s) => s.status === 'finished');
    expect(finished.totals).toMatchObject({ done: demo.newCount, failed: 0 });
    const after = (await api('/api/queue')).body;
    expect(after.completed - before.completed).toBe(demo.newCount); // one job per product, each done by the worker
    const products = (await api(`/api/runs/${runId}/products`)).body;
    const outputs = products.products.flatMap((p: any) => p.outputs);
    expect(outputs.length).toBeGreaterThanOrEqual(demo.newCount);
    const file = await fetch(`${url}/api/runs/${runId}/outputs/${outputs[0].id}/file`, { headers: { authorization: `Bearer ${key}` } });
    expect(file.status).toBe(200);
    expect(workerLog).not.toContain(OPENROUTER_KEY);
  });

  it('a cancelled queued run stops, then resumes through the API and finishes', async () => {
    const upload = await api('/api/new-products', { method: 'POST', body: await newProductsForm(demo) });
    fake.configure({ latencyMs: { chat: 1500 } });
    const runId = (await api('/api/runs', post({ newProducts: upload.body.id, size: '1K', variants: 2 }))).body.runId;
    await runStatus(runId, (s) => s.status === 'running');
    expect((await api(`/api/runs/${runId}/cancel`, { method: 'POST' })).status).toBeLessThan(300);
    const stopped = await runStatus(runId, (s) => ['stopped', 'cancelled', 'interrupted'].includes(s.status));
    expect(stopped.totals.done).toBeLessThan(demo.newCount); // stopped with products left to make
    fake.configure({ latencyMs: { chat: 20 } });
    expect((await api(`/api/runs/${runId}/resume`, { method: 'POST' })).status).toBeLessThan(300);
    const finished = await runStatus(runId, (s) => s.status === 'finished');
    expect(finished.totals).toMatchObject({ done: demo.newCount, failed: 0 });
  });
});
