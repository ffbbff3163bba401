/**
 * Both stores give the same answers: LanceDB and Milvus (through the gRPC recorder) hold the same
 * fixture, and every call below, good or bad, must come back the same from both: the same rows, counts
 * and dense ranks, the same keyword matches, and for refused input the very same error (class, message,
 * hint, retryable). Keyword ranks and fused orders are not compared: the stores score BM25 differently
 * (LanceDB's index against hitline's client-side weights), which the contract allows.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLanceDbStore } from '../../src/adapters/lancedb/index.js';
import { MilvusStore } from '../../src/adapters/milvus/index.js';
import { HitlineError } from '../../src/core/errors.js';
import type { Filter } from '../../src/core/filter.js';
import type { StoredProduct, VectorStore } from '../../src/ports/vector-store.js';
import { keywordText } from '../../src/search/tokenize.js';
import { DEFAULT_FUSION, withFusionOverrides } from '../../src/search/fusion-settings.js';
import { matchProduct, type MatchContext, type MatchSettings } from '../../src/pipeline/match.js';
import type { EmbeddingCache } from '../../src/pipeline/embedding-cache.js';
import type { Embedder } from '../../src/ports/embedder.js';
import type { LoadedImage, NewProduct } from '../../src/core/product.js';
import { MilvusRecorder } from '../fakes/milvus-recorder.js';
import { DIM, EMBEDDER, catalogFixture, makeProduct, nearby, randomUnitVector, seededRandom } from './vector-store/fixture.js';
import { BAD_HYBRID, BAD_ROWS, hybridQuery } from './vector-store/refusals.js';

const rows = catalogFixture();
let tmp: string;
let recorder: MilvusRecorder;
let stores: Array<[string, VectorStore]>;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'hitline-parity-'));
  recorder = await MilvusRecorder.start();
  stores = [
    ['lancedb', openLanceDbStore({ dir: tmp })],
    ['milvus', new MilvusStore({ address: recorder.address, collection: 'parity' })],
  ];
  for (const [, store] of stores) {
    await store.open(EMBEDDER);
    await store.upsert(rows);
  }
});
afterAll(async () => {
  for (const [, store] of stores ?? []) await store.close();
  await recorder?.stop();
  await rm(tmp, { recursive: true, force: true });
});

type Answer = { ok: unknown } | { error: { name: string; message: string; hint?: string; retryable: boolean } };

async function answer(call: () => Promise<unknown>): Promise<Answer> {
  try {
    return { ok: await call() };
  } catch (err) {
    if (!(err instanceof HitlineError)) throw err;
    return { error: { name: err.name, message: err.message, hint: err.hint, retryable: err.retryable } };
  }
}

/** The answers of both stores to the same call. */
async function both(call: (store: VectorStore) => Promise<unknown>): Promise<[Answer, Answer]> {
  const [lance, milvus] = await Promise.all(stores.map(([, store]) => answer(() => call(store))));
  return [lance, milvus];
}

async function expectSame(label: string, call: (store: VectorStore) => Promise<unknown>): Promise<Answer> {
  const [lance, milvus] = await both(call);
  expect(milvus, label).toEqual(lance);
  return lance;
}

