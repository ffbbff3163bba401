import { describe, expect, it } from 'vitest';
import { defaultMatchFilter, matchesFilter, validateFilter, type Filter } from '../../src/core/filter.js';

const row = { id: 'p1', category: 'dress', color: 'red', style: 'casual', season: 'summer', salesCount: 120, price: 19.5 as number | null };

describe('defaultMatchFilter', () => {
  it('is "same category and sold more than minSales"', () => {
    const filter = defaultMatchFilter('dress', 100);
    expect(filter).toEqual([
      { field: 'category', op: 'eq', value: 'dress' },
      { field: 'salesCount', op: 'gt', value: 100 },
    ]);
    expect(matchesFilter(row, filter)).toBe(true);
    expect(matchesFilter(row, defaultMatchFilter('dress', 120))).toBe(false);
    expect(matchesFilter(row, defaultMatchFilter('coat', 0))).toBe(false);
  });
});

describe('matchesFilter', () => {
  it('matches everything with an empty filter', () => {
    expect(matchesFilter(row, [])).toBe(true);
  });

  it('compares strings exactly: case, whitespace and wildcard characters count', () => {
    expect(matchesFilter(row, [{ field: 'category', op: 'eq', value: 'dress' }])).toBe(true);
    expect(matchesFilter(row, [{ field: 'category', op: 'eq', value: 'Dress' }])).toBe(false);
    expect(matchesFilter(row, [{ field: 'category', op: 'eq', value: 'dress ' }])).toBe(false);
    expect(matchesFilter(row, [{ field: 'category', op: 'eq', value: 'dres%' }])).toBe(false);
    expect(matchesFilter(row, [{ field: 'category', op: 'eq', value: 'dre_s' }])).toBe(false);
    expect(matchesFilter(row, [{ field: 'color', op: 'neq', value: 'red' }])).toBe(false);
    expect(matchesFilter(row, [{ field: 'color', op: 'neq', value: 'blue' }])).toBe(true);
  });

  it('in: any of the values; an empty list matches nothing', () => {
    expect(matchesFilter(row, [{ field: 'season', op: 'in', values: ['winter', 'summer'] }])).toBe(true);
    expect(matchesFilter(row, [{ field: 'season', op: 'in', values: ['winter'] }])).toBe(false);
    expect(matchesFilter(row, [{ field: 'season', op: 'in', values: [] }])).toBe(false);
  });

  it('numeric comparisons at and around the boundary', () => {
    const cases: Array<[Filter[number]['op'], number, boolean]> = [
      ['gt', 119, true],
      ['gt', 120, false],
      ['gte', 120, true],
      ['gte', 120.5, false],
      ['lt', 121, true],
      ['lt', 120, false],
      ['lte', 120, true],
      ['lte', 119.9, false],
      ['eq', 120, true],
      ['eq', 120.000001, false],
    ];
    for (const [op, value, want] of cases) {
      expect(matchesFilter(row, [{ field: 'salesCount', op, value } as Filter[number]]), `${op} ${value}`).toBe(want);
    }
  });

  it('a missing (null) price never satisfies a numeric condition', () => {
    const noPrice = { ...row, price: null };
    for (const op of ['gt', 'gte', 'lt', 'lte', 'eq'] as const) {
      expect(matchesFilter(noPrice, [{ field: 'price', op, value: 0 }]), op).toBe(false);
    }
  });

  it('requires every condition (a conjunction)', () => {
    const filter: Filter = [
      { field: 'category', op: 'eq', value: 'dress' },
      { field: 'price', op: 'lt', value: 10 },
    ];
    expect(matchesFilter(row, filter)).toBe(false);
    expect(matchesFilter({ ...row, price: 9 }, filter)).toBe(true);
  });
});

describe('validateFilter', () => {
  it('accepts well-formed filters', () => {
    expect(() =>
      validateFilter([
        { field: 'category', op: 'eq', value: "it's" },
        { field: 'id', op: 'in', values: ['a', 'b'] },
        { field: 'price', op: 'lte', value: -3.5 },
        { field: 'salesCount', op: 'eq', value: 0 },
      ]),
    ).not.toThrow();
    expect(() => validateFilter([])).not.toThrow();
  });

  it('rejects non-finite numbers', () => {
    expect(() => validateFilter([{ field: 'salesCount', op: 'gt', value: Number.NaN }])).toThrow(/finite/);
    expect(() => validateFilter([{ field: 'price', op: 'lt', value: Number.POSITIVE_INFINITY }])).toThrow(/finite/);
  });

  it('rejects a string for a number field and a number for a string field', () => {
    expect(() => validateFilter([{ field: 'salesCount', op: 'gt', value: '5' } as never])).toThrow();
    expect(() => validateFilter([{ field: 'category', op: 'eq', value: 5 } as never])).toThrow();
  });

  it('rejects operators that do not fit the field', () => {
    expect(() => validateFilter([{ field: 'category', op: 'gt', value: 'a' } as never])).toThrow();
    expect(() => validateFilter([{ field: 'salesCount', op: 'in', values: ['1'] } as never])).toThrow();
  });

  it('rejects in without a list of strings', () => {
    expect(() => validateFilter([{ field: 'category', op: 'in', values: 'dress' } as never])).toThrow();
    expect(() => validateFilter([{ field: 'category', op: 'in', values: ['dress', 3] } as never])).toThrow();
  });

  it('rejects unknown fields', () => {
    expect(() => validateFilter([{ field: 'description', op: 'eq', value: 'x' } as never])).toThrow(/unknown field/);
    expect(() => validateFilter([{ field: 'price; DROP', op: 'gt', value: 1 } as never])).toThrow(/unknown field/);
  });
});
