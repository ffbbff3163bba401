/** The query rules both stores enforce (src/adapters/store-rules/query-schema.ts), with the messages they refuse with. */
import { describe, expect, it } from 'vitest';
import { MAX_HITS, asksForNothing, checkEmbedderInfo, checkFilter, checkHybridQuery, checkKeywordQuery } from '../../../src/adapters/store-rules/index.js';
import { UserInputError } from '../../../src/core/errors.js';
import type { Filter } from '../../../src/core/filter.js';
import type { HybridQuery } from '../../../src/ports/vector-store.js';

const EMBEDDER = { embedderId: 'e', dimension: 3 };
const QUERY: HybridQuery = { vector: Float32Array.from([1, 0, 0]), keywords: 'wool', filter: [], perLeg: 5, top: 3, rrfK: 60 };

function messageOf(check: () => void): string {
  try {
    check();
  } catch (err) {
    expect(err).toBeInstanceOf(UserInputError);
    return (err as Error).message;
  }
  throw new Error('the check passed');
}

describe('filters', () => {
  it('names the condition and the field that is wrong', () => {
    const cases: Array<[unknown, string]> = [
      [[{ field: 'salesCount', op: 'gt', value: Number.NaN }], 'count: filter[0].value must be a finite number, got NaN'],
      [[{ field: 'nope', op: 'eq', value: 'x' }], 'count: filter[0].field must be one of id, category, color, style, season, salesCount, price, got "nope"'],
      [[{ field: 'category', op: 'eq', value: 'a' }, { field: 'category', op: 'gt', value: 3 }], 'count: filter[1].op "gt" does not apply to category (it takes eq, neq, in)'],
      [[{ field: 'price', op: 'in', values: [1] }], 'count: filter[0].op "in" does not apply to price (it takes eq, gt, gte, lt, lte)'],
      [[{ field: 'color', op: 'in', values: ['red', 3] }], 'count: filter[0].values[1] must be text, got 3'],
      [[{ field: 'price', op: 'lte', value: '10' }], 'count: filter[0].value must be a finite number, got "10"'],
      ['category = red', 'count: filter must be a list of conditions, got "category = red"'],
    ];
    for (const [filter, message] of cases) expect(messageOf(() => checkFilter(filter as Filter, 'count'))).toBe(message);
  });

  it('accepts every well-formed condition, an empty "in" and an empty filter', () => {
    const filter: Filter = [
      { field: 'id', op: 'neq', value: "it's" },
      { field: 'category', op: 'in', values: [] },
      { field: 'salesCount', op: 'gte', value: -1.5 },
      { field: 'price', op: 'lt', value: 1e21 },
    ];
    expect(() => checkFilter(filter, 'count')).not.toThrow();
    expect(() => checkFilter([], 'count')).not.toThrow();
  });
});

describe('hybrid and leg queries', () => {
  it('accepts hits up to MAX_HITS and refuses one more', () => {
    expect(() => checkHybridQuery({ ...QUERY, perLeg: MAX_HITS, top: MAX_HITS }, EMBEDDER)).not.toThrow();
    expect(messageOf(() => checkHybridQuery({ ...QUERY, top: MAX_HITS + 1 }, EMBEDDER))).toBe(
      `hybrid search: top must be a whole number from 0 to ${MAX_HITS}, got ${MAX_HITS + 1}`,
    );
  });

  it('lists several problems of one query', () => {
    expect(messageOf(() => checkHybridQuery({ ...QUERY, perLeg: -1, rrfK: Number.NaN, weights: { keyword: -2 } }, EMBEDDER))).toBe(
      'hybrid search: perLeg must be a whole number from 0 to 16384, got -1; rrfK must be a finite number >= 0, got NaN; weights.keyword must be a finite number >= 0, got -2',
    );
    expect(messageOf(() => checkKeywordQuery('wool', { filter: [], limit: 1.5 }))).toBe('keyword search: limit must be a whole number from 0 to 16384, got 1.5');
  });

  it('tells a query that asks for nothing from one that asks for hits', () => {
    expect(asksForNothing({ ...QUERY, perLeg: 0 })).toBe(true);
    expect(asksForNothing({ ...QUERY, top: 0 })).toBe(true);
    expect(asksForNothing(QUERY)).toBe(false);
  });
});

describe('embedder info', () => {
  it('needs a non-empty id and a whole dimension from 1 to 32768', () => {
    expect(() => checkEmbedderInfo({ embedderId: 'x', dimension: 32_768 })).not.toThrow();
    expect(messageOf(() => checkEmbedderInfo({ embedderId: 'x', dimension: 32_769 }))).toBe('embedder: dimension must be a whole number from 1 to 32768, got 32769');
    expect(messageOf(() => checkEmbedderInfo({ embedderId: '', dimension: 4 }))).toBe('embedder: embedderId must be non-empty text, got ""');
  });
});
