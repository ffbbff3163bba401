/**
 * `hitline run` as a child process against the fake OpenRouter, killed with SIGKILL at several points and
 * started again; then Ctrl-C (SIGINT), the budget stop and the dry run from the command line.
 *
 * The witness of "nothing paid twice" is the request log of a proxy in front of the fake: every call whose
 * answer reached hitline is recorded with the hash of its request, and no request may be answered to
 * hitline twice across all the runs. To kill "between" answers, the proxy holds further answers, hitline
 * gets a moment to store what it has, and is then killed; the held answers were never delivered (as for a
 * call cut off by a crash), so sending those requests again is allowed and expected.
 */
import { access, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../../src/core/run-summary.js';
import { RunJournal } from '../../../src/pipeline/batch/run-journal.js';
import { ensureWorkspace, workspaceAt, type Workspace } from '../../../src/pipeline/workspace.js';
import { startOpenRouterFake, type OpenRouterFake } from '../../fakes/openrouter-fake.js';
import { startCli, type CliChild } from './cli-child.js';
import { startDeliveryProxy, type CallKind, type DeliveryProxy } from './delivery-proxy.js';
import { buildSmallCatalog, ingestThroughFake, type SmallCatalog } from './fixtures.js';

const PRODUCTS = 14;
let tmp: string;
let fake: OpenRouterFake;
let proxy: DeliveryProxy;
let catalog: SmallCatalog;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'hitline-crash-'));
  fake = await startOpenRouterFake({ apiKey: 'test-key' });
  proxy = await startDeliveryProxy(fake.baseUrl, { embed: 30, analyze: 250, generate: 400 });
  catalog = await buildSmallCatalog(path.join(tmp, 'catalog'), { newProducts: PRODUCTS });
});
afterAll(async () => {
  await proxy.stop();
  await fake.stop();
  await rm(tmp, { recursive: true, force: true });
});

async function freshWorkspace(name: string): Promise<Workspace> {
  const ws = workspaceAt(path.join(tmp, name));
  await ensureWorkspace(ws);
  await ingestThroughFake(fake, catalog, ws.lanceDir);
  return ws;
}

function run(ws: Workspace, extra: string[] = []): CliChild {
  return startCli(
    ['run', '--new', catalog.newCsv, '--images', catalog.newImagesDir, '--workspace', ws.root, '--aspect', '1:1', '--size', '0.5K', '--progress', 'json', '--json', ...extra],
    { OPENROUTER_API_KEY: 'test-key', OPENROUTER_BASE_URL: proxy.baseUrl },
  );
}

const delivered = (kind: CallKind) => proxy.delivered(kind).length;

/** Holds answers, lets the process store what it got, kills it with SIGKILL, then lets answers flow again. */
async function killBetweenAnswers(child: CliChild): Promise<string> {
  const start = await child.event((e) => e.event === 'run-start');
  proxy.hold();
  await new Promise((r) => setTimeout(r, 1500));
  child.child.kill('SIGKILL');
  const { signal } = await child.exited;
  proxy.release();
  expect(signal).toBe('SIGKILL');
  return start.runId as string;
}

/** No request was answered to hitline twice, of any kind. */
function expectNothingDeliveredTwice(): void {
  const seen = new Map<string, number>();
  for (const c of proxy.calls) if (c.delivered && c.ok) seen.set(`${c.kind}:${c.key}`, (seen.get(`${c.kind}:${c.key}`) ?? 0) + 1);
  const twice = [...seen].filter(([, n]) => n > 1).map(([k]) => k.split(':')[0]);
  expect(twice).toEqual([]);
}

async function expectAllDelivered(summary: RunSummary, runDir: string): Promise<void> {
  expect(summary.totals).toMatchObject({ products: PRODUCTS, done: PRODUCTS, failed: 0 });
  for (const p of summary.products) {
    expect(p.outputs).toHaveLength(1);
    const meta = await sharp(path.join(runDir, p.outputs[0].file)).metadata();
    expect([meta.width, meta.height]).toEqual([512, 512]);
  }
}

describe('hitline run killed with SIGKILL', () => {
  it('re-run after kills at several points delivers everything and repeats no paid call', async () => {
    const ws = await freshWorkspace('ws-kill');
    proxy.calls.length = 0;
    const base = { embed: 0, analyze: 0, generate: 0 };

    // 1. Mid-match: some photos embedded, analyses in flight.
    let child = run(ws);
    await proxy.when(() => delivered('embed') >= 4);
    await killBetweenAnswers(child);
    base.embed = delivered('embed');

    // 2. Mid-analysis.
    child = run(ws);
    await proxy.when(() => delivered('analyze') >= 5);
    await killBetweenAnswers(child);
    base.analyze = delivered('analyze');
    expect(base.analyze).toBeLessThan(PRODUCTS);

    // 3. Mid-generation.
    child = run(ws);
    await proxy.when(() => delivered('generate') >= 4);
    await killBetweenAnswers(child);
    base.generate = delivered('generate');
    expect(base.generate).toBeLessThan(PRODUCTS);

    // 4. With every generation delivered, while the run folder, summary and report are being written:
    //    no answer is pending, so the kill lands in hitline's own file writing.
    child = run(ws);
    const killedRun = (await child.event((e) => e.event === 'run-start')).runId as string;
    while (child.events().filter((e) => e.event === 'product-done').length < PRODUCTS && child.child.exitCode === null) await new Promise((r) => setTimeout(r, 2));
    child.child.kill('SIGKILL');
    await child.exited;
    expect(delivered('generate')).toBe(PRODUCTS);

    // 5. `--resume` the killed run: it continues in the same folder and finishes.
    const beforeResume = proxy.calls.length;
    child = run(ws, ['--resume', killedRun]);
    const resumed = await child.exited;
    expect(resumed.code, child.stderr()).toBe(0);
    const summary = JSON.parse(child.stdout()) as RunSummary;
    expect(summary.runId).toBe(killedRun);
    const runDir = path.join(ws.runsDir, killedRun);
    await expectAllDelivered(summary, runDir);
    expect(proxy.calls.length).toBe(beforeResume); // everything was already stored
    expect((await RunJournal.readManifest(runDir)).status).toBe('finished');

    // 6. The same command again: a new run, nothing called.
    child = run(ws);
    const again = await child.exited;
    expect(again.code, child.stderr()).toBe(0);
    const fresh = JSON.parse(child.stdout()) as RunSummary;
    await expectAllDelivered(fresh, path.join(ws.runsDir, fresh.runId));
    expect(proxy.calls.length).toBe(beforeResume);

    expectNothingDeliveredTwice();
    // Every product was paid for exactly once: one delivered generation per product.
    expect(delivered('generate')).toBe(PRODUCTS);
    expect(delivered('analyze')).toBe(PRODUCTS);
  }, 180_000);
});

