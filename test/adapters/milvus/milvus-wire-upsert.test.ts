/** What the Milvus adapter puts on the wire for upserts: columns (sparse encoding included), batches, and failed batches. */
import { describe, expect, it } from 'vitest';
import { MilvusWriteError } from '../../../src/adapters/milvus/index.js';
import { estimateRowBytes } from '../../../src/adapters/milvus/rows.js';
import { VARCHAR_MAX_BYTES } from '../../../src/adapters/milvus/schema.js';
import { documentSparse, termIndex } from '../../../src/adapters/milvus/sparse.js';
import type { UpsertProgress } from '../../../src/ports/vector-store.js';
import { UserInputError } from '../../../src/core/errors.js';
import { encodedSize } from '../../fakes/milvus-recorder.js';
import { parseSparseBytes } from '../../fakes/milvus-fake-collection.js';
import { TOKEN, product, wireHarness } from './wire-harness.js';

const wire = wireHarness();

describe('upsert on the wire', () => {
  it('sends every field as a column, a null price as has_price = false, and client-side BM25 sparse rows', async () => {
    const store = await wire.openStore();
    const rows = [
      product('a', { salesCount: 1500, attributes: { material: 'silk' }, keywords: 'red dress dress' }),
      product('b', { price: null, salesCount: 7, keywords: '羽绒服 羽绒 冬季', vector: Float32Array.from([0.1, 0.2, 0.3, 0.4]) }),
    ];
    await store.upsert(rows);
    const [up] = wire.callsFor(store.collectionName, 'Upsert');
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
    const store = await wire.openStore({ maxBatchRows: 3 });
    const rows = Array.from({ length: 7 }, (_, i) => product(`r${i}`));
    const progress: UpsertProgress[] = [];
    await store.upsert(rows, (p) => progress.push({ ...p }));
    expect(wire.callsFor(store.collectionName, 'Upsert').map((r) => Number(r.num_rows))).toEqual([3, 3, 1]);
    expect(progress).toEqual([
      { done: 3, total: 7 },
      { done: 6, total: 7 },
      { done: 7, total: 7 },
    ]);

    const maxBytes = 2 * estimateRowBytes(rows[0]) + 10;
    const small = await wire.openStore({ maxBatchBytes: maxBytes });
    await small.upsert(rows);
    const sizes = wire.callsFor(small.collectionName, 'Upsert').map((r) => Number(r.num_rows));
    expect(sizes).toEqual([2, 2, 2, 1]);
    expect(await small.count()).toBe(7);
  });

  it('keeps every upsert request under maxBatchBytes as encoded on the wire, with 2048-d vectors', async () => {
    const dim = 2048;
    const maxBatchBytes = 256 * 1024;
    const store = await wire.openStore({ maxBatchBytes }, { embedderId: 'test/wide@1', dimension: dim });
    const rows = Array.from({ length: 100 }, (_, i) =>
      product(`w${i}`, {
        description: `${'long description '.repeat(100)}${i}`,
        keywords: `${'term '.repeat(200)}w${i}`,
        attributes: { note: 'x'.repeat(300) },
        vector: Float32Array.from({ length: dim }, (_, j) => Math.sin(i + j)),
      }),
    );
    await store.upsert(rows);
    const upserts = wire.callsFor(store.collectionName, 'Upsert');
    const sizes = upserts.map((u) => encodedSize('Upsert', u));
    expect(upserts.reduce((s, u) => s + Number(u.num_rows), 0)).toBe(100);
    for (const size of sizes) expect(size).toBeLessThanOrEqual(maxBatchBytes);
    // The estimate is an upper bound but not a wasteful one: full batches fill most of the budget.
    for (const size of sizes.slice(0, -1)) expect(size).toBeGreaterThan(0.7 * maxBatchBytes);
  });

  it('throws a MilvusWriteError with the failed batch ids when the server refuses a batch, after storing earlier batches', async () => {
    const store = await wire.openStore({ maxBatchRows: 3 });
    const rows = Array.from({ length: 7 }, (_, i) => product(`r${i}`));
    wire.recorder.failNext('Upsert', { status: { code: 65535, error_code: 'UnexpectedError', reason: `segment full (client token ${TOKEN})` } }, { skip: 1 });
    const progress: UpsertProgress[] = [];
    const err = await store.upsert(rows, (p) => progress.push({ ...p })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MilvusWriteError);
    const write = err as MilvusWriteError;
    expect(write.failedIds).toEqual(['r3', 'r4', 'r5']);
    expect(write.storedCount).toBe(3);
    expect(write.message).toContain('"r3"');
    expect(write.message).toContain('segment full');
    expect(write.message).toContain(wire.recorder.address);
    expect(write.message).not.toContain(TOKEN);
    expect(write.hint).toBeTruthy();
    // Progress never claimed the failed batch, and the third batch was not sent.
    expect(progress).toEqual([{ done: 3, total: 7 }]);
    expect(wire.callsFor(store.collectionName, 'Upsert')).toHaveLength(2);
  });

  it('names only the rows the server lists in err_index', async () => {
    const store = await wire.openStore();
    wire.recorder.failNext('Upsert', {
      respond: () => ({ status: { code: 0, error_code: 'Success', reason: '' }, succ_index: [0, 2], err_index: [1], upsert_cnt: '2' }),
    });
    const err = (await store.upsert([product('x'), product('y'), product('z')]).catch((e: unknown) => e)) as MilvusWriteError;
    expect(err).toBeInstanceOf(MilvusWriteError);
    expect(err.failedIds).toEqual(['y']);
  });

  it('treats a short upsert count as a failure rather than reporting the batch stored', async () => {
    const store = await wire.openStore();
    wire.recorder.failNext('Upsert', { respond: () => ({ status: { code: 0, error_code: 'Success', reason: '' }, upsert_cnt: '1' }) });
    const err = (await store.upsert([product('x'), product('y')]).catch((e: unknown) => e)) as MilvusWriteError;
    expect(err).toBeInstanceOf(MilvusWriteError);
    expect(err.failedIds).toEqual(['x', 'y']);
  });

  it('refuses strings over the VarChar limits (counted in UTF-8 bytes), naming the product, before sending anything', async () => {
    const store = await wire.openStore();
    const mark = wire.recorder.calls.length;
    // 22,000 Chinese characters are 66,000 bytes: under 65,535 characters, over 65,535 bytes.
    const long = '羽'.repeat(22_000);
    const err = await store.upsert([product('ok'), product('too-long-description', { description: long })]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserInputError);
    expect((err as Error).message).toContain('too-long-description');
    expect((err as Error).message).toContain(`${VARCHAR_MAX_BYTES.description}`);
    const err2 = await store.upsert([product('c'.repeat(300))]).catch((e: unknown) => e);
    expect(err2).toBeInstanceOf(UserInputError);
    expect((err2 as Error).message).toMatch(/id is 300 bytes/);
    expect(wire.callsFor(store.collectionName, 'Upsert', mark)).toHaveLength(0);
  });

  it('refuses a fractional sales count instead of rounding it', async () => {
    const store = await wire.openStore();
    await expect(store.upsert([product('frac', { salesCount: 1.5 })])).rejects.toThrow(/"frac": salesCount must be a whole number >= 0, got 1\.5/);
  });
});
