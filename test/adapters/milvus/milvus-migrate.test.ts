/**
 * src/pipeline/migrate.ts: LanceDB → LanceDB, LanceDB → Milvus (the gRPC recorder as the target, so the
 * copied rows are seen on the wire) and Milvus → LanceDB; vectors are copied, not re-embedded; the
 * target takes the source's embedder; a lossy target is caught by the verification.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MigrationVerifyError, migrateStore } from '../../../src/pipeline/migrate.js';
import { openLanceDbStore } from '../../../src/adapters/lancedb/index.js';
import { MilvusStore } from '../../../src/adapters/milvus/index.js';
import type { StoredProduct, UpsertProgress, VectorStore } from '../../../src/ports/vector-store.js';
import { EmbedderMismatchError, HitlineError } from '../../../src/core/errors.js';
import { catalogFixture } from '../../contract/vector-store/fixture.js';
import { MilvusRecorder } from '../../fakes/milvus-recorder.js';

const EMBEDDER = { embedderId: 'test/migrate@1', dimension: 16 };
const rows = catalogFixture(16, 40);

let recorder: MilvusRecorder;
let n = 0;
const dirs: string[] = [];
const stores: VectorStore[] = [];

beforeAll(async () => {
  recorder = await MilvusRecorder.start();
});
afterAll(async () => {
  for (const s of stores) await s.close();
  await recorder.stop();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function lance(): Promise<VectorStore> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hitline-migrate-'));
  dirs.push(dir);
  const store = openLanceDbStore({ dir });
  stores.push(store);
  return store;
}

function milvus(): MilvusStore {
  const store = new MilvusStore({ address: recorder.address, collection: `migrate_${++n}`, maxBatchRows: 1000 });
  stores.push(store);
  return store;
}

async function filled(store: VectorStore, products: StoredProduct[] = rows): Promise<VectorStore> {
  await store.open(EMBEDDER);
  await store.upsert(products);
  return store;
}

async function everything(store: VectorStore): Promise<Map<string, StoredProduct>> {
  const out = new Map<string, StoredProduct>();
  for await (const batch of store.scan(100)) for (const p of batch) out.set(p.id, p);
  return out;
}

function expectSameRows(got: Map<string, StoredProduct>): void {
  expect(got.size).toBe(rows.length);
  for (const p of rows) {
    const q = got.get(p.id)!;
    expect(Array.from(q.vector)).toEqual(Array.from(p.vector));
    const { vector: _a, ...want } = p;
    const { vector: _b, ...have } = q;
    expect(have).toEqual(want);
  }
}

describe('migrateStore', () => {
  it('copies LanceDB to LanceDB with vectors, the embedder record and progress', async () => {
    const from = await filled(await lance());
    const to = await lance();
    const progress: UpsertProgress[] = [];
    const result = await migrateStore({ from, to, batchSize: 15, onProgress: (p) => progress.push({ ...p }) });
    expect(result).toEqual({ embedder: EMBEDDER, copied: 40, sourceCount: 40, targetCount: 40 });
    expect(await to.recordedEmbedder()).toEqual(EMBEDDER);
    expectSameRows(await everything(to));
    expect(progress.at(-1)).toEqual({ done: 40, total: 40 });
    expect(progress.map((p) => p.done)).toEqual([0, 15, 30, 40]);
  });

  it('copies LanceDB into Milvus: the recorder sees every row upserted, vectors as they were', async () => {
    const from = await filled(await lance());
    const to = milvus();
    const mark = recorder.calls.length;
    const result = await migrateStore({ from, to, batchSize: 25 });
    expect(result.copied).toBe(40);
    const upserts = recorder.calls.slice(mark).filter((c) => c.method === 'Upsert').map((c) => c.request);
    expect(upserts.map((u) => Number(u.num_rows))).toEqual([25, 15]);
    // Row by row from the Upsert columns: every id once, with the source's vector unchanged.
    const sent = new Map<string, number[]>();
    for (const u of upserts) {
      const column = (name: string) => u.fields_data.find((f: { field_name: string }) => f.field_name === name);
      const ids: string[] = column('id').scalars.string_data.data;
      const flat: number[] = column('dense').vectors.float_vector.data;
      ids.forEach((id, i) => sent.set(id, flat.slice(i * 16, (i + 1) * 16)));
    }
    expect([...sent.keys()].sort()).toEqual(rows.map((p) => p.id).sort());
    for (const p of rows) expect(sent.get(p.id)).toEqual(Array.from(p.vector));
    expect(await to.recordedEmbedder()).toEqual(EMBEDDER);
    expectSameRows(await everything(to));
  });

  it('copies Milvus back to LanceDB', async () => {
    const from = await filled(milvus());
    const to = await lance();
    await migrateStore({ from, to });
    expectSameRows(await everything(to));
  });

  it('refuses a target filled by another embedder, writing nothing', async () => {
    const from = await filled(await lance());
    const to = await lance();
    await to.open({ embedderId: 'other/model@1', dimension: 16 });
    await expect(migrateStore({ from, to })).rejects.toBeInstanceOf(EmbedderMismatchError);
    expect(await to.count()).toBe(0);
  });

  it('refuses an empty source', async () => {
    await expect(migrateStore({ from: await lance(), to: await lance() })).rejects.toThrow(/nothing to migrate/);
    await expect(migrateStore({ from: await lance(), to: await lance() })).rejects.toBeInstanceOf(HitlineError);
  });

  it('catches a target that silently drops rows', async () => {
    const from = await filled(await lance());
    const real = await lance();
    // A target that reports success but loses one row per call, as a faulty store might.
    const lossy: VectorStore = {
      kind: 'lossy',
      open: (e) => real.open(e),
      recordedEmbedder: () => real.recordedEmbedder(),
      upsert: (batch, onProgress) => real.upsert(batch.slice(1), onProgress),
      get: (ids, o) => real.get(ids, o),
      imageHashes: (ids) => real.imageHashes(ids),
      delete: (ids) => real.delete(ids),
      count: (f) => real.count(f),
      denseSearch: (v, q) => real.denseSearch(v, q),
      keywordSearch: (k, q) => real.keywordSearch(k, q),
      hybridSearch: (q) => real.hybridSearch(q),
      keywordStats: (t) => real.keywordStats(t),
      scan: (size) => real.scan(size),
      optimize: () => real.optimize(),
      close: () => real.close(),
    };
    const err = await migrateStore({ from, to: lossy, batchSize: 20 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationVerifyError);
    expect((err as Error).message).toMatch(/2 products are missing/);
  });
});
