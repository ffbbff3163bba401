/**
 * What the Milvus adapter puts on the wire when it makes or opens a collection: the schema, the embedder
 * record, the keyword leg it asks for and what it settles for, the indexes, the load. The recorder has no
 * BM25 function (as Milvus 2.4, it drops a schema's functions without a word).
 */
import { describe, expect, it } from 'vitest';
import { MilvusStore } from '../../../src/adapters/milvus/index.js';
import { EmbedderMismatchError, HitlineError } from '../../../src/core/errors.js';
import { decodeCollectionSchema, keyValues } from '../../fakes/milvus-recorder.js';
import { EMBEDDER, TOKEN, product, wireHarness } from './wire-harness.js';

const wire = wireHarness();

describe('collection schema and indexes', () => {
  it('creates the collection with a VarChar product id primary key, typed scalar fields, the BM25 function over keywords, and the embedder in a property', async () => {
    const store = await wire.openStore({ keywordLeg: 'auto' });
    const [create] = wire.callsFor(store.collectionName, 'CreateCollection');
    expect(create.consistency_level).toBe('Strong');
    const stamp = { hitline: 2, embedderId: EMBEDDER.embedderId, dimension: 4 };
    expect(keyValues(create.properties)).toEqual({ 'hitline.stamp': JSON.stringify(stamp) });
    const schema = decodeCollectionSchema(create.schema);
    expect(schema.name).toBe(store.collectionName);
    expect(schema.enable_dynamic_field).toBe(false);
    expect(JSON.parse(schema.description)).toEqual(stamp);
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
      {
        name: 'keywords',
        type: 'VarChar',
        pk: false,
        params: { max_length: '65535', enable_analyzer: 'true', analyzer_params: '{"tokenizer":{"type":"jieba","mode":"exact"}}' },
      },
      { name: 'dense', type: 'FloatVector', pk: false, params: { dim: '4' } },
      { name: 'sparse', type: 'SparseFloatVector', pk: false, params: {} },
    ]);
    expect(schema.fields.find((f) => f.name === 'id')?.autoID).toBe(false);
    const functions = (schema.functions as Array<Record<string, unknown>>).map((f) => [f.name, f.type, f.input_field_names, f.output_field_names]);
    expect(functions).toEqual([['keywords_bm25', 'BM25', ['keywords'], ['sparse']]]);
  });

  it('settles for client-side sparse weights when the server drops the BM25 function, as Milvus 2.4 does', async () => {
    const store = await wire.openStore({ keywordLeg: 'auto' });
    expect(store.layout?.keywordLeg).toEqual({ kind: 'sparse' });
    await store.upsert([product('a', { keywords: 'red dress' })]);
    const [up] = wire.callsFor(store.collectionName, 'Upsert');
    expect(up.fields_data.map((f: { field_name: string }) => f.field_name)).toContain('sparse');
    expect((await store.keywordSearch('red', { filter: [], limit: 5 })).map((h) => h.id)).toEqual(['a']);
  });

  it('tries the standard analyzer, then client-side weights, when the server refuses the BM25 function with jieba', async () => {
    wire.recorder.failNext('CreateCollection', { status: { code: 1100, error_code: 'IllegalArgument', reason: 'unknown tokenizer type: jieba' } });
    wire.recorder.failNext('CreateCollection', { status: { code: 1100, error_code: 'IllegalArgument', reason: 'function BM25 is not supported' } });
    const store = await wire.openStore({ keywordLeg: 'auto' });
    const creates = wire.callsFor(store.collectionName, 'CreateCollection').map((r) => decodeCollectionSchema(r.schema));
    const analyzers = creates.map((schema) => keyValues(schema.fields.find((f) => f.name === 'keywords')!.type_params).analyzer_params ?? null);
    expect(analyzers).toEqual(['{"tokenizer":{"type":"jieba","mode":"exact"}}', '{"tokenizer":"standard"}', null]);
    expect(creates.map((schema) => (schema.functions as unknown[]).length)).toEqual([1, 1, 0]);
    expect(store.refusedKeywordLegs).toHaveLength(2);
    expect(store.refusedKeywordLegs[0]).toMatch(/jieba.*unknown tokenizer type: jieba/);
    expect(store.layout?.keywordLeg).toEqual({ kind: 'sparse' });
  });

  it('asks again once when the refusal says another attempt can succeed, before settling for less', async () => {
    wire.recorder.failNext('CreateCollection', { status: { code: 1, error_code: 'UnexpectedError', reason: 'service not ready' } });
    const store = await wire.openStore({ keywordLeg: 'auto' });
    const creates = wire.callsFor(store.collectionName, 'CreateCollection').map((r) => decodeCollectionSchema(r.schema));
    expect(creates.map((schema) => (schema.functions as unknown[]).length)).toEqual([1, 1]);
    expect(store.refusedKeywordLegs).toEqual([]);
  });

  it('asks for no BM25 function when told to use client-side weights', async () => {
    const store = await wire.openStore({ keywordLeg: 'sparse' });
    const [create] = wire.callsFor(store.collectionName, 'CreateCollection');
    const schema = decodeCollectionSchema(create.schema);
    expect(schema.functions).toEqual([]);
    expect(keyValues(schema.fields.find((f) => f.name === 'keywords')!.type_params)).toEqual({ max_length: '65535' });
  });

  it('indexes dense with HNSW + COSINE, sparse with SPARSE_INVERTED_INDEX + IP, category and sales_count INVERTED, then loads', async () => {
    const store = await wire.openStore();
    const c = store.collectionName;
    const indexes = wire.callsFor(c, 'CreateIndex').map((r) => ({ field: r.field_name, name: r.index_name, ...keyValues(r.extra_params) }));
    expect(indexes).toEqual([
      { field: 'dense', name: 'dense', index_type: 'HNSW', metric_type: 'COSINE', params: '{"M":16,"efConstruction":200}' },
      { field: 'sparse', name: 'sparse', index_type: 'SPARSE_INVERTED_INDEX', metric_type: 'IP', params: '{"drop_ratio_build":0}' },
      { field: 'category', name: 'category', index_type: 'INVERTED' },
      { field: 'sales_count', name: 'sales_count', index_type: 'INVERTED' },
    ]);
    expect(wire.callsFor(c, 'LoadCollection')).toHaveLength(1);
  });

  it('uses an exact FLAT index when asked, and then sends no ef', async () => {
    const store = await wire.openStore({ denseIndex: 'FLAT' });
    const c = store.collectionName;
    const dense = wire.callsFor(c, 'CreateIndex').find((r) => r.field_name === 'dense');
    expect(keyValues(dense!.extra_params)).toEqual({ index_type: 'FLAT', metric_type: 'COSINE', params: '{}' });
    await store.upsert([product('a')]);
    await store.denseSearch(Float32Array.from([1, 0, 0, 0]), { filter: [], limit: 3 });
    const [search] = wire.callsFor(c, 'Search');
    expect(keyValues(search.search_params).params).toBe('{}');
  });

  it('reopens an existing collection without recreating it, and refuses another embedder', async () => {
    const first = await wire.openStore();
    const c = first.collectionName;
    await first.upsert([product('a')]);
    const mark = wire.recorder.calls.length;
    const second = wire.track(new MilvusStore({ address: wire.recorder.address, token: TOKEN, collection: c }));
    expect(await second.recordedEmbedder()).toEqual(EMBEDDER);
    await second.open(EMBEDDER);
    expect(wire.callsFor(c, 'CreateCollection', mark)).toHaveLength(0);
    expect(wire.callsFor(c, 'CreateIndex', mark)).toHaveLength(0);
    expect(await second.count()).toBe(1);
    const err = await second.open({ embedderId: 'other/model@3', dimension: 4 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EmbedderMismatchError);
    expect((err as Error).message).toContain('test/wire@1');
    expect((err as Error).message).toContain('other/model@3');
  });

  it('creates missing indexes on an existing collection', async () => {
    const store = await wire.openStore();
    const c = store.collectionName;
    wire.recorder.collections.get(c)!.indexes.splice(2); // lose the scalar indexes
    const mark = wire.recorder.calls.length;
    await store.optimize();
    expect(wire.callsFor(c, 'CreateIndex', mark).map((r) => r.field_name)).toEqual(['category', 'sales_count']);
    const flushes = wire.recorder.calls.slice(mark).filter((call) => call.method === 'Flush');
    expect(flushes.map((f) => f.request.collection_names)).toEqual([[c]]);
  });

  it('refuses a collection hitline did not create', async () => {
    const c = wire.nextName('foreign');
    const probe = await wire.openStore({ collection: c });
    const foreign = wire.recorder.collections.get(c)!;
    foreign.schema.description = 'made by someone else';
    foreign.properties = [];
    await probe.close();
    const store = wire.track(new MilvusStore({ address: wire.recorder.address, token: TOKEN, collection: c }));
    const err = await store.open(EMBEDDER).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HitlineError);
    expect((err as Error).message).toMatch(/was not created by hitline/);
    expect((err as HitlineError).hint).toMatch(/MILVUS_COLLECTION/);
  });

  it('reads the embedder of a collection made before the property, from its description', async () => {
    const first = await wire.openStore();
    const c = first.collectionName;
    await first.close();
    wire.recorder.collections.get(c)!.properties = [];
    const store = wire.track(new MilvusStore({ address: wire.recorder.address, token: TOKEN, collection: c }));
    expect(await store.recordedEmbedder()).toEqual(EMBEDDER);
  });
});
