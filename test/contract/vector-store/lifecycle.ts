/** VectorStore contract: the embedder record, recreate, scan, and persistence across close, reopen and a second store object. */
import { describe, expect } from 'vitest';
import { EmbedderMismatchError, HitlineError } from '../../../src/core/errors.js';
import type { EmbedderInfo, StoredProduct } from '../../../src/ports/vector-store.js';
import { keywordText } from '../../../src/search/tokenize.js';
import { DIM, EMBEDDER, catalogFixture, makeProduct, randomUnitVector, record, seededRandom } from './fixture.js';
import { required } from '../contract-kit.js';
import type { ContractSuite } from './suite.js';

export function lifecycleTests(suite: ContractSuite): void {
  describe('embedder record', () => {
    suite.test('is null on a new store, is recorded by open, and survives close', async () => {
      const ctx = await suite.makeStore(DIM);
      try {
        expect(await ctx.store.recordedEmbedder()).toBeNull();
        await ctx.store.open(EMBEDDER);
        expect(await ctx.store.recordedEmbedder()).toEqual(EMBEDDER);
        await ctx.store.close();
        expect(await ctx.store.recordedEmbedder()).toEqual(EMBEDDER);
      } finally {
        await ctx.store.close();
        await ctx.cleanup();
      }
    });

    suite.test('refuses to open for another embedder id or dimension, naming both', async () => {
      await suite.withStore(catalogFixture().slice(0, 3), async (store) => {
        await store.close();
        const otherId = { embedderId: 'other/model@2', dimension: DIM };
        const otherDim = { embedderId: EMBEDDER.embedderId, dimension: DIM * 2 };
        for (const other of [otherId, otherDim]) {
          const err = await store.open(other).then(
            () => null,
            (e: unknown) => e,
          );
          expect(err).toBeInstanceOf(EmbedderMismatchError);
          const message = (err as Error).message;
          expect(message).toContain(EMBEDDER.embedderId);
          expect(message).toContain(other.embedderId);
          expect(message).toContain(String(EMBEDDER.dimension));
          expect(message).toContain(String(other.dimension));
          expect((err as HitlineError).hint).toBeTruthy();
        }
        // The refusal changed nothing.
        expect(await store.recordedEmbedder()).toEqual(EMBEDDER);
        await store.open(EMBEDDER);
        expect(await store.count()).toBe(3);
      });
    });
  });

  describe('recreate', () => {
    suite.test('recreate empties the store and records the new embedder; vectors of the old one are then refused', async () => {
      await suite.withStore(catalogFixture().slice(0, 5), async (store) => {
        const other: EmbedderInfo = { embedderId: 'contract/other@2', dimension: 8 };
        await required(store.recreate?.bind(store), 'a store with recreate()')(other);
        expect(await store.recordedEmbedder()).toEqual(other);
        expect(await store.count()).toBe(0);
        expect(await store.get(['p000', 'p001'])).toEqual([]);
        const row = makeProduct('after-recreate', { vector: randomUnitVector(seededRandom(6), 8) });
        await store.upsert([row]);
        expect(await store.get(['after-recreate'])).toEqual([record(row)]);
        expect((await store.denseSearch(row.vector, { filter: [], limit: 5 })).map((h) => h.id)).toEqual(['after-recreate']);
        await expect(store.upsert([catalogFixture()[0]])).rejects.toBeInstanceOf(EmbedderMismatchError);
        await expect(store.denseSearch(catalogFixture()[0].vector, { filter: [], limit: 1 })).rejects.toBeInstanceOf(EmbedderMismatchError);
        await store.close();
        expect(await store.recordedEmbedder()).toEqual(other);
        await expect(store.open(EMBEDDER)).rejects.toBeInstanceOf(EmbedderMismatchError);
      });
    });

    suite.test('recreate with the same embedder empties the store and leaves it usable', async () => {
      const rows = catalogFixture();
      await suite.withStore(rows, async (store) => {
        await required(store.recreate?.bind(store), 'a store with recreate()')(EMBEDDER);
        expect(await store.count()).toBe(0);
        expect(await store.keywordSearch(keywordText('wool'), { filter: [], limit: 50 })).toEqual([]);
        await store.upsert(rows.slice(0, 3));
        expect(await store.count()).toBe(3);
        expect((await store.denseSearch(rows[1].vector, { filter: [], limit: 1 }))[0].id).toBe('p001');
      });
    });
  });

  describe('scan and persistence', () => {
    suite.test('scan yields every row exactly once, with its vector, in batches of the asked size', async () => {
      const rows = catalogFixture();
      await suite.withStore(rows, async (store) => {
        const seen = new Map<string, StoredProduct>();
        for await (const batch of store.scan(7)) {
          expect(batch.length).toBeGreaterThan(0);
          expect(batch.length).toBeLessThanOrEqual(7);
          for (const p of batch) {
            expect(seen.has(p.id)).toBe(false);
            seen.set(p.id, p);
          }
        }
        expect(seen.size).toBe(rows.length);
        for (const p of rows) {
          const got = seen.get(p.id)!;
          expect(Array.from(got.vector)).toEqual(Array.from(p.vector));
          expect(record(got)).toEqual(record(p));
        }
      });
    });

    suite.test('keeps data, search and the embedder record across close and reopen', async () => {
      const rows = catalogFixture();
      await suite.withStore(rows, async (store) => {
        await store.optimize();
        await store.close();
        await store.open(EMBEDDER);
        expect(await store.count()).toBe(rows.length);
        expect(((await store.get(['p009'], { withVectors: true })) as StoredProduct[])[0].vector).toEqual(rows[9].vector);
        expect((await store.denseSearch(rows[9].vector, { filter: [], limit: 1 }))[0].id).toBe('p009');
        expect((await store.keywordSearch(keywordText('羽绒服'), { filter: [], limit: 50 })).length).toBeGreaterThan(0);
      });
    });

    suite.test('a second store object on the same storage sees the data, and the first sees its writes', async () => {
      const rows = catalogFixture();
      await suite.withStore(rows, async (store, ctx) => {
        await store.optimize();
        const second = await required(ctx.reopen, 'a reopen() giving a second store object on the same storage')();
        try {
          expect(await second.recordedEmbedder()).toEqual(EMBEDDER);
          await second.open(EMBEDDER);
          expect(await second.count()).toBe(rows.length);
          // A write through one object is seen by the other.
          await second.upsert([makeProduct('from-second', { vector: rows[0].vector })]);
          expect(await store.count()).toBe(rows.length + 1);
        } finally {
          await second.close();
        }
      });
    });
  });
}
