/** What the Milvus adapter puts on the wire for searches: two leg searches with the filter and metric on each, fused by hitline, and the expressions of get/delete/scan. */
import { describe, expect, it } from 'vitest';
import { fuseRrf } from '../../../src/search/rrf.js';
import type { Filter } from '../../../src/core/filter.js';
import { compileMilvusFilter } from '../../../src/adapters/milvus/index.js';
import { RECORD_FIELDS } from '../../../src/adapters/milvus/schema.js';
import { querySparse } from '../../../src/adapters/milvus/sparse.js';
import { decodePlaceholderGroup, keyValues } from '../../fakes/milvus-recorder.js';
import { product, wireHarness } from './wire-harness.js';

const wire = wireHarness();

describe('searches on the wire', () => {
  const HOSTILE: Filter = [
    { field: 'category', op: 'eq', value: '" or 1==1 or "' },
    { field: 'salesCount', op: 'gt', value: 10 },
  ];
  const HOSTILE_EXPR = 'category == "\\" or 1==1 or \\"" and sales_count > 10';

  it('sends the two legs as searches with the filter, the metric and the per-leg topk on each, then reads the fused records by id', async () => {
    const store = await wire.openStore();
    const c = store.collectionName;
    await store.upsert([product('a', { category: '" or 1==1 or "', salesCount: 50 }), product('b')]);
    expect(compileMilvusFilter(HOSTILE)).toBe(HOSTILE_EXPR);
    const mark = wire.recorder.calls.length;
    const vector = Float32Array.from([0.5, 0.5, 0, 0]);
    const result = await store.hybridSearch({ vector, keywords: 'red dress', filter: HOSTILE, perLeg: 7, top: 2, rrfK: 42 });
    expect(result.hits.map((h) => h.product.id)).toEqual(['a']);
    expect(result.hits[0].product).toMatchObject({ id: 'a', category: '" or 1==1 or "', salesCount: 50 });

    expect(wire.callsFor(c, 'HybridSearch', mark)).toHaveLength(0);
    // The legs go out together, in either order: dense first here.
    const annsField = (r: Record<string, any>) => keyValues(r.search_params).anns_field; // eslint-disable-line @typescript-eslint/no-explicit-any
    const searches = wire.callsFor(c, 'Search', mark).sort((x, y) => annsField(x).localeCompare(annsField(y)));
    expect(searches).toHaveLength(2);
    expect(searches.map((r) => r.dsl)).toEqual([HOSTILE_EXPR, HOSTILE_EXPR]);
    const legs = searches.map((r) => keyValues(r.search_params));
    expect(legs.map((l) => [l.anns_field, l.metric_type, l.topk, l.params])).toEqual([
      ['dense', 'COSINE', '7', '{"ef":128}'],
      ['sparse', 'IP', '7', '{"drop_ratio_search":0}'],
    ]);
    expect(searches.map((r) => r.output_fields)).toEqual([['id'], ['id']]);
    const [denseGroup] = decodePlaceholderGroup(searches[0].placeholder_group);
    expect(denseGroup.type).toBe('FloatVector');
    expect(denseGroup.vectors[0]).toEqual([0.5, 0.5, 0, 0]);
    const [sparseGroup] = decodePlaceholderGroup(searches[1].placeholder_group);
    expect(sparseGroup.type).toBe('SparseFloatVector');
    expect(sparseGroup.vectors[0]).toEqual(querySparse('red dress'));

    // The fused hits' records: one primary-key query.
    const reads = wire.callsFor(c, 'Query', mark);
    expect(reads.map((q) => q.expr)).toEqual(['id in ["a"]']);
    expect(reads[0].output_fields).toEqual(RECORD_FIELDS);
    // The single-leg searches send exactly these leg requests.
    const mark2 = wire.recorder.calls.length;
    await store.denseSearch(vector, { filter: HOSTILE, limit: 7 });
    await store.keywordSearch('red dress', { filter: HOSTILE, limit: 7 });
    const single = wire.callsFor(c, 'Search', mark2);
    for (const [i, s] of single.entries()) {
      expect(s.dsl).toBe(searches[i].dsl);
      expect(keyValues(s.search_params)).toEqual(keyValues(searches[i].search_params));
      expect(Buffer.from(s.placeholder_group).equals(Buffer.from(searches[i].placeholder_group))).toBe(true);
    }
  });

  it('orders fused hits as fuseRrf does, equal scores included', async () => {
    const store = await wire.openStore();
    await store.upsert([
      product('b-dense', { vector: Float32Array.from([1, 0, 0, 0]), keywords: 'alpha' }),
      product('a-keyword', { vector: Float32Array.from([0, 0, 0, 1]), keywords: 'beta' }),
    ]);
    const query = { vector: Float32Array.from([1, 0, 0, 0]), keywords: 'beta', filter: [], perLeg: 1, top: 2, rrfK: 60 };
    const result = await store.hybridSearch(query);
    // One hit is first in the dense leg only, the other first in the keyword leg only: equal RRF scores.
    const want = fuseRrf([
      { name: 'dense', ids: result.dense.map((h) => h.id) },
      { name: 'keyword', ids: result.keyword.map((h) => h.id) },
    ]);
    expect(result.hits.map((h) => h.product.id)).toEqual(want.map((f) => f.id));
    expect(result.hits.map((h) => h.product.id)).toEqual(['a-keyword', 'b-dense']);
    expect(result.hits.map((h) => [h.denseRank, h.keywordRank])).toEqual([
      [null, 1],
      [1, null],
    ]);
    expect(result.hits[0].score).toBe(1 / 61);
  });

  it('weights the legs in hitline\'s RRF', async () => {
    const store = await wire.openStore();
    await store.upsert([product('a'), product('b', { keywords: 'blue coat', vector: Float32Array.from([0, 1, 0, 0]) })]);
    const result = await store.hybridSearch({ vector: Float32Array.from([0, 1, 0, 0]), keywords: 'red', filter: [], perLeg: 5, top: 5, rrfK: 60, weights: { dense: 3 } });
    const want = fuseRrf([
      { name: 'dense', ids: result.dense.map((h) => h.id), weight: 3 },
      { name: 'keyword', ids: result.keyword.map((h) => h.id) },
    ]);
    expect(result.dense.map((h) => h.id)).toEqual(['b', 'a']);
    expect(result.keyword.map((h) => h.id)).toEqual(['a']);
    expect(result.hits.map((h) => [h.product.id, h.score])).toEqual(want.map((f) => [f.id, f.score]));
    expect(result.hits[0].score).toBeCloseTo(3 / 62 + 1 / 61, 12);
  });

  it('compiles every filter value to an escaped literal and the Int64 bound to an integer', async () => {
    const store = await wire.openStore();
    const c = store.collectionName;
    await store.upsert([product('a')]);
    const mark = wire.recorder.calls.length;
    await store.count([{ field: 'color', op: 'in', values: ["it's", 'back\\slash', 'line\nbreak'] }, { field: 'salesCount', op: 'gte', value: 99.5 }]);
    await store.count([{ field: 'price', op: 'lt', value: 20 }]);
    const queries = wire.callsFor(c, 'Query', mark);
    expect(queries.map((q) => q.expr)).toEqual([
      'color in ["it\'s", "back\\\\slash", "line\\nbreak"] and sales_count >= 100',
      '(has_price == true and price < 20)',
    ]);
    expect(queries.map((q) => q.output_fields)).toEqual([['count(*)'], ['count(*)']]);
  });

  it('gets and deletes by escaped id lists, and counts only ids that existed', async () => {
    const store = await wire.openStore();
    const c = store.collectionName;
    await store.upsert([product("it's"), product('a\\b'), product('plain')]);
    const mark = wire.recorder.calls.length;
    expect(await store.delete(["it's", 'a\\b', 'missing"'])).toBe(2);
    const [del] = wire.callsFor(c, 'Delete', mark);
    expect(del.expr).toBe('id in ["it\'s", "a\\\\b"]');
    const [lookup] = wire.callsFor(c, 'Query', mark);
    expect(lookup.expr).toBe('id in ["it\'s", "a\\\\b", "missing\\""]');
    expect(await store.count()).toBe(1);
  });

  it('scans by listing ids, then reading rows with vectors in batches', async () => {
    const store = await wire.openStore();
    const c = store.collectionName;
    const rows = ['d', 'b', 'a', 'c', 'e'].map((id, i) => product(id, { vector: Float32Array.from([i, 1, 0, 0]) }));
    await store.upsert(rows);
    const mark = wire.recorder.calls.length;
    const batches: string[][] = [];
    for await (const batch of store.scan(2)) {
      batches.push(batch.map((p) => p.id));
      for (const p of batch) expect(Array.from(p.vector)).toEqual(Array.from(rows.find((r) => r.id === p.id)!.vector));
    }
    expect(batches).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    const queries = wire.callsFor(c, 'Query', mark);
    expect(queries[0].expr).toBe('id != ""');
    expect(queries[0].output_fields).toEqual(['id']);
    expect(queries.slice(1).map((q) => q.expr)).toEqual(['id in ["a", "b"]', 'id in ["c", "d"]', 'id in ["e"]']);
    expect(queries[1].output_fields).toContain('dense');
  });

  it('sends the database name with every call', async () => {
    const store = await wire.openStore({ database: 'shop' });
    const calls = wire.recorder.calls.filter((call) => call.request.collection_name === store.collectionName);
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) expect(call.metadata.dbname).toBe('shop');
  });
});
