/**
 * What the Milvus adapter puts on the wire, decoded by the gRPC recorder from the SDK's real requests:
 * the collection schema, the indexes, upsert columns (sparse encoding included), the hybrid search
 * with its filter on every leg, and the expressions of get/delete/scan.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fuseRrf } from '../../../src/search/rrf.js';
import type { Filter } from '../../../src/core/filter.js';
import { MilvusStore, MilvusWriteError, compileMilvusFilter, type MilvusConfig } from '../../../src/adapters/milvus/index.js';
import { estimateRowBytes } from '../../../src/adapters/milvus/rows.js';
import { RECORD_FIELDS, VARCHAR_MAX_BYTES } from '../../../src/adapters/milvus/schema.js';
import { documentSparse, querySparse, termIndex } from '../../../src/adapters/milvus/sparse.js';
import type { EmbedderInfo, StoredProduct, UpsertProgress } from '../../../src/ports/vector-store.js';
import { EmbedderMismatchError, HitlineError, UserInputError } from '../../../src/core/errors.js';
import { decodeCollectionSchema, decodePlaceholderGroup, encodedSize, keyValues, MilvusRecorder } from '../../fakes/milvus-recorder.js';
import { parseSparseBytes } from '../../fakes/milvus-fake-collection.js';

const EMBEDDER: EmbedderInfo = { embedderId: 'test/wire@1', dimension: 4 };
const TOKEN = 'tok-secret-4242';

let recorder: MilvusRecorder;
let n = 0;
const open: MilvusStore[] = [];

beforeAll(async () => {
  recorder = await MilvusRecorder.start();
});
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});
afterAll(async () => {
  await recorder.stop();
});

function config(extra: Partial<MilvusConfig> = {}): MilvusConfig {
  return { address: recorder.address, token: TOKEN, collection: `wire_${++n}`, ...extra };
}

async function openStore(extra: Partial<MilvusConfig> = {}, embedder = EMBEDDER): Promise<MilvusStore> {
  const store = new MilvusStore(config(extra));
  open.push(store);
  await store.open(embedder);
  return store;
}

function product(id: string, fields: Partial<StoredProduct> = {}): StoredProduct {
  return {
    id,
    category: 'dress',
    color: 'red',
    style: 'casual',
    season: 'summer',
    salesCount: 100,
    price: 19.99,
    description: 'a red dress',
    imagePath: `/images/${id}.jpg`,
    imageHash: `hash-${id}`,
    attributes: {},
    keywords: 'red dress',
    vector: Float32Array.from([1, 0, 0, 0]),
    ...fields,
  };
}

/** Calls made to one collection since `from`. */
function callsFor(collection: string, method: string, from = 0) {
  return recorder.calls.slice(from).filter((c) => c.method === method && c.request.collection_name === collection).map((c) => c.request);
}

