/** VectorStore contract: upsert, get, image hashes, delete, concurrent writes, and vectors a store refuses. */
import { describe, expect } from 'vitest';
import { HitlineError } from '../../../src/core/errors.js';
import type { StoredProduct } from '../../../src/ports/vector-store.js';
import { keywordText } from '../../../src/search/tokenize.js';
import { DIM, catalogFixture, makeProduct, randomUnitVector, record, seededRandom } from './fixture.js';
import type { ContractSuite } from './suite.js';

export function writeTests(suite: ContractSuite): void {
  describe('writes', () => {
    suite.test('upserts rows that get() returns field for field, with vectors when asked', async () => {
      const rows = catalogFixture();
      await suite.withStore(rows, async (store) => {
        expect(await store.count()).toBe(rows.length);
        const ids = ['p005', 'p000', 'p017', 'missing'];
        const got = await store.get(ids);
        expect(got.map((r) => r.id)).toEqual(['p005', 'p000', 'p017']);
        for (const r of got) {
          const want = rows.find((p) => p.id === r.id)!;
          expect(r).toEqual(record(want));
        }
        const withVectors = (await store.get(['p012'], { withVectors: true })) as StoredProduct[];
        expect(withVectors[0].vector).toBeInstanceOf(Float32Array);
        expect(Array.from(withVectors[0].vector)).toEqual(Array.from(rows[12].vector));
        expect(await store.get([])).toEqual([]);
      });
    });

    suite.test('returns image hashes by id for the unchanged-image cache', async () => {
      const rows = catalogFixture();
      await suite.withStore(rows, async (store) => {
        const hashes = await store.imageHashes(['p001', 'p002', 'nope']);
        expect(hashes).toEqual(new Map([['p001', 'hash-p001'], ['p002', 'hash-p002']]));
      });
    });

    suite.test('re-upserting an id replaces the row: count unchanged, fields, vector and keywords updated', async () => {
      const rows = catalogFixture();
      await suite.withStore(rows, async (store) => {
        const random = seededRandom(7);
        const changed = makeProduct('p003', {
          category: 'coat',
          salesCount: 999,
          price: null,
          description: 'quilted parka',
          attributes: { material: 'nylon' },
          vector: randomUnitVector(random, DIM),
        });
        await store.upsert([changed]);
        expect(await store.count()).toBe(rows.length);
        expect(await store.get(['p003'])).toEqual([record(changed)]);
        // The new vector and the new words are what search finds now; the old words are gone.
        const dense = await store.denseSearch(changed.vector, { filter: [], limit: 1 });
        expect(dense[0].id).toBe('p003');
        const parka = await store.keywordSearch(keywordText('parka'), { filter: [], limit: 10 });
        expect(parka.map((h) => h.id)).toEqual(['p003']);
        const oldWords = await store.keywordSearch(keywordText(rows[3].description), { filter: [], limit: 50 });
        expect(oldWords.map((h) => h.id)).not.toContain('p003');
      });
    });

    suite.test('keeps the last of duplicate ids within one upsert', async () => {
      const random = seededRandom(3);
      const first = makeProduct('dup', { color: 'red', vector: randomUnitVector(random, DIM) });
      const second = makeProduct('dup', { color: 'blue', vector: randomUnitVector(random, DIM) });
      await suite.withStore([first, second], async (store) => {
        expect(await store.count()).toBe(1);
        expect((await store.get(['dup']))[0].color).toBe('blue');
      });
    });

    suite.test('two concurrent upserts of the same new ids end with one row per id', async () => {
      const rows = catalogFixture();
      await suite.withStore([], async (store) => {
        const a = rows.slice(0, 25);
        const b = rows.slice(10, 40).map((p) => ({ ...p, color: 'changed' }));
        await Promise.all([store.upsert(a), store.upsert(b)]);
        expect(await store.count()).toBe(40);
        const got = await store.get(rows.map((p) => p.id));
        expect(got).toHaveLength(40);
        expect(new Set(got.map((r) => r.id)).size).toBe(40);
        for (const r of got) expect(await store.count([{ field: 'id', op: 'eq', value: r.id }])).toBe(1);
      });
    });

    suite.test('reports upsert progress up to the total', async () => {
      const rows = catalogFixture();
      await suite.withStore([], async (store) => {
        const seen: Array<{ done: number; total: number }> = [];
        await store.upsert(rows, (p) => seen.push({ ...p }));
        expect(seen.length).toBeGreaterThan(0);
        expect(seen.at(-1)).toEqual({ done: rows.length, total: rows.length });
        for (let i = 1; i < seen.length; i++) expect(seen[i].done).toBeGreaterThanOrEqual(seen[i - 1].done);
      });
    });

    suite.test('deletes by id, returning how many rows went', async () => {
      const rows = catalogFixture();
      await suite.withStore(rows, async (store) => {
        expect(await store.delete(['p001', 'p002', 'not-there'])).toBe(2);
        expect(await store.count()).toBe(rows.length - 2);
        expect(await store.get(['p001', 'p002', 'p003'])).toEqual([record(rows[3])]);
        const dense = await store.denseSearch(rows[1].vector, { filter: [], limit: 40 });
        expect(dense.map((h) => h.id)).not.toContain('p001');
        expect(await store.delete([])).toBe(0);
      });
    });

    suite.test('rejects a vector of the wrong dimension, naming the product, and writes nothing of that batch', async () => {
      const rows = catalogFixture();
      await suite.withStore(rows.slice(0, 5), async (store) => {
        const bad = makeProduct('short-vector', { vector: new Float32Array(DIM - 1).fill(0.1) });
        const err = await store.upsert([rows[5], bad]).then(
          () => null,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(HitlineError);
        expect((err as Error).message).toContain('short-vector');
        expect(await store.count()).toBe(5);
        // A query vector of the wrong dimension is refused too.
        await expect(store.denseSearch(new Float32Array(DIM + 3).fill(0.2), { filter: [], limit: 3 })).rejects.toThrow(HitlineError);
      });
    });

    suite.test('rejects NaN and infinite vector values, naming the product', async () => {
      await suite.withStore([], async (store) => {
        const v = new Float32Array(DIM).fill(0.25);
        v[4] = Number.NaN;
        await expect(store.upsert([makeProduct('nan-vector', { vector: v })])).rejects.toThrow(/nan-vector/);
        const w = new Float32Array(DIM).fill(0.25);
        w[0] = Number.POSITIVE_INFINITY;
        await expect(store.upsert([makeProduct('inf-vector', { vector: w })])).rejects.toThrow(/inf-vector/);
        expect(await store.count()).toBe(0);
      });
    });
  });
}
