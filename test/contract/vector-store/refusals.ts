/**
 * VectorStore contract: the rows and query arguments every store refuses, before touching its storage,
 * with an error naming the product (or the search) and the field path, and the edge values every store
 * accepts. The rules live in src/adapters/store-rules/; vector-store-parity.test.ts checks that the stores
 * refuse with the very same words.
 */
import { describe, expect } from 'vitest';
import { EmbedderMismatchError, HitlineError, UserInputError } from '../../../src/core/errors.js';
import type { HybridQuery, StoredProduct, VectorStore } from '../../../src/ports/vector-store.js';
import { fuseRrf } from '../../../src/search/rrf.js';
import { keywordText } from '../../../src/search/tokenize.js';
import { DIM, catalogFixture, makeProduct, randomUnitVector, record, seededRandom } from './fixture.js';
import type { ContractSuite } from './suite.js';

/** The error a call failed with (the test fails when it did not). */
export async function refusalOf(call: Promise<unknown>): Promise<HitlineError> {
  const err = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, 'the call should have been refused').toBeInstanceOf(HitlineError);
  expect((err as HitlineError).hint).toBeTruthy();
  expect((err as HitlineError).retryable).toBe(false);
  return err as HitlineError;
}

const vector = (seed: number) => randomUnitVector(seededRandom(seed), DIM);

/** Rows every store refuses: [what is wrong, the row, the field path the message must name]. */
export const BAD_ROWS: Array<[string, StoredProduct, string]> = [
  ['a fractional sales count', makeProduct('frac-sales', { salesCount: 1.5, vector: vector(1) }), 'salesCount'],
  ['a negative sales count', makeProduct('neg-sales', { salesCount: -1, vector: vector(2) }), 'salesCount'],
  ['a NaN sales count', makeProduct('nan-sales', { salesCount: Number.NaN, vector: vector(3) }), 'salesCount'],
  ['an infinite price', makeProduct('inf-price', { price: Number.POSITIVE_INFINITY, vector: vector(4) }), 'price'],
  ['a negative price', makeProduct('neg-price', { price: -0.01, vector: vector(5) }), 'price'],
  ['an all-zero vector', makeProduct('zero-vector', { vector: new Float32Array(DIM) }), 'vector'],
  ['a vector with NaN', makeProduct('nan-vector', { vector: Float32Array.from(vector(6), (x, i) => (i === 5 ? Number.NaN : x)) }), 'vector[5]'],
  ['an id over 256 bytes', makeProduct('i'.repeat(257), { vector: vector(7) }), 'id'],
  ['a category over 256 bytes of UTF-8', makeProduct('long-category', { category: 'é'.repeat(129), vector: vector(8) }), 'category'],
  ['a description over 65535 bytes of UTF-8', makeProduct('long-description', { description: '羽'.repeat(22_000), vector: vector(9) }), 'description'],
  ['an attribute that is not text', makeProduct('number-attribute', { attributes: { size: 42 as unknown as string }, vector: vector(10) }), 'attributes.size'],
  ['a missing field', { ...makeProduct('no-color', { vector: vector(11) }), color: undefined as unknown as string }, 'color'],
];

/** Hybrid queries every store refuses: [the field path the message must name, the bad part]. */
export const BAD_HYBRID: Array<[string, Partial<HybridQuery>]> = [
  ['perLeg', { perLeg: -1 }],
  ['perLeg', { perLeg: 2.5 }],
  ['top', { top: -3 }],
  ['top', { top: 16_385 }],
  ['rrfK', { rrfK: -1 }],
  ['rrfK', { rrfK: Number.NaN }],
  ['weights.dense', { weights: { dense: -1 } }],
  ['weights.keyword', { weights: { keyword: Number.POSITIVE_INFINITY } }],
  ['vector', { vector: new Float32Array(DIM) }],
  ['vector[0]', { vector: Float32Array.from(vector(12), (x, i) => (i === 0 ? Number.NEGATIVE_INFINITY : x)) }],
  ['keywords', { keywords: 7 as unknown as string }],
  ['filter[0].value', { filter: [{ field: 'price', op: 'lt', value: Number.NaN }] }],
];

export function hybridQuery(rows: readonly StoredProduct[], extra: Partial<HybridQuery> = {}): HybridQuery {
  return { vector: rows[3].vector, keywords: keywordText('wool coat'), filter: [], perLeg: 5, top: 3, rrfK: 60, ...extra };
}

