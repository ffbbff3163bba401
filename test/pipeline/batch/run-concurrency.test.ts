/**
 * How the batch walks its products (p-map over the rows): never more than `concurrency` products in flight,
 * the summary in the CSV's order whatever order they finish in, and a product that throws (a bug, not a
 * failed product) rejects the run without starting the products after it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FolderStorage } from '../../../src/adapters/storage/index.js';
import type { BatchEvent } from '../../../src/pipeline/batch/batch-events.js';
import { createBatchEngine } from '../../../src/pipeline/batch/engine.js';
import { DEFAULT_MATCH_SETTINGS } from '../../../src/pipeline/match.js';
import { runPipeline, type RunOptions } from '../../../src/pipeline/run.js';
import { openLanceDbStore } from '../../../src/adapters/lancedb/index.js';
import { batchTestbed, cloudAdapters, type BatchTestbed } from './fixtures.js';

const PRODUCTS = 9;
let bed: BatchTestbed;

beforeAll(async () => {
  bed = await batchTestbed('hitline-run-concurrency-', PRODUCTS);
});
afterAll(() => bed.close());

/** A run whose engine reports every event (stage starts included) to `events`. */
async function run(events: (e: BatchEvent) => void, options: Pick<RunOptions, 'concurrency' | 'afterProduct'>) {
  const { fake, catalog, ws } = bed;
  const store = await openLanceDbStore({ dir: ws.lanceDir });
  const engine = createBatchEngine({ events });
  try {
    return await runPipeline({
      runId: `run-${Math.random().toString(16).slice(2, 10)}`, newCsv: catalog.newCsv, imagesDir: catalog.newImagesDir, workspace: ws, storage: new FolderStorage(ws.cacheDir), store, engine,
      ...cloudAdapters(fake, engine), match: DEFAULT_MATCH_SETTINGS, aspectRatio: '1:1', sizeTier: '0.5K', ...options,
    });
  } finally {
    await store.close();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the batch over its products', () => {
  it('keeps at most `concurrency` products in flight and the summary in CSV order, whatever order they finish in', async () => {
    const inFlight = new Set<string>();
    let peak = 0;
    const finished: string[] = [];
    const events = (e: BatchEvent) => {
      if (e.type === 'stage-start') inFlight.add(e.productId);
      if (e.type === 'product-done' || e.type === 'product-failed' || e.type === 'product-pending') inFlight.delete(e.productId);
      peak = Math.max(peak, inFlight.size);
    };
    // Earlier rows take longer in their last step, so later rows finish first.
    const afterProduct = async (s: { newId: string }) => {
      await sleep(10 * (PRODUCTS - bed.catalog.newIds.indexOf(s.newId)));
      finished.push(s.newId);
    };
    const { summary } = await run(events, { concurrency: 3, afterProduct });
    expect(summary.products.map((p) => p.status)).toEqual(bed.catalog.newIds.map(() => 'done'));
    expect(summary.products.map((p) => p.newId)).toEqual(bed.catalog.newIds);
    expect(finished).not.toEqual(bed.catalog.newIds);
    expect(peak).toBe(3);
  }, 60_000);

  it('rejects the run when a product throws and starts none of the products after it', async () => {
    const started: string[] = [];
    const events = (e: BatchEvent) => {
      if (e.type === 'stage-start' && !started.includes(e.productId)) started.push(e.productId);
      if (e.type === 'product-done' && e.productId === bed.catalog.newIds[1]) throw new Error('progress display broke');
    };
    await expect(run(events, { concurrency: 1 })).rejects.toThrow('progress display broke');
    expect(started).toEqual(bed.catalog.newIds.slice(0, 2));
  }, 60_000);
});