describe('collection schema and indexes', () => {
  it('creates the collection with a VarChar product id primary key, typed scalar fields, dense and sparse vectors', async () => {
    const store = await openStore();
    const [create] = callsFor(store.collectionName, 'CreateCollection');
    expect(create.consistency_level).toBe('Strong');
    const schema = decodeCollectionSchema(create.schema);
    expect(schema.name).toBe(store.collectionName);
    expect(schema.enable_dynamic_field).toBe(false);
    expect(JSON.parse(schema.description)).toEqual({ hitline: 1, embedderId: EMBEDDER.embedderId, dimension: 4 });
    const fields = schema.fields.map((f) => ({
      name: f.name,
      type: f.data_type,
      pk: f.is_primary_key,
      params: keyValues(f.type_params),
    }));
    expect(fields).toEqual([
      { name: 'id', type: 'VarChar', pk: true, params: { max_length: '256' } },
      { name: 'category', type: 'VarChar', pk: false, params: { max_length: '256' } },
      { name: 'color', type: 'VarChar', pk: false, params: { max_length: '256' } },
      { name: 'style', type: 'VarChar', pk: false, params: { max_length: '256' } },
      { name: 'season', type: 'VarChar', pk: false, params: { max_length: '256' } },
      { name: 'sales_count', type: 'Int64', pk: false, params: {} },
      { name: 'price', type: 'Double', pk: false, params: {} },
      { name: 'has_price', type: 'Bool', pk: false, params: {} },
      { name: 'description', type: 'VarChar', pk: false, params: { max_length: '65535' } },
      { name: 'image_path', type: 'VarChar', pk: false, params: { max_length: '4096' } },
      { name: 'image_hash', type: 'VarChar', pk: false, params: { max_length: '128' } },
      { name: 'attributes', type: 'JSON', pk: false, params: {} },
      { name: 'keywords', type: 'VarChar', pk: false, params: { max_length: '65535' } },
      { name: 'dense', type: 'FloatVector', pk: false, params: { dim: '4' } },
      { name: 'sparse', type: 'SparseFloatVector', pk: false, params: {} },
    ]);
    expect(schema.fields.find((f) => f.name === 'id')?.autoID).toBe(false);
  });

  it('indexes dense with HNSW + COSINE, sparse with SPARSE_INVERTED_INDEX + IP, category INVERTED, sales_count STL_SORT, then loads', async () => {
    const store = await openStore();
    const c = store.collectionName;
    const indexes = callsFor(c, 'CreateIndex').map((r) => ({ field: r.field_name, name: r.index_name, ...keyValues(r.extra_params) }));
    expect(indexes).toEqual([
      { field: 'dense', name: 'dense', index_type: 'HNSW', metric_type: 'COSINE', params: '{"M":16,"efConstruction":200}' },
      { field: 'sparse', name: 'sparse', index_type: 'SPARSE_INVERTED_INDEX', metric_type: 'IP', params: '{"drop_ratio_build":0}' },
      { field: 'category', name: 'category', index_type: 'INVERTED' },
      { field: 'sales_count', name: 'sales_count', index_type: 'STL_SORT' },
    ]);
    expect(callsFor(c, 'LoadCollection')).toHaveLength(1);
  });

  it('uses an exact FLAT index when asked, and then sends no ef', async () => {
    const store = await openStore({ denseIndex: 'FLAT' });
    const c = store.collectionName;
    const dense = callsFor(c, 'CreateIndex').find((r) => r.field_name === 'dense');
    expect(keyValues(dense!.extra_params)).toEqual({ index_type: 'FLAT', metric_type: 'COSINE', params: '{}' });
    await store.upsert([product('a')]);
    await store.denseSearch(Float32Array.from([1, 0, 0, 0]), { filter: [], limit: 3 });
    const [search] = callsFor(c, 'Search');
    expect(keyValues(search.search_params).params).toBe('{}');
  });

  it('reopens an existing collection without recreating it, and refuses another embedder', async () => {
    const first = await openStore();
    const c = first.collectionName;
    await first.upsert([product('a')]);
    const mark = recorder.calls.length;
    const second = new MilvusStore({ address: recorder.address, token: TOKEN, collection: c });
    open.push(second);
    expect(await second.recordedEmbedder()).toEqual(EMBEDDER);
    await second.open(EMBEDDER);
    expect(callsFor(c, 'CreateCollection', mark)).toHaveLength(0);
    expect(callsFor(c, 'CreateIndex', mark)).toHaveLength(0);
    expect(await second.count()).toBe(1);
    const err = await second.open({ embedderId: 'other/model@3', dimension: 4 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EmbedderMismatchError);
    expect((err as Error).message).toContain('test/wire@1');
    expect((err as Error).message).toContain('other/model@3');
  });

  it('creates missing indexes on an existing collection', async () => {
    const store = await openStore();
    const c = store.collectionName;
    recorder.collections.get(c)!.indexes.splice(2); // lose the scalar indexes
    const mark = recorder.calls.length;
    await store.optimize();
    expect(callsFor(c, 'CreateIndex', mark).map((r) => r.field_name)).toEqual(['category', 'sales_count']);
    const flushes = recorder.calls.slice(mark).filter((call) => call.method === 'Flush');
    expect(flushes.map((f) => f.request.collection_names)).toEqual([[c]]);
  });

  it('refuses a collection hitline did not create', async () => {
    const c = `foreign_${++n}`;
    const probe = await openStore({ collection: c });
    recorder.collections.get(c)!.schema.description = 'made by someone else';
    await probe.close();
    const store = new MilvusStore({ address: recorder.address, token: TOKEN, collection: c });
    open.push(store);
    const err = await store.open(EMBEDDER).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HitlineError);
    expect((err as Error).message).toMatch(/was not created by hitline/);
    expect((err as HitlineError).hint).toMatch(/MILVUS_COLLECTION/);
  });
});

