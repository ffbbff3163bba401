/**
 * `hitline serve` as a real process on a real port, with `hitline tenants` keys: a run through the fake
 * OpenRouter is killed with SIGKILL mid-run and the restarted server finishes it without sending again any
 * paid call that had been answered; a SIGTERM stops the server cleanly (exit 0) mid-run and the next start
 * finishes the run; a body over the limit gets 413 before it is sent; the key never reaches the log.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import http from 'node:http';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoCatalog, type DemoCatalog } from '../../src/demo/index.js';
import { KEY_PATTERN } from '../../src/service/tenants/api-key.js';
import { REPO_ROOT } from '../../src/util/paths.js';
import { startOpenRouterFake, type OpenRouterFake } from '../fakes/openrouter-fake.js';
import { Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { catalogForm, newProductsForm, waitFor } from '../server/helpers.js';

const OPENROUTER_KEY = 'sk-or-v1-serve-e2e-SECRET-91ac';
let tmp: string;
let ws: string;
let fake: OpenRouterFake;
let key: string;
let demo: DemoCatalog;
const children: ChildProcess[] = [];
let stderrText = '';

/** The CLI in process (these commands take no --progress, which runCli adds). */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const sink = (add: (s: string) => void) => new Writable({ write(chunk, _e, done) { add(chunk.toString()); done(); } });
  const code = await main(args, sink((s) => (stdout += s)), sink((s) => (stderr += s)));
  return { code, stdout, stderr };
}

interface Served { child: ChildProcess; url: string; exited: Promise<number | null> }

async function serve(extra: string[] = []): Promise<Served> {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/hitline.js'), 'serve', '--workspace', ws, '--port', '0', '--grace-seconds', '20', ...extra], {
    env: { ...process.env, OPENROUTER_API_KEY: OPENROUTER_KEY, OPENROUTER_BASE_URL: fake.baseUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  child.stderr!.on('data', (d) => (stderrText += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d.toString();
      const m = out.match(/serving on (http:\/\/\S+)/);
      if (m) resolve(m[1]);
    });
    void exited.then((code) => reject(new Error(`serve exited with ${code}: ${stderrText.slice(-2000)}`)));
  });
  return { child, url, exited };
}

