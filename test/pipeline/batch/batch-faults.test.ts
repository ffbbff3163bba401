/**
 * A batch of dozens of products through the fake OpenRouter with about 20% of calls failing in the
 * documented ways: every product is delivered, no generation is delivered twice for the same request
 * (the fake's request log is the witness), a re-run calls nothing, and a changed row redoes only its own
 * stages.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FolderStorage } from '../../../src/adapters/storage/index.js';
import { openCostLedger } from '../../../src/pipeline/cost-ledger.js';
import { DEFAULT_MATCH_SETTINGS } from '../../../src/pipeline/match.js';
import { runPipeline, type RunResult } from '../../../src/pipeline/run.js';
import { createBatchEngine } from '../../../src/pipeline/batch/engine.js';
import { DEFAULT_PROVIDER_LIMITS } from '../../../src/pipeline/batch/provider-limits.js';
import { ensureWorkspace, workspaceAt, type Workspace } from '../../../src/pipeline/workspace.js';
import { openLanceDbStore } from '../../../src/adapters/lancedb/index.js';
import { startOpenRouterFake, type OpenRouterFake } from '../../fakes/openrouter-fake.js';
import { DOCUMENTED_FAULTS, buildSmallCatalog, cloudAdapters, deliveriesByKey, ingestThroughFake, isGeneration, type SmallCatalog } from './fixtures.js';

const PRODUCTS = 36;
let tmp: string;
let fake: OpenRouterFake;
let catalog: SmallCatalog;
let ws: Workspace;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'hitline-batch-faults-'));
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

async function run(newCsv = catalog.newCsv): Promise<RunResult> {
  const ledger = openCostLedger(ws.ledgerFile);
  const runId = `run-${Date.now()}-${Math.random().toString(16).slice(2, 6)}`;
  const engine = createBatchEngine({
    limits: { ...DEFAULT_PROVIDER_LIMITS, model: { maxInFlight: 6 }, backoff: { baseMs: 20, maxMs: 200 } },
    stageRetries: 3,
  });
  const adapters = cloudAdapters(fake, engine, ledger.sink({ runId }));
  const store = await openLanceDbStore({ dir: ws.lanceDir });
  try {
    return await runPipeline({
      runId, ledger, engine, newCsv, imagesDir: catalog.newImagesDir, workspace: ws, storage: new FolderStorage(ws.cacheDir), store, ...adapters,
      match: DEFAULT_MATCH_SETTINGS, aspectRatio: '4:5', sizeTier: '0.5K', variants: 1, generationReferences: 1,
    });
  } finally {
    await store.close();
  }
}

describe('batch under documented faults', () => {
  it('delivers every product and never has a generation delivered twice', async () => {
    fake.reset();
    fake.configure({ randomFaults: DOCUMENTED_FAULTS, seed: 20260521, latencyMs: { chat: 5 } });
    const { summary, runDir } = await run();
    fake.configure({ randomFaults: [] });

    expect(summary.products.filter((p) => p.status !== 'done').map((p) => `${p.newId}: ${p.error}`)).toEqual([]);
    expect(summary.totals).toMatchObject({ products: PRODUCTS, done: PRODUCTS, failed: 0, pending: 0, images: PRODUCTS });
    for (const p of summary.products) {
      expect(p.outputs).toHaveLength(1);
      const meta = await sharp(path.join(runDir, p.outputs[0].file)).metadata();
      expect([meta.width, meta.height]).toEqual([464, 576]);
      expect(p.timings.total).toBeGreaterThan(0);
      expect(p.cost.usd).toBeGreaterThan(0);
    }

    // The faults really happened, in several of the documented kinds (which ones varies with timing).
    const faulted = fake.requests.filter((r) => r.fault);
    expect(faulted.length / fake.requests.length).toBeGreaterThan(0.12);
    const kinds = new Set(faulted.map((r) => (r.fault === 'status' ? `status ${r.status}` : r.fault)));
    expect(kinds.size).toBeGreaterThanOrEqual(5);
    expect(kinds).toContain('status 429');

    // The witness: one delivered image per product, none for the same request twice.
    const deliveries = deliveriesByKey(fake.requests);
    expect(deliveries.size).toBe(PRODUCTS);
    expect([...deliveries.values()].every((n) => n === 1)).toBe(true);
    expect(summary.wire!.rateLimited).toBeGreaterThan(0);
  }, 120_000);

  it('a re-run of the same batch calls nothing and reuses every image', async () => {
    fake.reset();
    const t0 = performance.now();
    const { summary } = await run();
    expect(fake.requests).toHaveLength(0);
    expect(summary.totals.done).toBe(PRODUCTS);
    expect(summary.products.every((p) => p.outputs.every((o) => o.cached))).toBe(true);
    expect(summary.totals.cost.calls).toBe(0);
    expect((performance.now() - t0) / 1000).toBeLessThan(30);
  }, 60_000);

  it('a generation that comes back without an image is asked again, and only the image delivered counts', async () => {
    const csv = path.join(tmp, 'one.csv');
    const [header, , second] = (await readFile(catalog.newCsv, 'utf8')).split('\n');
    await writeFile(csv, `${header}\n${second.replace('new item number 2', 'new item number 2 in silk')}\n`);
    fake.reset();
    // The analysis answers; the first generation has no image, the second fails mid-answer, the third delivers.
    fake.enqueue('chat', { kind: 'none' }, { kind: 'no-image', text: 'I cannot draw that.' }, { kind: 'finish-error' });
    const { summary } = await run(csv);
    expect(summary.totals).toMatchObject({ products: 1, done: 1 });
    const gens = fake.requests.filter(isGeneration);
    expect(gens.map((g) => g.fault ?? 'ok')).toEqual(['no-image', 'finish-error', 'ok']);
    expect([...deliveriesByKey(fake.requests).values()]).toEqual([1]);
  }, 60_000);

  it('changing one row redoes only that product’s analysis and generation', async () => {
    const csv = path.join(tmp, 'changed.csv');
    const text = await readFile(catalog.newCsv, 'utf8');
    await writeFile(csv, text.replace('new item number 7\n', 'new item number 7 now in linen\n'));
    fake.reset();
    const { summary } = await run(csv);
    expect(summary.totals.done).toBe(PRODUCTS);
    const gens = fake.requests.filter(isGeneration);
    const analyses = fake.requestsTo('chat').filter((r) => !isGeneration(r));
    expect(gens).toHaveLength(1);
    expect(analyses).toHaveLength(1);
    // The photo did not change (no image embedded again); the seller's new words are embedded once for the text leg.
    const embedded = fake.requestsTo('embeddings').map((r) => JSON.stringify((r.body as { input: unknown }).input));
    expect(embedded).toHaveLength(1);
    expect(embedded[0]).toContain('now in linen');
    expect(embedded[0]).not.toContain('image_url');
    expect(JSON.stringify(gens[0].body)).toContain('now in linen');
    const changed = summary.products.find((p) => p.newId === 'NEW007')!;
    expect(changed.outputs[0].cached).toBe(false);
  }, 60_000);
});