describe('hitline run interrupted', () => {
  it('Ctrl-C lets calls in flight finish, keeps their results, and says how to resume', async () => {
    const ws = await freshWorkspace('ws-sigint');
    proxy.calls.length = 0;
    const child = run(ws, ['--concurrency', '4']);
    await proxy.when(() => proxy.inFlight('generate') >= 2);
    const inFlightAtSignal = proxy.calls.filter((c) => c.kind === 'generate' && c.status === undefined).map((c) => c.key);
    const sentAt = Date.now();
    child.child.kill('SIGINT');
    const { code } = await child.exited;
    expect(code).toBe(130);
    // Nothing new was sent after Ctrl-C (a grace for a request that was already on its way).
    expect(proxy.calls.filter((c) => c.arrivedAt > sentAt + 500)).toEqual([]);
    // The generations in flight finished and were kept.
    const summary = JSON.parse(child.stdout()) as RunSummary & { stop?: { reason: string } };
    expect(summary.stop?.reason).toBe('interrupted');
    const done = summary.products.filter((p) => p.status === 'done');
    expect(done.length).toBeGreaterThanOrEqual(inFlightAtSignal.length);
    expect(summary.products.some((p) => (p.status as string) === 'pending')).toBe(true);
    expect(child.stderr()).toContain(`--resume ${summary.runId}`);
    expect(await readFile(path.join(ws.runsDir, summary.runId, 'summary.json'), 'utf8')).toContain(summary.runId);

    const resumed = run(ws, ['--resume', summary.runId]);
    const r = await resumed.exited;
    expect(r.code, resumed.stderr()).toBe(0);
    const final = JSON.parse(resumed.stdout()) as RunSummary;
    await expectAllDelivered(final, path.join(ws.runsDir, summary.runId));
    expectNothingDeliveredTwice();
  }, 120_000);

  it('a second Ctrl-C cancels the calls in flight and exits at once', async () => {
    const ws = await freshWorkspace('ws-sigint2');
    proxy.calls.length = 0;
    const child = run(ws, ['--concurrency', '4']);
    await proxy.when(() => proxy.inFlight('analyze') + proxy.inFlight('generate') >= 2);
    child.child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 50));
    const t0 = Date.now();
    child.child.kill('SIGINT');
    const { code } = await child.exited;
    expect(code).toBe(130);
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(child.stderr()).toMatch(/Cancelling the calls in flight/);
  }, 60_000);
});

describe('hitline run --budget and --dry-run', () => {
  it('the dry run prints the plan and calls nothing', async () => {
    const ws = await freshWorkspace('ws-dry');
    proxy.calls.length = 0;
    const runsBefore = await readdir(ws.runsDir);
    const child = run(ws, ['--dry-run', '--budget', '0.3']);
    const { code } = await child.exited;
    expect(code, child.stderr()).toBe(0);
    expect(proxy.calls).toEqual([]);
    expect(await readdir(ws.runsDir)).toEqual(runsBefore);
    const plan = JSON.parse(child.stdout());
    expect(plan.products).toBe(PRODUCTS);
    expect(plan.stages.generate).toMatchObject({ calls: PRODUCTS, model: 'google/gemini-3.1-flash-image-preview' });
    expect(plan.estimatedUsd).toBeGreaterThan(PRODUCTS * 0.045 - 1e-9);
  }, 60_000);

  it('stops before passing the budget, says what was done and what remains, exits non-zero', async () => {
    const ws = await freshWorkspace('ws-budget');
    proxy.calls.length = 0;
    const child = startCli(
      ['run', '--new', catalog.newCsv, '--images', catalog.newImagesDir, '--workspace', ws.root, '--aspect', '1:1', '--size', '0.5K', '--progress', 'quiet', '--budget', '0.25'],
      { OPENROUTER_API_KEY: 'test-key', OPENROUTER_BASE_URL: proxy.baseUrl },
    );
    const { code } = await child.exited;
    expect(code).toBe(3);
    const out = child.stdout();
    expect(out).toMatch(/Budget of \$0\.25 reached/);
    expect(out).toMatch(/(\d+) of 14 product\(s\) done, (\d+) not done/);
    expect(out).toMatch(/hitline run --resume \S+ --workspace \S+ --budget/);
    const ledger = (await readFile(ws.ledgerFile, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    const spent = ledger.reduce((n: number, e: { cost: number | null }) => n + (e.cost ?? 0), 0);
    expect(spent).toBeLessThanOrEqual(0.25);
    expect(proxy.delivered('generate').length).toBeGreaterThan(0);
    await access(path.join(ws.runsDir, (await readdir(ws.runsDir))[0], 'report.html'));
  }, 60_000);
});
