/** What only the LanceDB store does: its keyword index upkeep, the ANN index threshold, recreate, its record file, table names. */
import { rm } from 'node:fs/promises';
import os from 'node:os';
import * as lancedb from '@lancedb/lancedb';
import { describe, expect, it } from 'vitest';
import { embedderRecordPath } from '../../../src/adapters/lancedb/embedder-record.js';
import { KEYWORD_INDEX } from '../../../src/adapters/lancedb/indexes.js';
import { openLanceDbStore } from '../../../src/adapters/lancedb/index.js';
import { rowsToArrow } from '../../../src/adapters/lancedb/schema.js';
import { HitlineError, UserInputError } from '../../../src/core/errors.js';
import { catalogFixture, cosine, makeProduct, randomUnitVector, seededRandom } from '../../contract/vector-store/fixture.js';
import { DIM, EMBEDDER, openedStore } from './helpers.js';

describe('LanceDbStore specifics', () => {
  it('keeps the keyword index current after each upsert, so the best match ranks first', async () => {
    const store = await openedStore();
    const random = seededRandom(8);
    // Weak matches first, the strongest match written last (LanceDB's flat scan of unindexed rows would
    // return the first rows it meets).
    const weak = Array.from({ length: 30 }, (_, i) =>
      makeProduct(`weak${i}`, { keywords: `wool ${'filler '.repeat(8)}x${i}`, vector: randomUnitVector(random, DIM) }),
    );
    await store.upsert(weak);
    await store.upsert([makeProduct('strong', { keywords: 'wool wool wool', vector: randomUnitVector(random, DIM) })]);
    const table = await (await lancedb.connect(store.dir)).openTable('products');
    expect((await table.indexStats(KEYWORD_INDEX))?.numUnindexedRows).toBe(0);
    const hits = await store.keywordSearch('wool', { filter: [], limit: 1 });
    expect(hits.map((h) => h.id)).toEqual(['strong']);
    await store.close();
  });

  it('ranks keyword hits right even when rows were written around hitline (index lagging)', async () => {
    const store = await openedStore();
    const random = seededRandom(9);
    await store.upsert([makeProduct('indexed', { keywords: `silk ${'filler '.repeat(8)}`, vector: randomUnitVector(random, DIM) })]);
    // A raw LanceDB write, as an interrupted write would leave it: rows the keyword index does not cover.
    const table = await (await lancedb.connect(store.dir)).openTable('products');
    const raw = [
      ...Array.from({ length: 20 }, (_, i) => makeProduct(`raw${i}`, { keywords: `silk ${'filler '.repeat(8)}r${i}`, vector: randomUnitVector(random, DIM) })),
      makeProduct('raw-best', { keywords: 'silk silk silk', vector: randomUnitVector(random, DIM) }),
    ];
    await table.add(rowsToArrow(raw, DIM));
    expect((await table.indexStats(KEYWORD_INDEX))?.numUnindexedRows).toBeGreaterThan(0);
    const hits = await store.keywordSearch('silk', { filter: [], limit: 3 });
    expect(hits[0].id).toBe('raw-best');
    expect(hits.map((h) => h.rank)).toEqual([1, 2, 3]);
    // The filter still applies on this path.
    const filtered = await store.keywordSearch('silk', { filter: [{ field: 'id', op: 'in', values: ['raw3', 'indexed'] }], limit: 5 });
    expect(filtered.map((h) => h.id).sort()).toEqual(['indexed', 'raw3']);
    await store.close();
  });

  it('builds an HNSW index at the threshold; search stays exact-equivalent and finds rows written after the build', async () => {
    const store = await openedStore({ annMinRows: 300 });
    const random = seededRandom(12);
    const rows = Array.from({ length: 320 }, (_, i) =>
      makeProduct(`r${i}`, { category: i % 4 === 0 ? 'coat' : 'dress', salesCount: i, vector: randomUnitVector(random, DIM) }),
    );
    await store.upsert(rows.slice(0, 200));
    await store.optimize();
    const table = await (await lancedb.connect(store.dir, { readConsistencyInterval: 0 })).openTable('products');
    expect((await table.listIndices()).some((i) => i.columns.includes('vector'))).toBe(false);
    await store.upsert(rows.slice(200, 310));
    await store.optimize();
    expect((await table.listIndices()).find((i) => i.columns.includes('vector'))?.indexType).toMatch(/HNSW/i);
    await store.upsert(rows.slice(310)); // after the build, not yet indexed
    const late = await store.denseSearch(rows[315].vector, { filter: [], limit: 1 });
    expect(late[0].id).toBe('r315');
    let agree = 0;
    let total = 0;
    for (const q of [3, 50, 101, 250, 312]) {
      const query = rows[q].vector.map((x) => x + (random() - 0.5) * 0.2);
      const filter = [{ field: 'category' as const, op: 'eq' as const, value: 'coat' }];
      const exact = rows
        .filter((p) => p.category === 'coat')
        .map((p) => ({ id: p.id, s: cosine(query, p.vector) }))
        .sort((a, b) => b.s - a.s)
        .slice(0, 10)
        .map((x) => x.id);
      const ann = (await store.denseSearch(query, { filter, limit: 10 })).map((h) => h.id);
      const bypass = (await store.denseSearch(query, { filter, limit: 10, exact: true })).map((h) => h.id);
      expect(bypass).toEqual(exact);
      agree += ann.filter((id) => exact.includes(id)).length;
      total += exact.length;
    }
    expect(agree / total).toBeGreaterThanOrEqual(0.98);
    await store.close();
  });

  it('searches a table whose index has more partitions than LanceDB probes by default (probes above 20)', async () => {
    // 200 IVF partitions: hitline probes an eighth of them, 25, above LanceDB's default maximum of 20.
    const store = await openedStore({ annMinRows: 300, rowsPerPartition: 3 });
    const random = seededRandom(7);
    const rows = Array.from({ length: 600 }, (_, i) => makeProduct(`p${i}`, { vector: randomUnitVector(random, DIM) }));
    await store.upsert(rows);
    await store.optimize();
    const table = await (await lancedb.connect(store.dir, { readConsistencyInterval: 0 })).openTable('products');
    expect((await table.listIndices()).find((i) => i.columns.includes('vector'))?.name).toBe('vector_ivf200_idx');
    const hits = await store.denseSearch(rows[42].vector, { filter: [], limit: 3 });
    expect(hits[0].id).toBe('p42');
    table.close();
    await store.close();
  });

  it('recreate() switches a store to another embedder, emptying it', async () => {
    const store = await openedStore();
    await store.upsert(catalogFixture(DIM, 5));
    const other = { embedderId: 'other/model@1', dimension: 8 };
    await store.recreate(other);
    expect(await store.recordedEmbedder()).toEqual(other);
    expect(await store.count()).toBe(0);
    await store.upsert([makeProduct('x', { vector: randomUnitVector(seededRandom(1), 8) })]);
    expect(await store.count()).toBe(1);
    await store.close();
  });

  it('refuses a table that has lost its embedder record', async () => {
    const store = await openedStore();
    await store.close();
    await rm(embedderRecordPath(store.dir, 'products'));
    await expect(store.recordedEmbedder()).rejects.toThrow(/no record of the embedder/);
    await expect(store.open(EMBEDDER)).rejects.toBeInstanceOf(HitlineError);
  });

  it('names the product and field when a row is invalid', async () => {
    const store = await openedStore();
    const bad = makeProduct('bad-sales', { salesCount: Number.NaN, vector: randomUnitVector(seededRandom(2), DIM) });
    await expect(store.upsert([bad])).rejects.toThrow(UserInputError);
    await expect(store.upsert([bad])).rejects.toThrow(/"bad-sales": salesCount must be a whole number/);
    const zero = makeProduct('zero-vector', { vector: new Float32Array(DIM) });
    await expect(store.upsert([zero])).rejects.toThrow(/zero-vector.*all zeros/);
    await store.close();
  });

  it('rejects table names that could leave the folder', () => {
    expect(() => openLanceDbStore({ dir: os.tmpdir(), table: '../escape' })).toThrow(UserInputError);
  });
});
