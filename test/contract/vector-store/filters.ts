/** VectorStore contract: filters match literally (hostile values included) and agree with matchesFilter. */
import { describe, expect } from 'vitest';
import { matchesFilter, type Filter } from '../../../src/core/filter.js';
import { DIM, HOSTILE_DECOYS, HOSTILE_VALUES, catalogFixture, filterRow, makeProduct, randomUnitVector, seededRandom } from './fixture.js';
import type { ContractSuite } from './suite.js';

export function filterTests(suite: ContractSuite): void {
  describe('filters', () => {
    suite.test('matches hostile string values literally and never widens the result', async () => {
      const random = seededRandom(99);
      const values = [...HOSTILE_VALUES, ...HOSTILE_DECOYS];
      const rows = values.map((v, i) =>
        makeProduct(`h${i}`, { category: v, color: v, keywords: 'hostile test', vector: randomUnitVector(random, DIM) }),
      );
      await suite.withStore(rows, async (store) => {
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

    suite.test('gets, searches and deletes ids that contain quotes and backslashes', async () => {
      const random = seededRandom(4);
      const ids = ["it's", 'a\\b', "x' OR '1'='1", 'plain'];
      const rows = ids.map((id) => makeProduct(id, { vector: randomUnitVector(random, DIM) }));
      await suite.withStore(rows, async (store) => {
        expect((await store.get(["it's"])).map((r) => r.id)).toEqual(["it's"]);
        expect((await store.imageHashes(['a\\b'])).get('a\\b')).toBe('hash-a\\b');
        expect(await store.count([{ field: 'id', op: 'eq', value: "x' OR '1'='1" }])).toBe(1);
        expect(await store.delete(["x' OR '1'='1"])).toBe(1);
        expect((await store.get(ids)).map((r) => r.id)).toEqual(["it's", 'a\\b', 'plain']);
      });
    });

    suite.test('agrees with matchesFilter on in, eq/neq and numeric comparisons, before and after optimize', async () => {
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
      await suite.withStore(rows, async (store) => {
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

    suite.test('rejects malformed filters instead of guessing', async () => {
      await suite.withStore(catalogFixture().slice(0, 2), async (store) => {
        await expect(store.count([{ field: 'salesCount', op: 'gt', value: Number.NaN }])).rejects.toThrow();
        await expect(store.count([{ field: 'nope', op: 'eq', value: 'x' } as never])).rejects.toThrow();
        await expect(store.count([{ field: 'category', op: 'gt', value: 3 } as never])).rejects.toThrow();
      });
    });
  });
}
