/** VectorStore contract: the dense leg, the keyword leg and the hybrid search, against answers computed from the fixture. */
import { describe, expect } from 'vitest';
import { matchesFilter, type Filter } from '../../../src/core/filter.js';
import { fuseRrf } from '../../../src/search/rrf.js';
import { keywordText } from '../../../src/search/tokenize.js';
import type { StoredProduct } from '../../../src/ports/vector-store.js';
import { DIM, catalogFixture, exactDense, filterRow, keywordMatches, makeProduct, nearby, randomUnitVector, record, seededRandom } from './fixture.js';
import type { ContractSuite } from './suite.js';

export function searchTests(suite: ContractSuite): void {
  describe('dense search', () => {
    suite.test('ranks the nearest first with cosine similarity scores, with and without a filter', async () => {
      const rows = catalogFixture();
      await suite.withStore(rows, async (store) => {
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

    suite.test('returns only rows the filter keeps, even when fewer than the limit', async () => {
      const rows = catalogFixture();
      await suite.withStore(rows, async (store) => {
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
    suite.test('finds rows sharing a term with the query, best first, ranks from 1', async () => {
      const rows = catalogFixture();
      await suite.withStore(rows, async (store) => {
        const query = keywordText('wool');
        const got = await store.keywordSearch(query, { filter: [], limit: 50 });
        expect(got.map((h) => h.id).sort()).toEqual(keywordMatches(rows, query, []));
        expect(got.map((h) => h.rank)).toEqual(got.map((_, i) => i + 1));
        for (let i = 1; i < got.length; i++) expect(got[i].score).toBeLessThanOrEqual(got[i - 1].score);
        expect(got.every((h) => h.score > 0)).toBe(true);
      });
    });

    suite.test('ranks a row holding both query terms above rows holding one', async () => {
      const random = seededRandom(5);
      const rows = [
        makeProduct('both', { keywords: 'wool coat belted', vector: randomUnitVector(random, DIM) }),
        makeProduct('coat-only', { keywords: 'coat linen belted', vector: randomUnitVector(random, DIM) }),
        makeProduct('wool-only', { keywords: 'wool scarf belted', vector: randomUnitVector(random, DIM) }),
        ...Array.from({ length: 8 }, (_, i) => makeProduct(`other${i}`, { keywords: `plain filler ${i}`, vector: randomUnitVector(random, DIM) })),
      ];
      await suite.withStore(rows, async (store) => {
        const got = await store.keywordSearch('wool coat', { filter: [], limit: 2 });
        expect(got).toHaveLength(2);
        expect(got[0].id).toBe('both');
      });
    });

    suite.test('matches Chinese words through the shared tokenizer, including mixed "UPF50 防晒衣"', async () => {
      const rows = catalogFixture();
      await suite.withStore(rows, async (store) => {
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

    suite.test('applies the filter and the limit', async () => {
      const rows = catalogFixture();
      await suite.withStore(rows, async (store) => {
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

    suite.test('returns nothing for an empty or blank query', async () => {
      await suite.withStore(catalogFixture(), async (store) => {
        expect(await store.keywordSearch('', { filter: [], limit: 5 })).toEqual([]);
        expect(await store.keywordSearch('   \n ', { filter: [], limit: 5 })).toEqual([]);
      });
    });
  });

  describe('keyword statistics', () => {
    suite.test('counts the rows holding each keyword term over the whole store, and counts again after a write', async () => {
      const rows = catalogFixture();
      await suite.withStore(rows, async (store) => {
        const terms = [...keywordText('wool coat 羽绒服').split(' '), 'absent-term'];
        const want = (all: readonly StoredProduct[]) => new Map(terms.map((t) => [t, all.filter((p) => p.keywords.split(' ').includes(t)).length]));
        const stats = await store.keywordStats(terms);
        expect(stats.rows).toBe(rows.length);
        expect(new Map(stats.documentFrequency)).toEqual(want(rows));
        expect([...stats.documentFrequency.values()].some((n) => n > 1)).toBe(true);
        expect(stats.documentFrequency.get('absent-term')).toBe(0);
        // A write changes the counts; the next call sees it.
        const extra = makeProduct('extra', { keywords: 'wool wool absent-term', vector: randomUnitVector(seededRandom(3), DIM) });
        await store.upsert([extra]);
        const after = await store.keywordStats(terms);
        expect(after.rows).toBe(rows.length + 1);
        expect(new Map(after.documentFrequency)).toEqual(want([...rows, extra]));
        await store.delete(['extra']);
        expect((await store.keywordStats(['wool'])).documentFrequency.get('wool')).toBe(want(rows).get('wool'));
      });
    });
  });

  describe('hybrid search', () => {
    suite.test('equals fuseRrf over the two legs it returns, with per-leg ranks and full records', async () => {
      const rows = catalogFixture();
      await suite.withStore(rows, async (store) => {
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

    suite.test('honours per-leg limits and top, and fuses the dense leg alone when keywords are empty', async () => {
      const rows = catalogFixture();
      await suite.withStore(rows, async (store) => {
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

    suite.test('applies the filter to both legs (a keyword match outside the filter is not fused in)', async () => {
      const rows = catalogFixture();
      await suite.withStore(rows, async (store) => {
        const filter: Filter = [{ field: 'category', op: 'eq', value: 'shirt' }];
        const result = await store.hybridSearch({ vector: rows[1].vector, keywords: keywordText('wool coat'), filter, perLeg: 20, top: 20, rrfK: 60 });
        const allowed = new Set(rows.filter((p) => p.category === 'shirt').map((p) => p.id));
        expect(result.hits.length).toBeGreaterThan(0);
        for (const h of result.hits) expect(allowed.has(h.product.id)).toBe(true);
        for (const h of [...result.dense, ...result.keyword]) expect(allowed.has(h.id)).toBe(true);
      });
    });
  });
}
