/** What the Milvus adapter puts on the wire when it makes or opens a collection: the schema, the indexes, the load. */
import { describe, expect, it } from 'vitest';
import { MilvusStore } from '../../../src/adapters/milvus/index.js';
import { EmbedderMismatchError, HitlineError } from '../../../src/core/errors.js';
import { decodeCollectionSchema, keyValues } from '../../fakes/milvus-recorder.js';
import { EMBEDDER, TOKEN, product, wireHarness } from './wire-harness.js';

const wire = wireHarness();

describe('collection schema and indexes', () => {
  it('creates the collection with a VarChar product id primary key, typed scalar fields, dense and sparse vectors', async () => {
    const store = await wire.openStore();
    const [create] = wire.callsFor(store.collectionName, 'CreateCollection');
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
    const store = await wire.openStore();
    const c = store.collectionName;
    const indexes = wire.callsFor(c, 'CreateIndex').map((r) => ({ field: r.field_name, name: r.index_name, ...keyValues(r.extra_params) }));
    expect(indexes).toEqual([
      { field: 'dense', name: 'dense', index_type: 'HNSW', metric_type: 'COSINE', params: '{"M":16,"efConstruction":200}' },
      { field: 'sparse', name: 'sparse', index_type: 'SPARSE_INVERTED_INDEX', metric_type: 'IP', params: '{"drop_ratio_build":0}' },
      { field: 'category', name: 'category', index_type: 'INVERTED' },
      { field: 'sales_count', name: 'sales_count', index_type: 'STL_SORT' },
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
    wire.recorder.collections.get(c)!.schema.description = 'made by someone else';
    await probe.close();
    const store = wire.track(new MilvusStore({ address: wire.recorder.address, token: TOKEN, collection: c }));
    const err = await store.open(EMBEDDER).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HitlineError);
    expect((err as Error).message).toMatch(/was not created by hitline/);
    expect((err as HitlineError).hint).toMatch(/MILVUS_COLLECTION/);
  });
});
