/**
 * What the Milvus adapter finds out from a real Milvus engine (Milvus Lite) and relies on: the embedder
 * record survives where Lite drops the description, filter literals are matched literally by the real
 * parser (quotes, backslashes, newlines, tabs, CJK, emoji, raw control characters; a hostile category
 * matches nothing), the BM25 keyword leg carries IDF where client-side weights cannot, and a server
 * without jieba gets the standard analyzer and still matches Chinese.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { afterEach, expect, it } from 'vitest';
import { MilvusStore, type MilvusConfig } from '../../../src/adapters/milvus/index.js';
import type { Filter } from '../../../src/core/filter.js';
import { keywordText } from '../../../src/search/tokenize.js';
import { DIM, EMBEDDER, makeProduct, randomUnitVector, seededRandom } from '../../contract/vector-store/fixture.js';
import { MilvusLiteServer, describeWithMilvusLite } from '../../helpers/milvus-lite.js';

/** Values that break naive escaping, as the issue lists them, plus the characters Lite takes raw. */
const TRICKY = [
  'say "hi"',
  "it's",
  'back\\slash',
  'ends with \\',
  'line\nbreak',
  'tab\there',
  'cr\rhere',
  '羽绒服 冬季',
  '👗 dress',
  'nul\u0000 esc\u001b del\u007f',
  '\\n is not a newline',
  '\\u0041 is not an A',
];
const HOSTILE = 'x" or sales_count > 0 or category != "';

