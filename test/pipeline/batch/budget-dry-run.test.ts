/**
 * The budget stop and the dry run, through the whole batch against the fake OpenRouter: a run with a
 * small budget stops before passing it and leaves the rest pending; resuming it with more budget finishes
 * the rest without generating anything twice; a dry run calls nothing and counts what a run would call.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FolderStorage } from '../../../src/adapters/storage/index.js';
import { createOpenRouterCallPricing } from '../../../src/adapters/openrouter/call-pricing.js';
import { openCostLedger, summarizeCosts } from '../../../src/pipeline/cost-ledger.js';
import { DEFAULT_MATCH_SETTINGS } from '../../../src/pipeline/match.js';
import { runPipeline } from '../../../src/pipeline/run.js';
import { planRun, describePlan } from '../../../src/pipeline/batch/dry-run.js';
import { createBatchEngine } from '../../../src/pipeline/batch/engine.js';
import { RunJournal } from '../../../src/pipeline/batch/run-journal.js';
import { ensureWorkspace, workspaceAt, type Workspace } from '../../../src/pipeline/workspace.js';
import { openLanceDbStore } from '../../../src/adapters/lancedb/index.js';
import { startOpenRouterFake, type OpenRouterFake } from '../../fakes/openrouter-fake.js';
import { buildSmallCatalog, cloudAdapters, deliveriesByKey, ingestThroughFake, isGeneration, type SmallCatalog } from './fixtures.js';

const PRODUCTS = 12;
let tmp: string;
let fake: OpenRouterFake;
let catalog: SmallCatalog;
let ws: Workspace;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'hitline-budget-'));
  fake = await startOpenRouterFake({ apiKey: 'test-key' });
  catalog = await buildSmallCatalog(path.join(tmp, 'catalog'), { newProducts: PRODUCTS });
  ws = workspaceAt(path.join(tmp, 'ws'));
  await ensureWorkspace(ws);
  await ingestThroughFake(fake, catalog, ws.lanceDir);
});
afterAll(async () => {
  await fake.stop();
  await rm(tmp, { recursive: true, force: true });
});

async function batch(runId: string, budgetUsd: number | undefined, resume = false) {
  const ledger = openCostLedger(ws.ledgerFile);
  const spentBefore = summarizeCosts((await ledger.read()).entries.filter((e) => e.runId === runId)).total.cost;
  const engine = createBatchEngine({ budgetUsd, alreadySpentUsd: spentBefore, pricing: createOpenRouterCallPricing() });
  const adapters = cloudAdapters(fake, engine, ledger.sink({ runId }));
  const store = await openLanceDbStore({ dir: ws.lanceDir });
  try {
    const result = await runPipeline({
      runId, resume, ledger, engine, newCsv: catalog.newCsv, imagesDir: catalog.newImagesDir, workspace: ws, storage: new FolderStorage(ws.cacheDir), store, ...adapters,
      match: DEFAULT_MATCH_SETTINGS, aspectRatio: '1:1', sizeTier: '0.5K', concurrency: 3, request: { budget: budgetUsd },
    });
    return { ...result, ledger };
  } finally {
    await store.close();
  }
}

async function plan() {
  const store = await openLanceDbStore({ dir: ws.lanceDir });
  try {
    const { embedder, analyzer, generator } = cloudAdapters(fake, undefined);
    return await planRun({
      newCsv: catalog.newCsv, imagesDir: catalog.newImagesDir, workspace: ws, storage: new FolderStorage(ws.cacheDir), store, embedder, analyzerId: analyzer.id, generatorId: generator.id,
      stageModels: { embed: 'nvidia/llama-nemotron-embed-vl-1b-v2', analyze: 'qwen/qwen3.5-397b-a17b', generate: 'google/gemini-3.1-flash-image-preview' },
      pricing: createOpenRouterCallPricing(), match: DEFAULT_MATCH_SETTINGS, aspectRatio: '1:1', sizeTier: '0.5K', variants: 1, generationReferences: 1, budgetUsd: 0.3,
    });
  } finally {
    await store.close();
  }
}

describe('dry run', () => {
  it('plans every call for a fresh batch and calls nothing', async () => {
    fake.reset();
    const runsBefore = await readdir(ws.runsDir);
    const p = await plan();
    expect(fake.requests).toHaveLength(0);
    expect(await readdir(ws.runsDir)).toEqual(runsBefore);
    expect(p.products).toBe(PRODUCTS);
    expect(p.stages.embed).toMatchObject({ calls: PRODUCTS, reused: 0 });
    expect(p.stages.analyze).toMatchObject({ calls: PRODUCTS, reused: 0 });
    expect(p.stages.generate).toMatchObject({ calls: PRODUCTS, reused: 0, estimatedUsd: PRODUCTS * 0.045 });
    expect(p.worstUsd!).toBeGreaterThan(p.estimatedUsd!);
    expect(p.productsWithinBudget).toBeGreaterThan(0);
    expect(p.productsWithinBudget).toBeLessThan(PRODUCTS);
    const text = describePlan(p, { aspectRatio: '1:1', sizeTier: '0.5K' });
    expect(text).toContain('Dry run: nothing was called');
    expect(text).toMatch(/generate\s+12 call\(s\) to google\/gemini-3\.1-flash-image-preview \(1:1 at 0\.5K\); about \$0\.54/);
  });
});

describe('budget', () => {
  it('stops before the budget is passed, leaves the rest pending, and a resume finishes without paying twice', async () => {
    fake.reset();
    const runId = 'budget-run';
    const first = await batch(runId, 0.3);
    const s = first.summary;
    expect(s.stop?.reason).toBe('budget');
    expect(s.stop?.message).toMatch(/budget of \$0\.30 reached/);
    expect(s.totals.done).toBeGreaterThan(0);
    expect(s.totals.pending).toBeGreaterThan(0);
    expect(s.totals.failed).toBe(0);
    expect(s.totals.done + s.totals.pending).toBe(PRODUCTS);
    for (const p of s.products.filter((x) => x.status === 'pending')) expect(p.error).toMatch(/not (started|finished): .*budget/);
    // What the ledger recorded, and what the budget counted, are both within the budget.
    const spent = summarizeCosts((await first.ledger.read()).entries.filter((e) => e.runId === runId)).total.cost;
    expect(spent).toBeLessThanOrEqual(0.3);
    expect(s.budget!.spentUsd).toBeLessThanOrEqual(0.3);
    expect(s.budget!.spentUsd).toBeCloseTo(spent, 9);
    expect((await RunJournal.readManifest(first.runDir)).status).toBe('stopped');
    const generatedFirst = fake.requests.filter(isGeneration).length;
    expect(generatedFirst).toBe(s.totals.done);

    const before = s.products.filter((p) => p.status === 'done').map((p) => p.newId);
    const resumed = await batch(runId, 5, true);
    const r = resumed.summary;
    expect(r.stop).toBeUndefined();
    expect(r.totals).toMatchObject({ done: PRODUCTS, pending: 0, failed: 0 });
    expect(r.resumedProducts).toBe(before.length);
    expect(fake.requests.filter(isGeneration).length).toBe(PRODUCTS);
    expect([...deliveriesByKey(fake.requests).values()].every((n) => n === 1)).toBe(true);
    expect((await RunJournal.readManifest(first.runDir)).status).toBe('finished');
    // The run's cost covers both sessions: every product's generation, each paid once.
    const ledgerTotal = summarizeCosts((await resumed.ledger.read()).entries.filter((e) => e.runId === runId)).total;
    expect(r.totals.cost.usd).toBeCloseTo(ledgerTotal.cost, 9);
    expect(ledgerTotal.images).toBe(PRODUCTS);
    expect(r.products.every((p) => p.cost.usd >= 0.045)).toBe(true);
  });

  it('a dry run after the batch finds every result stored: no call, no cost', async () => {
    fake.reset();
    const p = await plan();
    expect(fake.requests).toHaveLength(0);
    for (const st of ['embed', 'analyze', 'generate'] as const) expect(p.stages[st]).toMatchObject({ calls: 0, reused: PRODUCTS });
    expect(p.estimatedUsd).toBe(0);
  });
});