export function refusalTests(suite: ContractSuite): void {
  describe('rows a store refuses and accepts', () => {
    suite.test('refuses bad rows naming the product and the field, and writes nothing of that batch', async () => {
      const rows = catalogFixture();
      await suite.withStore(rows.slice(0, 5), async (store) => {
        for (const [what, bad, field] of BAD_ROWS) {
          const err = await refusalOf(store.upsert([rows[5], bad]));
          expect(err, what).toBeInstanceOf(UserInputError);
          expect(err.message, what).toContain(JSON.stringify(bad.id.length > 80 ? `${bad.id.slice(0, 77)}...` : bad.id));
          expect(err.message, what).toContain(`${field} `);
        }
        expect(await store.count()).toBe(5);
        expect(await store.get([rows[5].id])).toEqual([]);
      });
    });

    suite.test('accepts the edge values: texts at their byte limits, zero sales, a zero or missing price', async () => {
      const edge = [
        makeProduct('e'.repeat(256), { category: 'é'.repeat(128), imageHash: 'f'.repeat(128), vector: vector(20) }),
        makeProduct('zero-sales', { salesCount: 0, price: 0, vector: vector(21) }),
        makeProduct('no-price', { price: null, salesCount: Number.MAX_SAFE_INTEGER, vector: vector(22) }),
      ];
      await suite.withStore(edge, async (store) => {
        expect(await store.count()).toBe(edge.length);
        const got = await store.get(edge.map((p) => p.id));
        expect(got).toEqual(edge.map(record));
      });
    });
  });

  describe('query arguments a store refuses', () => {
    suite.test('refuses negative, fractional, non-finite and too large limits on each leg, and answers a zero limit with nothing', async () => {
      const rows = catalogFixture();
      await suite.withStore(rows, async (store) => {
        const legs: Array<[string, (limit: number) => Promise<unknown>]> = [
          ['dense search', (limit) => store.denseSearch(rows[0].vector, { filter: [], limit })],
          ['keyword search', (limit) => store.keywordSearch(keywordText('wool'), { filter: [], limit })],
        ];
        for (const [leg, search] of legs) {
          for (const limit of [-1, 2.5, Number.NaN, Number.POSITIVE_INFINITY, 16_385]) {
            const err = await refusalOf(search(limit));
            expect(err, `${leg} ${limit}`).toBeInstanceOf(UserInputError);
            expect(err.message).toContain(`${leg}: limit `);
          }
          expect(await search(0)).toEqual([]);
        }
      });
    });

    suite.test('refuses bad hybrid queries naming the field, and answers perLeg 0 or top 0 with nothing', async () => {
      const rows = catalogFixture();
      await suite.withStore(rows, async (store) => {
        for (const [field, bad] of BAD_HYBRID) {
          const err = await refusalOf(store.hybridSearch(hybridQuery(rows, bad)));
          expect(err.message, field).toContain(`hybrid search: ${field} `);
        }
        const nothing = { hits: [], dense: [], keyword: [] };
        expect(await store.hybridSearch(hybridQuery(rows, { perLeg: 0 }))).toEqual(nothing);
        expect(await store.hybridSearch(hybridQuery(rows, { top: 0 }))).toEqual(nothing);
      });
    });

    suite.test('fuses with RRF k = 0 and with zero leg weights (both allowed)', async () => {
      const rows = catalogFixture();
      await suite.withStore(rows, async (store) => {
        for (const extra of [{ rrfK: 0 }, { weights: { dense: 0, keyword: 1 } }] as Array<Partial<HybridQuery>>) {
          const result = await store.hybridSearch(hybridQuery(rows, extra));
          const fused = fuseRrf(
            [
              { name: 'dense', ids: result.dense.map((h) => h.id), weight: extra.weights?.dense },
              { name: 'keyword', ids: result.keyword.map((h) => h.id), weight: extra.weights?.keyword },
            ],
            extra.rrfK ?? 60,
          ).slice(0, 3);
          expect(result.hits.map((h) => h.product.id), JSON.stringify(extra)).toEqual(fused.map((f) => f.id));
        }
      });
    });

    suite.test('refuses a query vector of the wrong dimension on every search as an embedder mismatch', async () => {
      const rows = catalogFixture();
      await suite.withStore(rows, async (store) => {
        const wrong = randomUnitVector(seededRandom(30), DIM + 1);
        // Started one at a time: a rejection made before its turn to be awaited counts as unhandled.
        for (const call of [() => store.denseSearch(wrong, { filter: [], limit: 3 }), () => store.hybridSearch(hybridQuery(rows, { vector: wrong }))]) {
          const err = await refusalOf(call());
          expect(err).toBeInstanceOf(EmbedderMismatchError);
          expect(err.message).toContain(`vector has ${DIM + 1} dimensions`);
          expect(err.message).toContain(`${DIM}-d`);
        }
      });
    });

    suite.test('refuses an all-zero or non-finite query vector on the dense leg', async () => {
      await suite.withStore(catalogFixture(), async (store) => {
        const zero = await refusalOf(store.denseSearch(new Float32Array(DIM), { filter: [], limit: 3 }));
        expect(zero.message).toBe('dense search: vector is all zeros');
        const nan = await refusalOf(store.denseSearch(Float32Array.from(vector(31), (x, i) => (i === 2 ? Number.NaN : x)), { filter: [], limit: 3 }));
        expect(nan.message).toContain('dense search: vector[2] is NaN');
      });
    });

    suite.test('refuses ids that are not text, scan batch sizes below 1, and an embedder with no dimension', async () => {
      await suite.withStore(catalogFixture().slice(0, 3), async (store: VectorStore) => {
        expect((await refusalOf(store.get([7 as unknown as string]))).message).toContain('get: ids[0] must be text');
        expect((await refusalOf(store.delete([null as unknown as string]))).message).toContain('delete: ids[0] must be text');
        for (const size of [0, -5, 2.5]) {
          const err = await refusalOf((async () => {
            for await (const _ of store.scan(size)) break;
          })());
          expect(err.message).toContain('scan: batchSize');
        }
        expect(await store.count()).toBe(3);
      });
      const ctx = await suite.makeStore(DIM);
      try {
        for (const embedder of [{ embedderId: 'x@1', dimension: 0 }, { embedderId: 'x@1', dimension: 2.5 }, { embedderId: '', dimension: DIM }]) {
          const err = await refusalOf(ctx.store.open(embedder));
          expect(err).toBeInstanceOf(UserInputError);
          expect(err.message).toMatch(/^embedder: (dimension|embedderId) /);
        }
        expect(await ctx.store.recordedEmbedder()).toBeNull();
      } finally {
        await ctx.store.close();
        await ctx.cleanup();
      }
    });
  });
}
