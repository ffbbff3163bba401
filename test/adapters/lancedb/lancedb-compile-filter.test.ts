/** The LanceDB where-clause compiler (src/adapters/lancedb/compile-filter.ts). */
import { describe, expect, it } from 'vitest';
import { compileFilter } from '../../../src/adapters/lancedb/compile-filter.js';

describe('compileFilter (LanceDB SQL)', () => {
  it('doubles single quotes and leaves backslashes alone (LanceDB reads them literally)', () => {
    expect(compileFilter([{ field: 'category', op: 'eq', value: "it's a\\b" }])).toBe("`category` = 'it''s a\\b'");
  });

  it('uses fixed column names and finite number literals', () => {
    expect(
      compileFilter([
        { field: 'salesCount', op: 'gt', value: 10 },
        { field: 'price', op: 'lte', value: 1e21 },
        { field: 'category', op: 'in', values: ['a', "b'"] },
        { field: 'color', op: 'neq', value: 'red' },
      ]),
    ).toBe("`sales_count` > 10 AND `price` <= 1e+21 AND `category` IN ('a', 'b''') AND `color` != 'red'");
    expect(compileFilter([])).toBeUndefined();
    expect(compileFilter([{ field: 'category', op: 'in', values: [] }])).toBe('FALSE');
    expect(() => compileFilter([{ field: 'price', op: 'gt', value: Number.POSITIVE_INFINITY }])).toThrow();
  });
});
