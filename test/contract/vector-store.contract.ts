/**
 * The VectorStore contract: every adapter (LanceDB, Milvus) runs this same suite, so "done" means it
 * behaves like the port promises, not that it compiles. Expected results are computed here from the
 * fixture (exact cosine over the filtered rows, search/filter.ts matchesFilter for filters, fuseRrf for
 * fusion), never written down by hand.
 *
 * Usage (in a *.test.ts file):
 *   runVectorStoreContract('lancedb', async (dimension) => ({ store, cleanup, reopen }));
 */
import { describe, expect, it } from 'vitest';
import { matchesFilter, type Filter } from '../../src/core/filter.js';
import { fuseRrf } from '../../src/search/rrf.js';
import { keywordText } from '../../src/search/tokenize.js';
import { EmbedderMismatchError, HitlineError } from '../../src/core/errors.js';
import type { EmbedderInfo, ProductRecord, StoredProduct, VectorStore } from '../../src/ports/vector-store.js';
import { mulberry32 } from '../../src/util/seeded-random.js';
import { cosineSimilarity } from '../../src/util/vector-math.js';

export interface ContractStore {
  store: VectorStore;
  cleanup(): Promise<void>;
  /** Optional: a second, independent store object on the same storage (to test a fresh process's view). */
  reopen?(): Promise<VectorStore>;
}

export type MakeContractStore = (dimension: number) => Promise<ContractStore>;

const DIM = 16;
const EMBEDDER: EmbedderInfo = { embedderId: 'contract/seeded-random@1', dimension: DIM };

// ---- fixture ---------------------------------------------------------------------------------------

/** Deterministic data, so every run and every adapter sees the same fixture. */
export const seededRandom = mulberry32;

export function randomUnitVector(random: () => number, dimension: number): Float32Array {
  const v = new Float32Array(dimension);
  let norm = 0;
  for (let i = 0; i < dimension; i++) {
    v[i] = random() * 2 - 1;
    norm += v[i] * v[i];
  }
  norm = Math.sqrt(norm);
  for (let i = 0; i < dimension; i++) v[i] /= norm;
  return v;
}

export const cosine = cosineSimilarity;

export function makeProduct(id: string, fields: Partial<StoredProduct> & { vector: Float32Array }): StoredProduct {
  const base = {
    category: 'dress',
    color: 'red',
    style: 'casual',
    season: 'summer',
    salesCount: 100,
    price: 19.99 as number | null,
    description: '',
    imagePath: `/images/${id}.jpg`,
    imageHash: `hash-${id}`,
    attributes: {} as Record<string, string>,
    ...fields,
  };
  return {
    id,
    ...base,
    keywords: fields.keywords ?? keywordText(base.description, base.category, base.color, base.style, base.season),
  };
}

const DESCRIPTIONS = [
  'floral midi_dress with puff sleeves',
  'wool coat with a belted waist',
  'linen shirt for warm days',
  '羽绒服 冬季 保暖 长款',
  'UPF50 防晒衣 轻薄 透气',
  'denim jacket with brass buttons',
  'silk scarf with a paisley print',
  'knitted sweater in chunky wool',
  '连衣裙 碎花 夏季',
  'pleated skirt in navy',
];
const CATEGORIES = ['dress', 'coat', 'shirt', 'outerwear'];
const COLORS = ['red', 'navy', 'white', 'black', 'green'];
const SEASONS = ['summer', 'winter', 'spring', 'autumn'];

/** 40 products with seeded vectors, assorted fields, some null prices, English and Chinese descriptions. */
export function catalogFixture(dimension = DIM, count = 40): StoredProduct[] {
  const random = seededRandom(1204);
  return Array.from({ length: count }, (_, i) =>
    makeProduct(`p${String(i).padStart(3, '0')}`, {
      category: CATEGORIES[i % CATEGORIES.length],
      color: COLORS[i % COLORS.length],
      style: i % 3 === 0 ? 'street' : 'casual',
      season: SEASONS[i % SEASONS.length],
      salesCount: (i * 37) % 500,
      price: i % 6 === 0 ? null : Math.round((5 + i * 3.25) * 100) / 100,
      description: DESCRIPTIONS[i % DESCRIPTIONS.length],
      attributes: { material: i % 2 ? 'cotton' : 'wool', note: `row ${i}` },
      vector: randomUnitVector(random, dimension),
    }),
  );
}