async function api(s: Served, p: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(`${s.url}${p}`, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${key}` } });
  const text = await res.text();
  return { status: res.status, body: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
}

const post = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const bodyHash = (r: { body: unknown }) => createHash('sha256').update(JSON.stringify(r.body)).digest('hex');
const paid = (r: { endpoint: string }) => r.endpoint === 'chat' || r.endpoint === 'embeddings';

/** Files of the tenant's cache with this name (stage results, embeddings). */
async function cacheFiles(sub: string, suffix: string): Promise<number> {
  const dir = path.join(ws, 'tenants', 'acme', 'cache', sub);
  const entries = await readdir(dir, { recursive: true }).catch(() => [] as string[]);
  return entries.filter((e) => e.endsWith(suffix)).length;
}

/**
 * Holds every new paid request at the fake, then waits until the server has stored every answer it got
 * (each answered analysis and generation has its stage-cache record, each answered embedding its cached
 * vector): what a kill now loses is only what was on the wire, and that was never answered.
 */
async function holdAndSettle(since: number): Promise<Set<string>> {
  fake.configure({ latencyMs: { chat: 15_000, embeddings: 15_000 } });
  const holdAt = fake.requests.length;
  await waitFor('every answered call to be stored', async () => {
    await new Promise((r) => setTimeout(r, 500));
    if (fake.requests.slice(0, holdAt).some((r) => r.status === undefined)) return undefined; // still answering calls sent before the hold
    const answered = fake.requests.slice(since).filter((r) => paid(r) && r.status === 200);
    const stored = (await cacheFiles('stages', 'result.json')) + (await cacheFiles('stages', 'images.json'));
    const vectors = await cacheFiles('embeddings', '.f32');
    const chats = answered.filter((r) => r.endpoint === 'chat').length;
    const embeds = answered.filter((r) => r.endpoint === 'embeddings').length;
    return stored === chats && vectors === embeds ? true : undefined;
  }, 60_000);
  return new Set(fake.requests.slice(0, holdAt).filter((r) => paid(r) && r.status === 200).map(bodyHash));
}

function waitForStatus(s: Served, runId: string, ok: (status: any) => boolean, timeoutMs = 200_000): Promise<any> {
  return waitFor(`run ${runId}`, async () => {
    const res = await api(s, `/api/runs/${runId}`).catch(() => undefined);
    return res && ok(res.body) ? res.body : undefined;
  }, timeoutMs);
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'hitline-serve-e2e-'));
  ws = path.join(tmp, 'server');
  fake = await startOpenRouterFake({ apiKey: OPENROUTER_KEY, imageStyle: 'solid', dimension: 2048 });
  demo = await buildDemoCatalog(path.join(tmp, 'demo'), { hits: 20, newProducts: 6, seed: 21 });
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await fake.stop();
  await rm(tmp, { recursive: true, force: true });
});

describe('hitline serve, a real process', { timeout: 240_000 }, () => {
  it('tenants add prints the key as the last line; list shows only its prefix', async () => {
    const added = await cli(['tenants', 'add', 'acme', '--workspace', ws]);
    expect(added.code).toBe(0);
    key = added.stdout.trim().split('\n').at(-1)!;
    expect(key).toMatch(KEY_PATTERN);
    const list = await cli(['tenants', 'list', '--workspace', ws]);
    expect(list.stdout).toContain(`${key.slice(0, 12)}…  active`);
    expect(list.stdout).not.toContain(key);
    expect(await readFile(path.join(ws, 'tenants.json'), 'utf8')).not.toContain(key);

    const other = (await cli(['tenants', 'add', 'spare', '--workspace', ws])).stdout.trim().split('\n').at(-1)!;
    const rotated = await cli(['tenants', 'rotate', 'spare', '--grace', '5', '--workspace', ws]);
    const newKey = rotated.stdout.trim().split('\n').at(-1)!;
    expect(newKey).toMatch(KEY_PATTERN);
    expect(rotated.stdout).toContain(`${other.slice(0, 12)}… keep working for 5 minute(s)`);
    expect((await cli(['tenants', 'revoke', 'spare', other.slice(0, 12), '--workspace', ws])).code).toBe(0);
    const keys = JSON.parse((await cli(['tenants', 'list', '--json', '--workspace', ws])).stdout).tenants.find((t: any) => t.id === 'spare').keys;
    expect(keys.map((k: any) => [k.prefix, k.state])).toEqual([[other.slice(0, 12), 'revoked'], [newKey.slice(0, 12), 'active']]);
    const hook = await cli(['tenants', 'set', 'spare', '--webhook-url', 'https://shop.example/hooks', '--monthly-budget', '25', '--workspace', ws]);
    expect(hook.stdout.trim().split('\n').at(-1)).toMatch(/^whsec_/);
    expect((await cli(['tenants', 'set', 'spare', '--webhook-url', 'ftp://x', '--workspace', ws])).stderr).toMatch(/tenant setting webhook\.url/);
  });

  it('refuses to serve beyond loopback without tenants', async () => {
    const res = await cli(['serve', '--workspace', path.join(tmp, 'empty'), '--host', '0.0.0.0', '--port', '0']);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/no tenant is configured.*loopback/);
  });

  it('survives SIGKILL mid-run: the next start finishes the run and repeats no answered paid call', async () => {
    // One generation at a time: at the kill some products are done, one is generating, the rest analysed and waiting.
    let s = await serve(['--limit', 'generate=1']);
    const started = await api(s, '/api/catalog/imports', { method: 'POST', body: await catalogForm(demo) });
    expect(started.status).toBe(202);
    await waitFor('import', async () => ((await api(s, `/api/catalog/imports/${started.body.id}`)).body.state === 'finished' ? true : undefined));
    const upload = await api(s, '/api/new-products', { method: 'POST', body: await newProductsForm(demo) });
    fake.configure({ latencyMs: { chat: 400 } });
    const runStart = fake.requests.length;
    // One variant: the cloud generator's request does not name the variant, so two variants send the same body.
    const runId = (await api(s, '/api/runs', post({ newProducts: upload.body.id, size: '1K' }))).body.runId;
    await waitForStatus(s, runId, (st) => st.totals.done >= 1);
    const answeredBeforeKill = await holdAndSettle(runStart);
    const atKill = (await api(s, `/api/runs/${runId}`)).body;
    expect(atKill.status).toBe('running');
    expect(atKill.totals.done).toBeGreaterThan(0); // killed mid-run, with work both done and not done
    expect(atKill.totals.done).toBeLessThan(demo.newCount);
    expect(answeredBeforeKill.size).toBeGreaterThan(0);
    s.child.kill('SIGKILL');
    await s.exited;
    fake.configure({ latencyMs: { chat: 50 } });
    const restartAt = fake.requests.length;

    s = await serve();
    const finished = await waitForStatus(s, runId, (st) => st.status === 'finished');
    expect(finished.totals).toMatchObject({ done: demo.newCount, failed: 0 });
    expect(finished.sessions).toBe(2);
    const afterRestart = fake.requests.slice(restartAt).filter(paid);
    expect(afterRestart.length).toBeGreaterThan(0);
    expect(afterRestart.filter((r) => answeredBeforeKill.has(bodyHash(r)))).toEqual([]);
    const events = (await api(s, `/api/runs/${runId}/events`)).body as string;
    const ids = [...events.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
    expect(ids).toEqual([...new Set(ids)].sort((a, b) => a - b));

    // A body over the limit is refused from its Content-Length, before any of it is sent.
    const tooLarge = await new Promise<{ status?: number }>((resolve, reject) => {
      const req = http.request(`${s.url}/api/catalog/imports`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/zip', 'content-length': String(50 * 1024 ** 3) } });
      req.on('response', (res) => resolve({ status: res.statusCode }));
      req.on('error', reject);
      req.flushHeaders();
    });
    expect(tooLarge.status).toBe(413);

    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
  });

  it('stops cleanly on SIGTERM mid-run (exit 0), and the next start finishes the run', async () => {
    const more = await buildDemoCatalog(path.join(tmp, 'demo2'), { hits: 20, newProducts: 4, seed: 22 });
    let s = await serve();
    const upload = await api(s, '/api/new-products', { method: 'POST', body: await newProductsForm(more) });
    fake.configure({ latencyMs: { chat: 600 } });
    const runId = (await api(s, '/api/runs', post({ newProducts: upload.body.id, size: '1K' }))).body.runId;
    await waitForStatus(s, runId, (st) => st.products.some((p: any) => p.stages.analyze === 'working'));
    const beforeStop = fake.requests.length;
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
    expect(fake.requests.slice(beforeStop).every((r) => r.status !== undefined)).toBe(true); // calls in flight were let finish
    const answered = new Set(fake.requests.filter((r) => paid(r) && r.status === 200).map(bodyHash));
    const manifest = JSON.parse(await readFile(path.join(ws, 'tenants', 'acme', 'runs', runId, 'run.json'), 'utf8'));
    expect(manifest.status).toBe('stopped');
    const restartAt = fake.requests.length;

    s = await serve();
    const finished = await waitForStatus(s, runId, (st) => st.status === 'finished');
    expect(finished.totals.done).toBe(more.newCount);
    expect(fake.requests.slice(restartAt).filter((r) => paid(r) && answered.has(bodyHash(r)))).toEqual([]);
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
    expect(stderrText).toMatch(/"message":"shutting down","reason":"SIGTERM"/);
  });

  it('never wrote a key to its log', () => {
    expect(stderrText.length).toBeGreaterThan(0);
    expect(stderrText).not.toContain(key);
    expect(stderrText).not.toContain(OPENROUTER_KEY);
  });
});
