/**
 * A real Milvus engine (Milvus Lite) failing under the Milvus store: restarted (an indexed collection
 * comes back released), stopped in the middle of an ingest, and too slow to answer (a paused process).
 * Each failure must be a clear, retryable error, and running the same ingest again must finish the job
 * with every product exactly once.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLocalEmbedder } from '../../../src/adapters/local/embedder/index.js';
import { MilvusStore, MilvusWriteError, type MilvusConfig } from '../../../src/adapters/milvus/index.js';
import { buildDemoCatalog } from '../../../src/demo/index.js';
import { HitlineError } from '../../../src/core/errors.js';
import { ingestCatalog } from '../../../src/pipeline/ingest.js';
import type { StoredProduct, VectorStore } from '../../../src/ports/vector-store.js';
import { catalogFixture, EMBEDDER } from '../../contract/vector-store/fixture.js';
import { describeWithMilvusLite, type MilvusLiteServer } from '../../helpers/milvus-lite.js';

/** `store`, with `beforeUpsert(n)` awaited before its n-th upsert (from 1) reaches the server. */
function withUpsertHook(store: MilvusStore, beforeUpsert: (n: number) => Promise<void>): VectorStore {
  let calls = 0;
  const upsert = async (rows: readonly StoredProduct[]) => {
    await beforeUpsert(++calls);
    return store.upsert(rows);
  };
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'upsert') return upsert;
      const value = Reflect.get(target, prop) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describeWithMilvusLite('Milvus Lite faults', (server) => {
  let tmp: string;
  let demo: Awaited<ReturnType<typeof buildDemoCatalog>>;
  // The histogram recipe: real image features in a few ms per photo, so the test is about the store.
  const embedder = createLocalEmbedder({ recipe: 'histogram' });
  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'hitline-milvus-faults-'));
    demo = await buildDemoCatalog(path.join(tmp, 'catalog'), { hits: 40, newProducts: 2, seed: 11 });
  });
  afterAll(async () => {
    await embedder.close();
    await rm(tmp, { recursive: true, force: true });
  });

  const config = (collection: string, extra: Partial<MilvusConfig> = {}): MilvusConfig => ({ address: server().address, collection, ...extra });
  // One store write per chunk of 8, so a fault can come between writes.
  const ingest = (store: VectorStore) => ingestCatalog({ catalogCsv: demo.catalogCsv, imagesDir: demo.imagesDir, store, embedder, chunkSize: 8, writeBatchRows: 8 });

  /** Every catalog product is stored exactly once. */
  async function expectEveryProductOnce(collection: string): Promise<void> {
    const store = new MilvusStore(config(collection));
    try {
      await store.open({ embedderId: embedder.id, dimension: embedder.dimension });
      const ids: string[] = [];
      for await (const batch of store.scan(16)) ids.push(...batch.map((p) => p.id));
      expect(ids).toHaveLength(demo.hitCount);
      expect(new Set(ids).size).toBe(demo.hitCount);
      expect(await store.count()).toBe(demo.hitCount);
    } finally {
      await store.close();
    }
  }

  async function loadState(s: MilvusLiteServer, collection: string): Promise<string> {
    const client = new MilvusClient({ address: s.address, logLevel: 'error' });
    try {
      return String((await client.getLoadState({ collection_name: collection })).state);
    } finally {
      await client.closeConnection();
    }
  }

  it('loads a collection that comes back released after a restart, from the next call of the same store', async () => {
    const store = new MilvusStore(config('restarted'));
    try {
      await store.open(EMBEDDER);
      const rows = catalogFixture();
      await store.upsert(rows);
      await store.optimize();
      await server().restart();
      expect(await loadState(server(), 'restarted')).toBe('LoadStateNotLoad');
      expect((await store.denseSearch(rows[5].vector, { filter: [], limit: 1 }))[0].id).toBe(rows[5].id);
      expect(await loadState(server(), 'restarted')).toBe('LoadStateLoaded');
      expect(await store.count()).toBe(rows.length);
    } finally {
      await store.close();
    }
  });

  it('stopped in the middle of an ingest: a retryable error naming the server, then the same ingest finishes it with every product once', async () => {
    const stopped = withUpsertHook(new MilvusStore(config('stopped')), async (n) => {
      if (n === 3) await server().stop();
    });
    const err = await ingest(stopped).then(
      () => null,
      (e: unknown) => e as HitlineError,
    );
    await stopped.close();
    expect(err).toBeInstanceOf(MilvusWriteError);
    expect(err!.retryable).toBe(true);
    expect(err!.message).toContain(server().address);
    expect((err as MilvusWriteError).storedCount).toBe(0);
    expect(err!.hint).toMatch(/run the same command again/);

    await server().restart();
    const report = await ingest(new MilvusStore(config('stopped')));
    expect(report.unchanged).toBe(16); // the two chunks written before the stop
    expect(report.added).toBe(demo.hitCount - 16);
    expect(report.storeCount).toBe(demo.hitCount);
    await expectEveryProductOnce('stopped');
  });

  it('too slow to answer: a retryable error saying so within the deadline, then the same ingest finishes it with every product once', async () => {
    const slow = withUpsertHook(new MilvusStore(config('slow', { timeoutMs: 1500 })), async (n) => {
      if (n === 3) server().pause();
    });
    const started = Date.now();
    const err = await ingest(slow).then(
      () => null,
      (e: unknown) => e as HitlineError,
    );
    const waited = Date.now() - started;
    server().resume();
    await slow.close();
    expect(err).toBeInstanceOf(MilvusWriteError);
    expect(err!.retryable).toBe(true);
    expect(err!.message).toMatch(/did not answer within 1.5 s while upserting 8 products/);
    expect((err!.cause as HitlineError).hint).toMatch(/too slow to answer.*MILVUS_TIMEOUT_MS/);
    expect(waited).toBeLessThan(15_000);

    const report = await ingest(new MilvusStore(config('slow')));
    expect(report.added + report.updated + report.unchanged).toBe(demo.hitCount);
    expect(report.storeCount).toBe(demo.hitCount);
    await expectEveryProductOnce('slow');
  });
});