function filterRow(p: StoredProduct) {
  return { id: p.id, category: p.category, color: p.color, style: p.style, season: p.season, salesCount: p.salesCount, price: p.price };
}

/** Exact cosine top-k over the rows the filter keeps: what a dense leg must return. */
function exactDense(rows: readonly StoredProduct[], query: Float32Array, filter: Filter, k: number) {
  return rows
    .filter((p) => matchesFilter(filterRow(p), filter))
    .map((p) => ({ id: p.id, score: cosine(query, p.vector) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, k);
}

/** Ids whose keyword tokens share a term with the query: the set a keyword leg may return. */
function keywordMatches(rows: readonly StoredProduct[], query: string, filter: Filter): string[] {
  const terms = new Set(query.split(' ').filter(Boolean));
  return rows
    .filter((p) => matchesFilter(filterRow(p), filter) && p.keywords.split(' ').some((t) => terms.has(t)))
    .map((p) => p.id)
    .sort();
}

function record(p: StoredProduct): ProductRecord {
  const { vector: _vector, ...rest } = p;
  return rest;
}

function nearby(v: Float32Array, random: () => number, amount: number): Float32Array {
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i] + (random() * 2 - 1) * amount;
  return out;
}

// Category values that break naive escaping, with decoys that a widened or mangled filter would match.
export const HOSTILE_VALUES = [
  "it's",
  'say "hi"',
  'back\\slash',
  'back\\\\slash',
  "' OR 1=1 --",
  "' OR '1'='1",
  '100%',
  'a_b',
  '羽绒服',
  '👗 dress',
  'line\nbreak',
  'x\\n',
  '`tick`',
  'semi; DROP TABLE products',
];
const HOSTILE_DECOYS = ['its', 'say hi', 'backslash', 'back/slash', '1000', '100x', 'axb', 'ab', '羽绒', '👗', 'line break', 'x\n', 'tick', 'OR'];

// ---- the suite -------------------------------------------------------------------------------------

export function runVectorStoreContract(name: string, makeStore: MakeContractStore): void {
  describe(`VectorStore contract: ${name}`, () => {
    /** A fresh, opened store holding `rows`; always cleaned up. */
    async function withStore(rows: readonly StoredProduct[], body: (store: VectorStore, ctx: ContractStore) => Promise<void>) {
      const ctx = await makeStore(DIM);
      try {
        await ctx.store.open(EMBEDDER);
        if (rows.length > 0) await ctx.store.upsert(rows);
        await body(ctx.store, ctx);
      } finally {
        await ctx.store.close();
        await ctx.cleanup();
      }
    }

    describe('embedder record', () => {
      it('is null on a new store, is recorded by open, and survives close', async () => {
        const ctx = await makeStore(DIM);
        try {
          expect(await ctx.store.recordedEmbedder()).toBeNull();
          await ctx.store.open(EMBEDDER);
          expect(await ctx.store.recordedEmbedder()).toEqual(EMBEDDER);
          await ctx.store.close();
          expect(await ctx.store.recordedEmbedder()).toEqual(EMBEDDER);
        } finally {
          await ctx.store.close();
          await ctx.cleanup();
        }
      });

      it('refuses to open for another embedder id or dimension, naming both', async () => {
        await withStore(catalogFixture().slice(0, 3), async (store) => {
          await store.close();
          const otherId = { embedderId: 'other/model@2', dimension: DIM };
          const otherDim = { embedderId: EMBEDDER.embedderId, dimension: DIM * 2 };
          for (const other of [otherId, otherDim]) {
            const err = await store.open(other).then(
              () => null,
              (e: unknown) => e,
            );
            expect(err).toBeInstanceOf(EmbedderMismatchError);
            const message = (err as Error).message;
            expect(message).toContain(EMBEDDER.embedderId);
            expect(message).toContain(other.embedderId);
            expect(message).toContain(String(EMBEDDER.dimension));
            expect(message).toContain(String(other.dimension));
            expect((err as HitlineError).hint).toBeTruthy();
          }
          // The refusal changed nothing.
          expect(await store.recordedEmbedder()).toEqual(EMBEDDER);
          await store.open(EMBEDDER);
          expect(await store.count()).toBe(3);
        });
      });
    });

    describe('writes', () => {
      it('upserts rows that get() returns field for field, with vectors when asked', async () => {
        const rows = catalogFixture();
        await withStore(rows, async (store) => {
          expect(await store.count()).toBe(rows.length);
          const ids = ['p005', 'p000', 'p017', 'missing'];
          const got = await store.get(ids);
          expect(got.map((r) => r.id)).toEqual(['p005', 'p000', 'p017']);
          for (const r of got) {
            const want = rows.find((p) => p.id === r.id)!;
            expect(r).toEqual(record(want));
          }
          const withVectors = (await store.get(['p012'], { withVectors: true })) as StoredProduct[];
          expect(withVectors[0].vector).toBeInstanceOf(Float32Array);
          expect(Array.from(withVectors[0].vector)).toEqual(Array.from(rows[12].vector));
          expect(await store.get([])).toEqual([]);
        });
      });

      it('returns image hashes by id for the unchanged-image cache', async () => {
        const rows = catalogFixture();
        await withStore(rows, async (store) => {
          const hashes = await store.imageHashes(['p001', 'p002', 'nope']);
          expect(hashes).toEqual(new Map([['p001', 'hash-p001'], ['p002', 'hash-p002']]));
        });
      });

      it('re-upserting an id replaces the row: count unchanged, fields, vector and keywords updated', async () => {
        const rows = catalogFixture();
        await withStore(rows, async (store) => {
          const random = seededRandom(7);
          const changed = makeProduct('p003', {
            category: 'coat',
            salesCount: 999,
            price: null,
            description: 'quilted parka',
            attributes: { material: 'nylon' },
            vector: randomUnitVector(random, DIM),
          });
          await store.upsert([changed]);
          expect(await store.count()).toBe(rows.length);
          expect(await store.get(['p003'])).toEqual([record(changed)]);
          // The new vector and the new words are what search finds now; the old words are gone.
          const dense = await store.denseSearch(changed.vector, { filter: [], limit: 1 });
          expect(dense[0].id).toBe('p003');
          const parka = await store.keywordSearch(keywordText('parka'), { filter: [], limit: 10 });
          expect(parka.map((h) => h.id)).toEqual(['p003']);
          const oldWords = await store.keywordSearch(keywordText(rows[3].description), { filter: [], limit: 50 });
          expect(oldWords.map((h) => h.id)).not.toContain('p003');
        });
      });

      it('keeps the last of duplicate ids within one upsert', async () => {
        const random = seededRandom(3);
        const first = makeProduct('dup', { color: 'red', vector: randomUnitVector(random, DIM) });
        const second = makeProduct('dup', { color: 'blue', vector: randomUnitVector(random, DIM) });
        await withStore([first, second], async (store) => {
          expect(await store.count()).toBe(1);
          expect((await store.get(['dup']))[0].color).toBe('blue');
        });
      });

      it('two concurrent upserts of the same new ids end with one row per id', async () => {
        const rows = catalogFixture();
        await withStore([], async (store) => {
          const a = rows.slice(0, 25);
          const b = rows.slice(10, 40).map((p) => ({ ...p, color: 'changed' }));
          await Promise.all([store.upsert(a), store.upsert(b)]);
          expect(await store.count()).toBe(40);
          const got = await store.get(rows.map((p) => p.id));
          expect(got).toHaveLength(40);
          expect(new Set(got.map((r) => r.id)).size).toBe(40);
          for (const r of got) expect(await store.count([{ field: 'id', op: 'eq', value: r.id }])).toBe(1);
        });
      });

      it('reports upsert progress up to the total', async () => {
        const rows = catalogFixture();
        await withStore([], async (store) => {
          const seen: Array<{ done: number; total: number }> = [];
          await store.upsert(rows, (p) => seen.push({ ...p }));
          expect(seen.length).toBeGreaterThan(0);
          expect(seen.at(-1)).toEqual({ done: rows.length, total: rows.length });
          for (let i = 1; i < seen.length; i++) expect(seen[i].done).toBeGreaterThanOrEqual(seen[i - 1].done);
        });
      });

      it('deletes by id, returning how many rows went', async () => {
        const rows = catalogFixture();
        await withStore(rows, async (store) => {
          expect(await store.delete(['p001', 'p002', 'not-there'])).toBe(2);
          expect(await store.count()).toBe(rows.length - 2);
          expect(await store.get(['p001', 'p002', 'p003'])).toEqual([record(rows[3])]);
          const dense = await store.denseSearch(rows[1].vector, { filter: [], limit: 40 });
          expect(dense.map((h) => h.id)).not.toContain('p001');
          expect(await store.delete([])).toBe(0);
        });
      });

      it('rejects a vector of the wrong dimension, naming the product, and writes nothing of that batch', async () => {
        const rows = catalogFixture();
        await withStore(rows.slice(0, 5), async (store) => {
          const bad = makeProduct('short-vector', { vector: new Float32Array(DIM - 1).fill(0.1) });
          const err = await store.upsert([rows[5], bad]).then(
            () => null,
            (e: unknown) => e,
          );
          expect(err).toBeInstanceOf(HitlineError);
          expect((err as Error).message).toContain('short-vector');
          expect(await store.count()).toBe(5);
          // A query vector of the wrong dimension is refused too.
          await expect(store.denseSearch(new Float32Array(DIM + 3).fill(0.2), { filter: [], limit: 3 })).rejects.toThrow(HitlineError);
        });
      });

      it('rejects NaN and infinite vector values, naming the product', async () => {
        await withStore([], async (store) => {
          const v = new Float32Array(DIM).fill(0.25);
          v[4] = Number.NaN;
          await expect(store.upsert([makeProduct('nan-vector', { vector: v })])).rejects.toThrow(/nan-vector/);
          const w = new Float32Array(DIM).fill(0.25);
          w[0] = Number.POSITIVE_INFINITY;
          await expect(store.upsert([makeProduct('inf-vector', { vector: w })])).rejects.toThrow(/inf-vector/);
          expect(await store.count()).toBe(0);
        });
      });
    });

    describe('dense search', () => {
      it('ranks the nearest first with cosine similarity scores, with and without a filter', async () => {
        const rows = catalogFixture();
        await withStore(rows, async (store) => {
          const random = seededRandom(11);
          const filters: Filter[] = [
            [],
            [{ field: 'category', op: 'eq', value: 'coat' }],
            [
              { field: 'category', op: 'in', values: ['dress', 'shirt'] },
              { field: 'salesCount', op: 'gt', value: 150 },
            ],
          ];
          for (const filter of filters) {
            for (const base of [rows[4], rows[21], rows[33]]) {
              const query = nearby(base.vector, random, 0.05);
              const want = exactDense(rows, query, filter, 5);
              const got = await store.denseSearch(query, { filter, limit: 5 });
              expect(got.map((h) => h.id)).toEqual(want.map((w) => w.id));
              expect(got.map((h) => h.rank)).toEqual(want.map((_, i) => i + 1));
              got.forEach((h, i) => expect(h.score).toBeCloseTo(want[i].score, 4));
            }
          }
        });
      });

      it('returns only rows the filter keeps, even when fewer than the limit', async () => {
        const rows = catalogFixture();
        await withStore(rows, async (store) => {
          const filter: Filter = [
            { field: 'category', op: 'eq', value: 'outerwear' },
            { field: 'color', op: 'eq', value: 'white' },
          ];
          const want = rows.filter((p) => matchesFilter(filterRow(p), filter)).map((p) => p.id).sort();
          const got = await store.denseSearch(rows[0].vector, { filter, limit: 20 });
          expect(got.map((h) => h.id).sort()).toEqual(want);
          expect(await store.denseSearch(rows[0].vector, { filter: [{ field: 'category', op: 'eq', value: 'none' }], limit: 5 })).toEqual([]);
        });
      });
    });

    describe('keyword search', () => {
      it('finds rows sharing a term with the query, best first, ranks from 1', async () => {
        const rows = catalogFixture();
        await withStore(rows, async (store) => {
          const query = keywordText('wool');
          const got = await store.keywordSearch(query, { filter: [], limit: 50 });
          expect(got.map((h) => h.id).sort()).toEqual(keywordMatches(rows, query, []));
          expect(got.map((h) => h.rank)).toEqual(got.map((_, i) => i + 1));
          for (let i = 1; i < got.length; i++) expect(got[i].score).toBeLessThanOrEqual(got[i - 1].score);
          expect(got.every((h) => h.score > 0)).toBe(true);
        });
      });

      it('ranks a row holding both query terms above rows holding one', async () => {
        const random = seededRandom(5);
        const rows = [
          makeProduct('both', { keywords: 'wool coat belted', vector: randomUnitVector(random, DIM) }),
          makeProduct('coat-only', { keywords: 'coat linen belted', vector: randomUnitVector(random, DIM) }),
          makeProduct('wool-only', { keywords: 'wool scarf belted', vector: randomUnitVector(random, DIM) }),
          ...Array.from({ length: 8 }, (_, i) => makeProduct(`other${i}`, { keywords: `plain filler ${i}`, vector: randomUnitVector(random, DIM) })),
        ];
        await withStore(rows, async (store) => {
          const got = await store.keywordSearch('wool coat', { filter: [], limit: 2 });
          expect(got).toHaveLength(2);
          expect(got[0].id).toBe('both');
        });
      });

      it('matches Chinese words through the shared tokenizer, including mixed "UPF50 防晒衣"', async () => {
        const rows = catalogFixture();
        await withStore(rows, async (store) => {
          for (const text of ['羽绒服', '防晒衣', 'UPF50 防晒衣', '连衣裙']) {
            const query = keywordText(text);
            expect(query.length).toBeGreaterThan(0);
            const got = await store.keywordSearch(query, { filter: [], limit: 50 });
            const want = keywordMatches(rows, query, []);
            expect(want.length).toBeGreaterThan(0);
            expect(got.map((h) => h.id).sort()).toEqual(want);
          }
          // 羽绒服 is indexed with its sub-word 羽绒 (jieba cutForSearch), so the shorter query finds it too.
          const sub = await store.keywordSearch(keywordText('羽绒'), { filter: [], limit: 50 });
          expect(sub.length).toBeGreaterThan(0);
          expect(sub.every((h) => rows.find((p) => p.id === h.id)!.description.includes('羽绒服'))).toBe(true);
        });
      });

      it('applies the filter and the limit', async () => {
        const rows = catalogFixture();
        await withStore(rows, async (store) => {
          const query = keywordText('wool coat shirt dress');
          const filter: Filter = [{ field: 'season', op: 'eq', value: 'winter' }, { field: 'salesCount', op: 'lte', value: 300 }];
          const got = await store.keywordSearch(query, { filter, limit: 50 });
          expect(got.map((h) => h.id).sort()).toEqual(keywordMatches(rows, query, filter));
          const limited = await store.keywordSearch(query, { filter: [], limit: 3 });
          expect(limited).toHaveLength(3);
          // The best three of all matches (rows that tie on score may swap at the cut).
          const all = await store.keywordSearch(query, { filter: [], limit: 50 });
          limited.forEach((h, i) => expect(h.score).toBeCloseTo(all[i].score, 5));
          const third = all[2].score;
          for (const h of limited) expect(all.find((a) => a.id === h.id)!.score).toBeGreaterThanOrEqual(third - 1e-6);
        });
      });

      it('returns nothing for an empty or blank query', async () => {
        await withStore(catalogFixture(), async (store) => {
          expect(await store.keywordSearch('', { filter: [], limit: 5 })).toEqual([]);
          expect(await store.keywordSearch('   \n ', { filter: [], limit: 5 })).toEqual([]);
        });
      });
    });

    describe('hybrid search', () => {
      it('equals fuseRrf over the two legs it returns, with per-leg ranks and full records', async () => {
        const rows = catalogFixture();
        await withStore(rows, async (store) => {
          const random = seededRandom(21);
          const cases = [
            { filter: [] as Filter, weights: undefined, rrfK: 60 },
            { filter: [{ field: 'salesCount', op: 'gte', value: 100 }] as Filter, weights: { dense: 2, keyword: 0.5 }, rrfK: 10 },
          ];
          for (const c of cases) {
            const vector = nearby(rows[8].vector, random, 0.3);
            const keywords = keywordText('wool coat 羽绒服 shirt');
            const result = await store.hybridSearch({ vector, keywords, filter: c.filter, perLeg: 6, top: 4, rrfK: c.rrfK, weights: c.weights });
            expect(result.dense.length).toBeLessThanOrEqual(6);
            expect(result.keyword.length).toBeLessThanOrEqual(6);
            expect(result.dense.length).toBeGreaterThan(0);
            expect(result.keyword.length).toBeGreaterThan(0);
            // The legs are what the single-leg searches return under the same filter and limit.
            const dense = await store.denseSearch(vector, { filter: c.filter, limit: 6 });
            const keyword = await store.keywordSearch(keywords, { filter: c.filter, limit: 6 });
            expect(result.dense.map((h) => h.id)).toEqual(dense.map((h) => h.id));
            expect(result.keyword.map((h) => h.id)).toEqual(keyword.map((h) => h.id));
            const fused = fuseRrf(
              [
                { name: 'dense', ids: result.dense.map((h) => h.id), weight: c.weights?.dense },
                { name: 'keyword', ids: result.keyword.map((h) => h.id), weight: c.weights?.keyword },
              ],
              c.rrfK,
            ).slice(0, 4);
            expect(result.hits.map((h) => h.product.id)).toEqual(fused.map((f) => f.id));
            result.hits.forEach((h, i) => {
              expect(h.score).toBeCloseTo(fused[i].score, 12);
              expect(h.denseRank).toBe(fused[i].ranks.dense);
              expect(h.keywordRank).toBe(fused[i].ranks.keyword);
              expect(h.product).toEqual(record(rows.find((p) => p.id === h.product.id)!));
            });
            // The filter holds on both legs.
            for (const h of [...result.dense, ...result.keyword]) {
              expect(matchesFilter(filterRow(rows.find((p) => p.id === h.id)!), c.filter)).toBe(true);
            }
          }
        });
      });

      it('honours per-leg limits and top, and fuses the dense leg alone when keywords are empty', async () => {
        const rows = catalogFixture();
        await withStore(rows, async (store) => {
          const vector = rows[2].vector;
          const result = await store.hybridSearch({ vector, keywords: '', filter: [], perLeg: 3, top: 10, rrfK: 60 });
          expect(result.keyword).toEqual([]);
          expect(result.dense).toHaveLength(3);
          expect(result.hits.map((h) => h.product.id)).toEqual(result.dense.map((h) => h.id));
          expect(result.hits.every((h) => h.keywordRank === null)).toBe(true);
          const top1 = await store.hybridSearch({ vector, keywords: keywordText('wool'), filter: [], perLeg: 2, top: 1, rrfK: 60 });
          expect(top1.hits).toHaveLength(1);
          expect(top1.dense).toHaveLength(2);
          expect(top1.keyword).toHaveLength(2);
        });
      });

      it('applies the filter to both legs (a keyword match outside the filter is not fused in)', async () => {
        const rows = catalogFixture();
        await withStore(rows, async (store) => {
          const filter: Filter = [{ field: 'category', op: 'eq', value: 'shirt' }];
          const result = await store.hybridSearch({ vector: rows[1].vector, keywords: keywordText('wool coat'), filter, perLeg: 20, top: 20, rrfK: 60 });
          const allowed = new Set(rows.filter((p) => p.category === 'shirt').map((p) => p.id));
          expect(result.hits.length).toBeGreaterThan(0);
          for (const h of result.hits) expect(allowed.has(h.product.id)).toBe(true);
          for (const h of [...result.dense, ...result.keyword]) expect(allowed.has(h.id)).toBe(true);
        });
      });
    });

    describe('filters', () => {
      it('matches hostile string values literally and never widens the result', async () => {
        const random = seededRandom(99);
        const values = [...HOSTILE_VALUES, ...HOSTILE_DECOYS];
        const rows = values.map((v, i) =>
          makeProduct(`h${i}`, { category: v, color: v, keywords: 'hostile test', vector: randomUnitVector(random, DIM) }),
        );
        await withStore(rows, async (store) => {
          const check = async (phase: string) => {
            for (const [i, value] of HOSTILE_VALUES.entries()) {
              const eq: Filter = [{ field: 'category', op: 'eq', value }];
              const label = `${phase}: ${JSON.stringify(value)}`;
              expect(await store.count(eq), label).toBe(1);
              expect(await store.count([{ field: 'color', op: 'eq', value }]), label).toBe(1);
              expect((await store.denseSearch(rows[0].vector, { filter: eq, limit: 50 })).map((h) => h.id), label).toEqual([`h${i}`]);
              expect((await store.keywordSearch('hostile', { filter: eq, limit: 50 })).map((h) => h.id), label).toEqual([`h${i}`]);
              expect(await store.count([{ field: 'category', op: 'neq', value }]), label).toBe(rows.length - 1);
              expect(await store.count([{ field: 'category', op: 'in', values: [value, 'absent'] }]), label).toBe(1);
            }
            expect(await store.count([{ field: 'category', op: 'in', values: HOSTILE_VALUES.slice(0, 3) }])).toBe(3);
          };
          await check('before optimize');
          await store.optimize();
          await check('after optimize');
        });
      });

      it('gets, searches and deletes ids that contain quotes and backslashes', async () => {
        const random = seededRandom(4);
        const ids = ["it's", 'a\\b', "x' OR '1'='1", 'plain'];
        const rows = ids.map((id) => makeProduct(id, { vector: randomUnitVector(random, DIM) }));
        await withStore(rows, async (store) => {
          expect((await store.get(["it's"])).map((r) => r.id)).toEqual(["it's"]);
          expect((await store.imageHashes(['a\\b'])).get('a\\b')).toBe('hash-a\\b');
          expect(await store.count([{ field: 'id', op: 'eq', value: "x' OR '1'='1" }])).toBe(1);
          expect(await store.delete(["x' OR '1'='1"])).toBe(1);
          expect((await store.get(ids)).map((r) => r.id)).toEqual(["it's", 'a\\b', 'plain']);
        });
      });

      it('agrees with matchesFilter on in, eq/neq and numeric comparisons, before and after optimize', async () => {
        const rows = catalogFixture();
        const filters: Filter[] = [
          [{ field: 'salesCount', op: 'gt', value: 200 }],
          [{ field: 'salesCount', op: 'gte', value: 185 }],
          [{ field: 'salesCount', op: 'lt', value: 74 }],
          [{ field: 'salesCount', op: 'lte', value: 74 }],
          [{ field: 'salesCount', op: 'eq', value: 111 }],
          [{ field: 'salesCount', op: 'gt', value: 110.5 }],
          [{ field: 'salesCount', op: 'gt', value: -1 }],
          [{ field: 'salesCount', op: 'lt', value: 1e21 }],
          [{ field: 'price', op: 'lt', value: 40 }],
          [{ field: 'price', op: 'gte', value: 0 }],
          [{ field: 'price', op: 'eq', value: rows[1].price as number }],
          [{ field: 'category', op: 'in', values: ['coat', 'shirt'] }],
          [{ field: 'category', op: 'in', values: [] }],
          [{ field: 'color', op: 'neq', value: 'red' }],
          [{ field: 'style', op: 'eq', value: 'street' }, { field: 'season', op: 'in', values: ['winter', 'summer'] }],
          [{ field: 'category', op: 'eq', value: 'coat' }, { field: 'salesCount', op: 'gt', value: 100 }, { field: 'price', op: 'lte', value: 100 }],
        ];
        await withStore(rows, async (store) => {
          const check = async (phase: string) => {
            for (const filter of filters) {
              const want = rows.filter((p) => matchesFilter(filterRow(p), filter)).length;
              expect(await store.count(filter), `${phase}: ${JSON.stringify(filter)}`).toBe(want);
            }
          };
          await check('before optimize');
          await store.optimize();
          await check('after optimize');
        });
      });

      it('rejects malformed filters instead of guessing', async () => {
        await withStore(catalogFixture().slice(0, 2), async (store) => {
          await expect(store.count([{ field: 'salesCount', op: 'gt', value: Number.NaN }])).rejects.toThrow();
          await expect(store.count([{ field: 'nope', op: 'eq', value: 'x' } as never])).rejects.toThrow();
          await expect(store.count([{ field: 'category', op: 'gt', value: 3 } as never])).rejects.toThrow();
        });
      });
    });

    describe('scan and persistence', () => {
      it('scan yields every row exactly once, with its vector, in batches of the asked size', async () => {
        const rows = catalogFixture();
        await withStore(rows, async (store) => {
          const seen = new Map<string, StoredProduct>();
          for await (const batch of store.scan(7)) {
            expect(batch.length).toBeGreaterThan(0);
            expect(batch.length).toBeLessThanOrEqual(7);
            for (const p of batch) {
              expect(seen.has(p.id)).toBe(false);
              seen.set(p.id, p);
            }
          }
          expect(seen.size).toBe(rows.length);
          for (const p of rows) {
            const got = seen.get(p.id)!;
            expect(Array.from(got.vector)).toEqual(Array.from(p.vector));
            expect(record(got)).toEqual(record(p));
          }
        });
      });

      it('keeps data, search and the embedder record across close and reopen', async () => {
        const rows = catalogFixture();
        await withStore(rows, async (store, ctx) => {
          await store.optimize();
          await store.close();
          await store.open(EMBEDDER);
          expect(await store.count()).toBe(rows.length);
          expect(((await store.get(['p009'], { withVectors: true })) as StoredProduct[])[0].vector).toEqual(rows[9].vector);
          expect((await store.denseSearch(rows[9].vector, { filter: [], limit: 1 }))[0].id).toBe('p009');
          expect((await store.keywordSearch(keywordText('羽绒服'), { filter: [], limit: 50 })).length).toBeGreaterThan(0);
          if (ctx.reopen) {
            const second = await ctx.reopen();
            try {
              expect(await second.recordedEmbedder()).toEqual(EMBEDDER);
              await second.open(EMBEDDER);
              expect(await second.count()).toBe(rows.length);
              // A write through one object is seen by the other.
              await second.upsert([makeProduct('from-second', { vector: rows[0].vector })]);
              expect(await store.count()).toBe(rows.length + 1);
            } finally {
              await second.close();
            }
          }
        });
      });
    });
  });
}