describe('upsert on the wire', () => {
  it('sends every field as a column, a null price as has_price = false, and client-side BM25 sparse rows', async () => {
    const store = await openStore();
    const rows = [
      product('a', { salesCount: 1500, attributes: { material: 'silk' }, keywords: 'red dress dress' }),
      product('b', { price: null, salesCount: 7, keywords: '羽绒服 羽绒 冬季', vector: Float32Array.from([0.1, 0.2, 0.3, 0.4]) }),
    ];
    await store.upsert(rows);
    const [up] = callsFor(store.collectionName, 'Upsert');
    expect(Number(up.num_rows)).toBe(2);
    const col = (name: string) => up.fields_data.find((f: { field_name: string }) => f.field_name === name);
    expect(up.fields_data.map((f: { field_name: string }) => f.field_name).sort()).toEqual(
      ['id', 'category', 'color', 'style', 'season', 'sales_count', 'price', 'has_price', 'description', 'image_path', 'image_hash', 'attributes', 'keywords', 'dense', 'sparse'].sort(),
    );
    expect(col('id').scalars.string_data.data).toEqual(['a', 'b']);
    expect(col('sales_count').scalars.long_data.data).toEqual(['1500', '7']);
    expect(col('price').scalars.double_data.data).toEqual([19.99, 0]);
    expect(col('has_price').scalars.bool_data.data).toEqual([true, false]);
    expect(col('attributes').scalars.json_data.data.map((b: Buffer) => JSON.parse(b.toString()))).toEqual([{ material: 'silk' }, {}]);
    expect(col('dense').vectors.dim).toBe('4');
    expect(col('dense').vectors.float_vector.data).toEqual([...rows[0].vector, ...rows[1].vector]);

    const sparse = col('sparse').vectors.sparse_float_vector.contents.map(parseSparseBytes);
    rows.forEach((row, i) => {
      const want = documentSparse(row.keywords);
      expect(sparse[i].indices).toEqual(want.indices);
      sparse[i].values.forEach((v: number, j: number) => expect(v).toBeCloseTo(want.values[j], 6));
    });
    // One entry per distinct term, ascending, and "dress" (tf 2) outweighs "red" (tf 1).
    expect(sparse[0].indices).toEqual([termIndex('red'), termIndex('dress')].sort((x, y) => x - y));
    const weight = (term: string) => sparse[0].values[sparse[0].indices.indexOf(termIndex(term))];
    expect(weight('dress')).toBeGreaterThan(weight('red'));
    expect(sparse[1].indices).toHaveLength(3);
  });

  it('splits upserts into batches under the row and byte bounds, reporting progress after each', async () => {
    const store = await openStore({ maxBatchRows: 3 });
    const rows = Array.from({ length: 7 }, (_, i) => product(`r${i}`));
    const progress: UpsertProgress[] = [];
    await store.upsert(rows, (p) => progress.push({ ...p }));
    expect(callsFor(store.collectionName, 'Upsert').map((r) => Number(r.num_rows))).toEqual([3, 3, 1]);
    expect(progress).toEqual([
      { done: 3, total: 7 },
      { done: 6, total: 7 },
      { done: 7, total: 7 },
    ]);

    const maxBytes = 2 * estimateRowBytes(rows[0]) + 10;
    const small = await openStore({ maxBatchBytes: maxBytes });
    await small.upsert(rows);
    const sizes = callsFor(small.collectionName, 'Upsert').map((r) => Number(r.num_rows));
    expect(sizes).toEqual([2, 2, 2, 1]);
    expect(await small.count()).toBe(7);
  });

  it('keeps every upsert request under maxBatchBytes as encoded on the wire, with 2048-d vectors', async () => {
    const dim = 2048;
    const maxBatchBytes = 256 * 1024;
    const store = await openStore({ maxBatchBytes }, { embedderId: 'test/wide@1', dimension: dim });
    const rows = Array.from({ length: 100 }, (_, i) =>
      product(`w${i}`, {
        description: `${'long description '.repeat(100)}${i}`,
        keywords: `${'term '.repeat(200)}w${i}`,
        attributes: { note: 'x'.repeat(300) },
        vector: Float32Array.from({ length: dim }, (_, j) => Math.sin(i + j)),
      }),
    );
    await store.upsert(rows);
    const upserts = callsFor(store.collectionName, 'Upsert');
    const sizes = upserts.map((u) => encodedSize('Upsert', u));
    expect(upserts.reduce((s, u) => s + Number(u.num_rows), 0)).toBe(100);
    for (const size of sizes) expect(size).toBeLessThanOrEqual(maxBatchBytes);
    // The estimate is an upper bound but not a wasteful one: full batches fill most of the budget.
    for (const size of sizes.slice(0, -1)) expect(size).toBeGreaterThan(0.7 * maxBatchBytes);
  });

  it('throws a MilvusWriteError with the failed batch ids when the server refuses a batch, after storing earlier batches', async () => {
    const store = await openStore({ maxBatchRows: 3 });
    const rows = Array.from({ length: 7 }, (_, i) => product(`r${i}`));
    recorder.failNext('Upsert', { status: { code: 65535, error_code: 'UnexpectedError', reason: `segment full (client token ${TOKEN})` } }, { skip: 1 });
    const progress: UpsertProgress[] = [];
    const err = await store.upsert(rows, (p) => progress.push({ ...p })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MilvusWriteError);
    const write = err as MilvusWriteError;
    expect(write.failedIds).toEqual(['r3', 'r4', 'r5']);
    expect(write.storedCount).toBe(3);
    expect(write.message).toContain('"r3"');
    expect(write.message).toContain('segment full');
    expect(write.message).toContain(recorder.address);
    expect(write.message).not.toContain(TOKEN);
    expect(write.hint).toBeTruthy();
    // Progress never claimed the failed batch, and the third batch was not sent.
    expect(progress).toEqual([{ done: 3, total: 7 }]);
    expect(callsFor(store.collectionName, 'Upsert')).toHaveLength(2);
  });

  it('names only the rows the server lists in err_index', async () => {
    const store = await openStore();
    recorder.failNext('Upsert', {
      respond: () => ({ status: { code: 0, error_code: 'Success', reason: '' }, succ_index: [0, 2], err_index: [1], upsert_cnt: '2' }),
    });
    const err = (await store.upsert([product('x'), product('y'), product('z')]).catch((e: unknown) => e)) as MilvusWriteError;
    expect(err).toBeInstanceOf(MilvusWriteError);
    expect(err.failedIds).toEqual(['y']);
  });

  it('treats a short upsert count as a failure rather than reporting the batch stored', async () => {
    const store = await openStore();
    recorder.failNext('Upsert', { respond: () => ({ status: { code: 0, error_code: 'Success', reason: '' }, upsert_cnt: '1' }) });
    const err = (await store.upsert([product('x'), product('y')]).catch((e: unknown) => e)) as MilvusWriteError;
    expect(err).toBeInstanceOf(MilvusWriteError);
    expect(err.failedIds).toEqual(['x', 'y']);
  });

  it('refuses strings over the VarChar limits (counted in UTF-8 bytes), naming the product, before sending anything', async () => {
    const store = await openStore();
    const mark = recorder.calls.length;
    // 22,000 Chinese characters are 66,000 bytes: under 65,535 characters, over 65,535 bytes.
    const long = '羽'.repeat(22_000);
    const err = await store.upsert([product('ok'), product('too-long-description', { description: long })]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserInputError);
    expect((err as Error).message).toContain('too-long-description');
    expect((err as Error).message).toContain(`${VARCHAR_MAX_BYTES.description}`);
    const err2 = await store.upsert([product('c'.repeat(300))]).catch((e: unknown) => e);
    expect(err2).toBeInstanceOf(UserInputError);
    expect((err2 as Error).message).toMatch(/id is 300 bytes/);
    expect(callsFor(store.collectionName, 'Upsert', mark)).toHaveLength(0);
  });

  it('refuses a fractional sales count instead of rounding it', async () => {
    const store = await openStore();
    await expect(store.upsert([product('frac', { salesCount: 1.5 })])).rejects.toThrow(/frac.*not a whole number/);
  });
});

