/** Row conversion and upsert batch planning (src/adapters/milvus/rows.ts); the checks before sending are store-rules'. */
import { describe, expect, it } from 'vitest';
import { estimateRowBytes, fromMilvusRow, planBatches, toMilvusRow } from '../../../src/adapters/milvus/rows.js';
import type { StoredProduct } from '../../../src/ports/vector-store.js';

function product(id: string, fields: Partial<StoredProduct> = {}): StoredProduct {
  return {
    id,
    category: 'coat',
    color: 'navy',
    style: 'street',
    season: 'winter',
    salesCount: 42,
    price: null,
    description: 'wool coat',
    imagePath: `/img/${id}.jpg`,
    imageHash: 'f'.repeat(64),
    attributes: { material: 'wool' },
    keywords: 'wool coat navy street winter',
    vector: Float32Array.from([0.5, 0.25, 0.125, 0.0625]),
    ...fields,
  };
}

const OWN = { layout: { keywordLeg: { kind: 'sparse' }, tenantScoped: false }, tenant: null } as const;
const SHARED_BM25 = { layout: { keywordLeg: { kind: 'bm25', analyzer: { name: 'jieba', params: {} } }, tenantScoped: true }, tenant: 'shop-1' } as const;

describe('toMilvusRow / fromMilvusRow', () => {
  it('round-trips a product, a null price included', () => {
    const p = product('a');
    const row = toMilvusRow(p, OWN);
    expect(row.price).toBe(0);
    expect(row.has_price).toBe(false);
    expect(row.dense).toEqual([0.5, 0.25, 0.125, 0.0625]);
    // As the SDK hands query results back: Int64 as a string, the vector as numbers.
    const back = fromMilvusRow({ ...row, sales_count: '42' }, true);
    expect(back).toEqual(p);
    expect(fromMilvusRow({ ...toMilvusRow(product('b', { price: 12.5 }), OWN) }).price).toBe(12.5);
  });

  it("keys a tenant's row by tenant/id, and leaves the sparse field to the server's BM25 function", () => {
    const row = toMilvusRow(product('a'), SHARED_BM25);
    expect([row.pk, row.tenant, row.id]).toEqual(['shop-1/a', 'shop-1', 'a']);
    expect(row).not.toHaveProperty('sparse');
    expect(toMilvusRow(product('a'), OWN)).not.toHaveProperty('pk');
    expect(toMilvusRow(product('a'), OWN)).toHaveProperty('sparse');
  });
});

describe('planBatches', () => {
  it('keeps order and stays under both the row and the byte bound', () => {
    const rows = Array.from({ length: 10 }, (_, i) => product(`p${i}`, { description: 'x'.repeat(i * 100) }));
    const maxBytes = 2_500;
    const batches = planBatches(rows, { maxBytes, maxRows: 4 });
    expect(batches.flat().map((p) => p.id)).toEqual(rows.map((p) => p.id));
    for (const b of batches) {
      expect(b.length).toBeLessThanOrEqual(4);
      if (b.length > 1) expect(b.reduce((s, p) => s + estimateRowBytes(p), 0)).toBeLessThanOrEqual(maxBytes);
    }
    expect(batches.length).toBeGreaterThan(3);
  });

  it('sends a single oversized row alone rather than dropping it', () => {
    const big = product('big', { description: 'y'.repeat(10_000) });
    expect(planBatches([product('a'), big, product('b')], { maxBytes: 1_000, maxRows: 100 }).map((b) => b.map((p) => p.id))).toEqual([['a'], ['big'], ['b']]);
  });

  it('counts the vector as 4 bytes per dimension', () => {
    const small = estimateRowBytes(product('v', { vector: new Float32Array(4) }));
    const large = estimateRowBytes(product('v', { vector: new Float32Array(2048) }));
    expect(large - small).toBe(4 * 2044);
  });
});