describeWithMilvusLite('Milvus Lite: what the adapter detects and relies on', (server) => {
  const opened: MilvusStore[] = [];
  let n = 0;
  const openStore = async (extra: Partial<MilvusConfig> = {}, address = server().address) => {
    const store = new MilvusStore({ address, collection: `caps_${++n}`, ...extra });
    opened.push(store);
    await store.open(EMBEDDER);
    return store;
  };
  afterEach(async () => {
    for (const s of opened.splice(0)) {
      await s.close();
      const dropper = new MilvusStore({ address: s.address, collection: s.collectionName });
      await dropper.drop().catch(() => undefined); // its server may be gone already
      await dropper.close();
    }
  });

  it('keeps the embedder record in a collection property, which Lite keeps while it drops the description', async () => {
    const store = await openStore();
    const client = new MilvusClient({ address: server().address, logLevel: 'error' });
    try {
      const desc = await client.describeCollection({ collection_name: store.collectionName });
      expect(desc.schema.description).toBe('');
      expect(desc.properties.find((p) => p.key === 'hitline.stamp')?.value).toBe(JSON.stringify({ hitline: 2, ...EMBEDDER }));
    } finally {
      await client.closeConnection();
    }
    await store.close();
    const again = new MilvusStore({ address: server().address, collection: store.collectionName });
    opened.push(again);
    expect(await again.recordedEmbedder()).toEqual(EMBEDDER);
  });

  it('matches tricky values literally in every call, and the hostile category matches nothing', async () => {
    const store = await openStore();
    const random = seededRandom(8);
    const rows = TRICKY.map((value, i) => makeProduct(value, { category: value, color: `c${i}`, keywords: 'tricky row', vector: randomUnitVector(random, DIM) }));
    await store.upsert(rows);
    for (const phase of ['before optimize', 'after optimize']) {
      for (const [i, value] of TRICKY.entries()) {
        const label = `${phase}: ${JSON.stringify(value)}`;
        const eq: Filter = [{ field: 'category', op: 'eq', value }];
        expect(await store.count(eq), label).toBe(1);
        expect(await store.count([{ field: 'category', op: 'neq', value }]), label).toBe(rows.length - 1);
        expect(await store.count([{ field: 'category', op: 'in', values: [value, HOSTILE] }]), label).toBe(1);
        expect((await store.denseSearch(rows[0].vector, { filter: eq, limit: 20 })).map((h) => h.id), label).toEqual([value]);
        expect((await store.keywordSearch('tricky', { filter: eq, limit: 20 })).map((h) => h.id), label).toEqual([value]);
        expect((await store.get([value])).map((r) => r.color), label).toEqual([`c${i}`]);
        expect(await store.count([{ field: 'id', op: 'eq', value }]), label).toBe(1);
      }
      const hostile: Filter = [{ field: 'category', op: 'eq', value: HOSTILE }];
      expect(await store.count(hostile), phase).toBe(0);
      expect(await store.denseSearch(rows[0].vector, { filter: hostile, limit: 20 }), phase).toEqual([]);
      expect(await store.keywordSearch('tricky', { filter: hostile, limit: 20 }), phase).toEqual([]);
      const hybrid = await store.hybridSearch({ vector: rows[0].vector, keywords: 'tricky', filter: hostile, perLeg: 20, top: 20, rrfK: 60 });
      expect(hybrid.hits, phase).toEqual([]);
      expect(await store.get([HOSTILE]), phase).toEqual([]);
      await store.optimize();
    }
    expect(await store.delete(TRICKY.slice(0, 6))).toBe(6);
    expect(await store.count()).toBe(TRICKY.length - 6);
  });

  it('scores the BM25 leg with IDF: a rare shared word outranks a common one, which client-side weights cannot tell apart', async () => {
    const random = seededRandom(3);
    const rows = [
      ...Array.from({ length: 8 }, (_, i) => makeProduct(`a-wool-${i}`, { keywords: `wool filler${i}`, vector: randomUnitVector(random, DIM) })),
      makeProduct('z-silk', { keywords: 'silk filler', vector: randomUnitVector(random, DIM) }),
    ];
    const bm25 = await openStore({ keywordLeg: 'auto' });
    const sparse = await openStore({ keywordLeg: 'sparse' });
    expect(bm25.layout?.keywordLeg.kind).toBe('bm25');
    expect(sparse.layout?.keywordLeg.kind).toBe('sparse');
    for (const store of [bm25, sparse]) await store.upsert(rows);
    const withIdf = await bm25.keywordSearch('wool silk', { filter: [], limit: 9 });
    expect(withIdf[0].id).toBe('z-silk');
    expect(withIdf[0].score).toBeGreaterThan(withIdf[1].score);
    expect(withIdf.every((h) => h.score > 0)).toBe(true);
    const withoutIdf = await sparse.keywordSearch('wool silk', { filter: [], limit: 9 });
    expect(new Set(withoutIdf.map((h) => h.score.toFixed(6))).size).toBe(1); // one score for all: a tie, broken by id
    expect(withoutIdf.at(-1)!.id).toBe('z-silk');
  });

  it('gives a server without jieba the standard analyzer, which still matches Chinese in hitline’s segmented text', async () => {
    // A Python package named jieba that fails to import: the server then refuses the jieba tokenizer.
    const shadow = mkdtempSync(path.join(os.tmpdir(), 'hitline-no-jieba-'));
    mkdirSync(path.join(shadow, 'jieba'));
    writeFileSync(path.join(shadow, 'jieba', '__init__.py'), 'raise ImportError("jieba is hidden for this test")\n');
    const noJieba = await MilvusLiteServer.start({ env: { PYTHONPATH: shadow } });
    try {
      const store = await openStore({}, noJieba.address);
      expect(store.layout?.keywordLeg).toEqual({ kind: 'bm25', analyzer: { name: 'standard', params: { tokenizer: 'standard' } } });
      expect(store.refusedKeywordLegs).toHaveLength(1);
      expect(store.refusedKeywordLegs[0]).toMatch(/jieba/);
      const random = seededRandom(5);
      await store.upsert([
        makeProduct('down', { description: '羽绒服 冬季 保暖', vector: randomUnitVector(random, DIM) }),
        makeProduct('sun', { description: 'UPF50 防晒衣 轻薄', vector: randomUnitVector(random, DIM) }),
      ]);
      expect((await store.keywordSearch(keywordText('羽绒服'), { filter: [], limit: 5 })).map((h) => h.id)).toEqual(['down']);
      expect((await store.keywordSearch(keywordText('防晒衣'), { filter: [], limit: 5 })).map((h) => h.id)).toEqual(['sun']);
      await store.close();
    } finally {
      await noJieba.dispose();
      rmSync(shadow, { recursive: true, force: true });
    }
  });
});
