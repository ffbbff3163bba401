/**
 * A store failure during a run's match stage is handled by what the error says, not by which store threw
 * it: a transient one (Milvus UNAVAILABLE, a busy filesystem under LanceDB) is retried like a 503 and the
 * product completes; a refused query fails only that product and the others go on. The errors are the
 * adapters' own mappings of what Milvus and LanceDB throw (toMilvusError, toLanceDbError), raised by a
 * store wrapper around a real LanceDB store; the cloud stages run against the fake OpenRouter.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FolderStorage } from '../../../src/adapters/storage/index.js';
import { toLanceDbError } from '../../../src/adapters/lancedb/errors.js';
import { openLanceDbStore } from '../../../src/adapters/lancedb/index.js';
import { resolveMilvusConfig } from '../../../src/adapters/milvus/config.js';
import { statusError, toMilvusError } from '../../../src/adapters/milvus/errors.js';
import type { HitlineError } from '../../../src/core/errors.js';
import type { LegQuery, VectorStore } from '../../../src/ports/vector-store.js';
import type { BatchEvent } from '../../../src/pipeline/batch/batch-events.js';
import { createBatchEngine } from '../../../src/pipeline/batch/engine.js';
import { DEFAULT_PROVIDER_LIMITS } from '../../../src/pipeline/batch/provider-limits.js';
import { DEFAULT_MATCH_SETTINGS } from '../../../src/pipeline/match.js';
import { runPipeline } from '../../../src/pipeline/run.js';
import { ensureWorkspace, workspaceAt, type Workspace } from '../../../src/pipeline/workspace.js';
import { startOpenRouterFake, type OpenRouterFake } from '../../fakes/openrouter-fake.js';
import { buildSmallCatalog, cloudAdapters, ingestThroughFake, type SmallCatalog } from './fixtures.js';

const MILVUS = resolveMilvusConfig({ address: 'milvus.internal:19530' });
const LANCE = { dir: '/data/ws/lancedb', table: 'products', action: 'run a hybrid search' };

/** The failure each product's searches meet, by the product's number (the last word of its prompt hint). */
const FAULTS: Record<string, { times: number; error: () => unknown }> = {
  // Milvus went away for a moment: gRPC UNAVAILABLE.
  '1': { times: 1, error: () => toMilvusError({ code: 14, details: 'connection reset by peer' }, MILVUS, 'running the keyword search') },
  // Milvus refused the request as it is.
  '2': { times: Infinity, error: () => statusError({ code: 1100, error_code: 'IllegalArgument', reason: 'invalid parameter[expected=valid expr]' }, MILVUS, 'running the keyword search') },
  // The filesystem under the LanceDB table was busy, as LanceDB 0.33 reports it.
  '3': {
    times: 2,
    error: () => toLanceDbError(Object.assign(new Error('lance error: LanceError(IO): Resource temporarily unavailable (os error 11)'), { code: 'GenericFailure' }), LANCE),
  },
};

/** `store` with the keyword leg (match's search of the seller's words) failing as FAULTS says, and a count of the searches per product number. */
function faultyStore(store: VectorStore, searches: Map<string, number>): VectorStore {
  const keywordSearch = async (keywords: string, query: LegQuery) => {
    const product = keywords.split(' ').at(-1)!;
    const seen = searches.get(product) ?? 0;
    searches.set(product, seen + 1);
    const fault = FAULTS[product];
    if (fault && seen < fault.times) throw fault.error();
    return store.keywordSearch(keywords, query);
  };
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'keywordSearch') return keywordSearch;
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

let tmp: string;
let fake: OpenRouterFake;
let catalog: SmallCatalog;
let ws: Workspace;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'hitline-store-faults-'));
  fake = await startOpenRouterFake({ apiKey: 'test-key' });
  catalog = await buildSmallCatalog(path.join(tmp, 'catalog'), { newProducts: 4 });
  ws = workspaceAt(path.join(tmp, 'ws'));
  await ensureWorkspace(ws);
  await ingestThroughFake(fake, catalog, ws.lanceDir);
});
afterAll(async () => {
  await fake?.stop();
  await rm(tmp, { recursive: true, force: true });
});

describe('store failures in a run', () => {
  it('retries a transient store error in the match stage until the product completes; a refused query fails only its product', async () => {
    const events: BatchEvent[] = [];
    const engine = createBatchEngine({ limits: { ...DEFAULT_PROVIDER_LIMITS, backoff: { baseMs: 5, maxMs: 20 } }, stageRetries: 2, events: (e) => events.push(e) });
    const adapters = cloudAdapters(fake, engine);
    const searches = new Map<string, number>();
    const store = openLanceDbStore({ dir: ws.lanceDir });
    let summary;
    try {
      ({ summary } = await runPipeline({
        runId: 'store-faults', engine, newCsv: catalog.newCsv, imagesDir: catalog.newImagesDir, workspace: ws, storage: new FolderStorage(ws.cacheDir), store: faultyStore(store, searches), ...adapters,
        match: DEFAULT_MATCH_SETTINGS, aspectRatio: '4:5', sizeTier: '0.5K', variants: 1, generationReferences: 1,
      }));
    } finally {
      await store.close();
    }

    const status = Object.fromEntries(summary.products.map((p) => [p.newId, p.status]));
    expect(status).toEqual({ NEW001: 'done', NEW002: 'failed', NEW003: 'done', NEW004: 'done' });
    expect(summary.totals).toMatchObject({ products: 4, done: 3, failed: 1, pending: 0, images: 3 });
    expect(summary.stop).toBeUndefined();
    const failed = summary.products.find((p) => p.newId === 'NEW002')!;
    expect(failed.error).toBe('match: Milvus at milvus.internal:19530 failed while running the keyword search: invalid parameter[expected=valid expr]');

    // The transient ones were searched again (NEW001 once more, NEW003 twice more), the refused one was not.
    expect(Object.fromEntries(searches)).toEqual({ '1': 2, '2': 1, '3': 3, '4': 1 });
    const retries = events.filter((e): e is Extract<BatchEvent, { type: 'stage-retry' }> => e.type === 'stage-retry');
    expect(retries.map((e) => [e.productId, e.stage, e.attempt])).toEqual(
      expect.arrayContaining([
        ['NEW001', 'match', 1],
        ['NEW003', 'match', 1],
        ['NEW003', 'match', 2],
      ]),
    );
    expect(retries).toHaveLength(3);
    expect(retries.find((e) => e.productId === 'NEW001')!.error).toContain('Could not reach Milvus at milvus.internal:19530');
    expect(retries.find((e) => e.productId === 'NEW003')!.error).toContain('the resource is temporarily unavailable (EAGAIN on /data/ws/lancedb/products.lance)');
  }, 120_000);

  it('the errors the test raises are the stores\' real mappings, with the fields the batch reads', () => {
    const transient = FAULTS['1'].error() as HitlineError;
    const refused = FAULTS['2'].error() as HitlineError;
    const busy = FAULTS['3'].error() as HitlineError;
    expect([transient.retryable, refused.retryable, busy.retryable]).toEqual([true, false, true]);
    expect([transient.stopsRun, refused.stopsRun, busy.stopsRun]).toEqual([undefined, undefined, undefined]);
  });
});