describe('LanceDB and Milvus give the same answers', () => {
  it('refuse every bad row with the same error, and write nothing', async () => {
    for (const [what, bad] of BAD_ROWS) {
      const got = await expectSame(what, (store) => store.upsert([rows[0], bad]));
      expect('error' in got, what).toBe(true);
    }
    const wrongDimension = makeProduct('short', { vector: randomUnitVector(seededRandom(1), DIM - 1) });
    expect('error' in (await expectSame('wrong dimension', (store) => store.upsert([wrongDimension])))).toBe(true);
    await expectSame('count after', (store) => store.count());
  });

  it('refuse every bad query argument with the same error', async () => {
    for (const [field, bad] of BAD_HYBRID) {
      expect('error' in (await expectSame(field, (store) => store.hybridSearch(hybridQuery(rows, bad))))).toBe(true);
    }
    const calls: Array<[string, (store: VectorStore) => Promise<unknown>]> = [
      ['negative limit', (s) => s.denseSearch(rows[0].vector, { filter: [], limit: -1 })],
      ['fractional limit', (s) => s.keywordSearch('wool', { filter: [], limit: 0.5 })],
      ['too many hits', (s) => s.denseSearch(rows[0].vector, { filter: [], limit: 20_000 })],
      ['zero query vector', (s) => s.denseSearch(new Float32Array(DIM), { filter: [], limit: 3 })],
      ['wrong query dimension', (s) => s.denseSearch(new Float32Array(DIM + 2).fill(0.1), { filter: [], limit: 3 })],
      ['NaN filter', (s) => s.count([{ field: 'salesCount', op: 'gt', value: Number.NaN }])],
      ['unknown field', (s) => s.count([{ field: 'nope', op: 'eq', value: 'x' } as never])],
      ['wrong operator', (s) => s.count([{ field: 'category', op: 'gt', value: 3 } as never])],
      ['id not text', (s) => s.get([1 as unknown as string])],
      ['term not text', (s) => s.keywordStats(['wool', 7 as unknown as string])],
      ['scan size 0', async (s) => { for await (const _ of s.scan(0)) break; }],
    ];
    for (const [label, call] of calls) expect('error' in (await expectSame(label, call)), label).toBe(true);
  });

  it('count the same rows for every filter and read the same records', async () => {
    const filters: Filter[] = [
      [],
      [{ field: 'salesCount', op: 'gt', value: 110.5 }],
      [{ field: 'salesCount', op: 'eq', value: 111 }],
      [{ field: 'price', op: 'lt', value: 40 }],
      [{ field: 'category', op: 'in', values: ['coat', 'shirt'] }],
      [{ field: 'category', op: 'in', values: [] }],
      [{ field: 'color', op: 'neq', value: 'red' }, { field: 'season', op: 'eq', value: 'winter' }],
    ];
    for (const filter of filters) await expectSame(JSON.stringify(filter), (store) => store.count(filter));
    await expectSame('get', (store) => store.get(['p007', 'p000', 'missing', 'p031']));
    await expectSame('get with vectors', (store) => store.get(['p012'], { withVectors: true }));
    await expectSame('image hashes', (store) => store.imageHashes(['p001', 'nope']));
  });

  it('rank the dense leg the same, and find the same keyword matches', async () => {
    const random = seededRandom(44);
    const filters: Filter[] = [[], [{ field: 'category', op: 'eq', value: 'coat' }], [{ field: 'salesCount', op: 'gte', value: 185 }]];
    for (const filter of filters) {
      for (const base of [rows[2], rows[17], rows[30]]) {
        const query = Float32Array.from(base.vector, (x) => x + (random() - 0.5) * 0.1);
        const ranked = (store: VectorStore) => store.denseSearch(query, { filter, limit: 6 }).then((hits) => hits.map((h) => [h.id, h.rank]));
        await expectSame(`dense ${JSON.stringify(filter)}`, ranked);
      }
      for (const text of ['wool coat', '羽绒服', 'UPF50 防晒衣']) {
        const matched = (store: VectorStore) => store.keywordSearch(keywordText(text), { filter, limit: 50 }).then((hits) => hits.map((h) => h.id).sort());
        await expectSame(`keyword ${text} ${JSON.stringify(filter)}`, matched);
      }
    }
    await expectSame('keyword statistics', (store) => store.keywordStats(keywordText('wool coat 羽绒服 UPF50 nothing').split(' ')));
  });

  it('answer zero limits and empty keyword queries with nothing, and fuse the dense leg alone the same way', async () => {
    await expectSame('dense limit 0', (store) => store.denseSearch(rows[0].vector, { filter: [], limit: 0 }));
    await expectSame('keyword limit 0', (store) => store.keywordSearch('wool', { filter: [], limit: 0 }));
    await expectSame('blank keywords', (store) => store.keywordSearch('  ', { filter: [], limit: 5 }));
    await expectSame('top 0', (store) => store.hybridSearch(hybridQuery(rows, { top: 0 })));
    const denseOnly = (store: VectorStore) =>
      store.hybridSearch(hybridQuery(rows, { keywords: '', perLeg: 4, top: 4 })).then((r) => r.hits.map((h) => [h.product.id, h.denseRank, h.keywordRank]));
    await expectSame('hybrid without keywords', denseOnly);
  });

  it('give match the same fused order: the fusion is hitline\'s code over the legs both stores answer alike', async () => {
    // Keyword ranks may differ between the stores (their BM25s differ), so the keyword leg is weighed 0 here;
    // its "auto" weight, read from the catalog's term statistics, is compared on its own below.
    const fusion = withFusionOverrides(DEFAULT_FUSION, { weights: { keyword: 0 } });
    for (const row of rows.slice(0, 6)) {
      const product: NewProduct = { newId: `new-${row.id}`, imagePath: 'new.jpg', category: row.category, style: row.style, season: row.season, promptHint: `${row.color} product photo`, attributes: {} };
      const run = (store: VectorStore, settings: MatchSettings) => {
        const cache = { get: async () => nearby(row.vector, seededRandom(7), 0.2), put: async () => undefined } as unknown as EmbeddingCache;
        const ctx: MatchContext = { store, embedder: { supportsText: false } as Embedder, cache, settings };
        return matchProduct(ctx, product, { contentHash: 'x' } as LoadedImage);
      };
      const settings = { top: 5, perLeg: 20, rrfK: 60, minSales: 0 };
      const got = await expectSame(`match ${row.id}`, (store) => run(store, { ...settings, fusion }).then((m) => ({ hits: m.hits.map((h) => [h.productId, h.score, h.ranks]), trace: m.trace })));
      const ok = (got as { ok: { hits: unknown[]; trace: { legs: Array<{ leg: string }> } } }).ok;
      expect(ok.hits.length, row.id).toBeGreaterThan(0);
      expect(ok.trace.legs.map((l) => l.leg), row.id).toContain('style');
      await expectSame(`auto keyword weight ${row.id}`, (store) =>
        run(store, { ...settings, fusion: DEFAULT_FUSION }).then((m) => [m.trace.keywordWeight, m.trace.informativeness, m.trace.expansion, m.trace.focus]),
      );
    }
  });

  it('keep the same rows after the refusals, scanned the same', async () => {
    const scanned = async (store: VectorStore) => {
      const out: StoredProduct[] = [];
      for await (const batch of store.scan(16)) out.push(...batch);
      return out.sort((a, b) => (a.id < b.id ? -1 : 1));
    };
    const got = await expectSame('scan', scanned);
    expect((got as { ok: StoredProduct[] }).ok).toHaveLength(rows.length);
  });
});