describe('searches on the wire', () => {
  const HOSTILE: Filter = [
    { field: 'category', op: 'eq', value: '" or 1==1 or "' },
    { field: 'salesCount', op: 'gt', value: 10 },
  ];
  const HOSTILE_EXPR = 'category == "\\" or 1==1 or \\"" and sales_count > 10';

  it('sends ONE HybridSearch with the filter on each leg, per-leg topk, RRF k, the fused limit and the output fields', async () => {
    const store = await openStore();
    const c = store.collectionName;
    await store.upsert([product('a', { category: '" or 1==1 or "', salesCount: 50 }), product('b')]);
    expect(compileMilvusFilter(HOSTILE)).toBe(HOSTILE_EXPR);
    const mark = recorder.calls.length;
    const vector = Float32Array.from([0.5, 0.5, 0, 0]);
    const result = await store.hybridSearch({ vector, keywords: 'red dress', filter: HOSTILE, perLeg: 7, top: 2, rrfK: 42 });
    expect(result.hits.map((h) => h.product.id)).toEqual(['a']);

    const hybrid = callsFor(c, 'HybridSearch', mark);
    expect(hybrid).toHaveLength(1);
    const [h] = hybrid;
    expect(h.requests).toHaveLength(2);
    expect(h.requests.map((r: { dsl: string }) => r.dsl)).toEqual([HOSTILE_EXPR, HOSTILE_EXPR]);
    const legs = h.requests.map((r: { search_params: Array<{ key: string; value: string }> }) => keyValues(r.search_params));
    expect(legs.map((l: Record<string, string>) => [l.anns_field, l.topk, l.params])).toEqual([
      ['dense', '7', '{"ef":128}'],
      ['sparse', '7', '{"drop_ratio_search":0}'],
    ]);
    const rank = keyValues(h.rank_params);
    expect(rank.strategy).toBe('rrf');
    expect(JSON.parse(rank.params)).toEqual({ k: 42 });
    expect(rank.limit).toBe('2');
    expect(h.output_fields).toEqual(RECORD_FIELDS);

    const [denseGroup] = decodePlaceholderGroup(h.requests[0].placeholder_group);
    expect(denseGroup.type).toBe('FloatVector');
    expect(denseGroup.vectors[0]).toEqual([0.5, 0.5, 0, 0]);
    const [sparseGroup] = decodePlaceholderGroup(h.requests[1].placeholder_group);
    expect(sparseGroup.type).toBe('SparseFloatVector');
    expect(sparseGroup.vectors[0]).toEqual(querySparse('red dress'));

    // The single-leg searches issued beside it are the same leg requests.
    const searches = callsFor(c, 'Search', mark);
    expect(searches).toHaveLength(2);
    for (const [i, s] of searches.entries()) {
      expect(s.dsl).toBe(h.requests[i].dsl);
      expect(keyValues(s.search_params)).toEqual(keyValues(h.requests[i].search_params));
      expect(Buffer.from(s.placeholder_group).equals(Buffer.from(h.requests[i].placeholder_group))).toBe(true);
    }
  });

  it('orders fused hits as fuseRrf does even where Milvus breaks ties the other way', async () => {
    const store = await openStore();
    await store.upsert([
      product('a-dense', { vector: Float32Array.from([1, 0, 0, 0]), keywords: 'alpha' }),
      product('b-keyword', { vector: Float32Array.from([0, 0, 0, 1]), keywords: 'beta' }),
    ]);
    const query = { vector: Float32Array.from([1, 0, 0, 0]), keywords: 'beta', filter: [], perLeg: 1, top: 2, rrfK: 60 };
    const result = await store.hybridSearch(query);
    // One hit is first in the dense leg only, the other first in the keyword leg only: equal RRF scores.
    const want = fuseRrf([
      { name: 'dense', ids: result.dense.map((h) => h.id) },
      { name: 'keyword', ids: result.keyword.map((h) => h.id) },
    ]);
    expect(result.hits.map((h) => h.product.id)).toEqual(want.map((f) => f.id));
    expect(result.hits.map((h) => h.product.id)).toEqual(['a-dense', 'b-keyword']);
    expect(result.hits.map((h) => [h.denseRank, h.keywordRank])).toEqual([
      [1, null],
      [null, 1],
    ]);
    expect(result.hits[0].score).toBe(1 / 61);
  });

  it('fuses in hitline when Milvus cannot (leg weights): the two legs only, no HybridSearch', async () => {
    const store = await openStore();
    const c = store.collectionName;
    await store.upsert([product('a'), product('b', { keywords: 'blue coat', vector: Float32Array.from([0, 1, 0, 0]) })]);
    const mark = recorder.calls.length;
    const result = await store.hybridSearch({ vector: Float32Array.from([0, 1, 0, 0]), keywords: 'red', filter: [], perLeg: 5, top: 5, rrfK: 60, weights: { dense: 3 } });
    expect(callsFor(c, 'HybridSearch', mark)).toHaveLength(0);
    expect(callsFor(c, 'Search', mark)).toHaveLength(2);
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
    const store = await openStore();
    const c = store.collectionName;
    await store.upsert([product('a')]);
    const mark = recorder.calls.length;
    await store.count([{ field: 'color', op: 'in', values: ["it's", 'back\\slash', 'line\nbreak'] }, { field: 'salesCount', op: 'gte', value: 99.5 }]);
    await store.count([{ field: 'price', op: 'lt', value: 20 }]);
    const queries = callsFor(c, 'Query', mark);
    expect(queries.map((q) => q.expr)).toEqual([
      'color in ["it\'s", "back\\\\slash", "line\\nbreak"] and sales_count >= 100',
      '(has_price == true and price < 20)',
    ]);
    expect(queries.map((q) => q.output_fields)).toEqual([['count(*)'], ['count(*)']]);
  });

  it('gets and deletes by escaped id lists, and counts only ids that existed', async () => {
    const store = await openStore();
    const c = store.collectionName;
    await store.upsert([product("it's"), product('a\\b'), product('plain')]);
    const mark = recorder.calls.length;
    expect(await store.delete(["it's", 'a\\b', 'missing"'])).toBe(2);
    const [del] = callsFor(c, 'Delete', mark);
    expect(del.expr).toBe('id in ["it\'s", "a\\\\b"]');
    const [lookup] = callsFor(c, 'Query', mark);
    expect(lookup.expr).toBe('id in ["it\'s", "a\\\\b", "missing\\""]');
    expect(await store.count()).toBe(1);
  });

  it('scans by listing ids, then reading rows with vectors in batches', async () => {
    const store = await openStore();
    const c = store.collectionName;
    const rows = ['d', 'b', 'a', 'c', 'e'].map((id, i) => product(id, { vector: Float32Array.from([i, 1, 0, 0]) }));
    await store.upsert(rows);
    const mark = recorder.calls.length;
    const batches: string[][] = [];
    for await (const batch of store.scan(2)) {
      batches.push(batch.map((p) => p.id));
      for (const p of batch) expect(Array.from(p.vector)).toEqual(Array.from(rows.find((r) => r.id === p.id)!.vector));
    }
    expect(batches).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    const queries = callsFor(c, 'Query', mark);
    expect(queries[0].expr).toBe('id != ""');
    expect(queries[0].output_fields).toEqual(['id']);
    expect(queries.slice(1).map((q) => q.expr)).toEqual(['id in ["a", "b"]', 'id in ["c", "d"]', 'id in ["e"]']);
    expect(queries[1].output_fields).toContain('dense');
  });

  it('sends the database name with every call', async () => {
    const store = await openStore({ database: 'shop' });
    const calls = recorder.calls.filter((call) => call.request.collection_name === store.collectionName);
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) expect(call.metadata.dbname).toBe('shop');
  });
});
