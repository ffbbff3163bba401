/**
 * The Milvus filter compiler's exact output, and a round trip of every hostile value through a parser
 * that accepts only the string literals both Milvus and Milvus Lite parse (test/fakes/milvus-expr.ts):
 * each compiles to a literal that matches only itself. The same values run against Milvus Lite itself
 * in lite-filters.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { matchesFilter, type Filter } from '../../../src/core/filter.js';
import { NEVER_EXPR, compileMilvusFilter, milvusString } from '../../../src/adapters/milvus/compile-filter.js';
import { idsExpr, scopedExpr } from '../../../src/adapters/milvus/tenant-scope.js';
import { compileExpr } from '../../fakes/milvus-expr.js';

const HOSTILE = [
  "'",
  '"',
  '\\',
  "' OR 1=1 --",
  '" or 1==1 or "',
  '羽绒服',
  '👗 dress',
  'line\nbreak',
  'tab\there',
  'cr\rhere',
  'nul\u0000byte',
  'esc\u001b del\u007f',
  'x\\n',
  '\\"',
  '',
];

const FIELD_TYPES = {
  id: 'VarChar',
  category: 'VarChar',
  color: 'VarChar',
  style: 'VarChar',
  season: 'VarChar',
  sales_count: 'Int64',
  price: 'Double',
  has_price: 'Bool',
};

describe('milvusString', () => {
  it('double-quotes and escapes backslash, quote, newline, CR and tab only, and leaves other text (other control characters included) as it is', () => {
    expect(milvusString('plain')).toBe('"plain"');
    expect(milvusString("it's")).toBe('"it\'s"');
    expect(milvusString('say "hi"')).toBe('"say \\"hi\\""');
    expect(milvusString('a\\b')).toBe('"a\\\\b"');
    expect(milvusString('line\nbreak')).toBe('"line\\nbreak"');
    expect(milvusString('cr\rtab\t')).toBe('"cr\\rtab\\t"');
    // No \uXXXX or \xXX escapes: Milvus Lite rejects them; both servers take these characters raw.
    expect(milvusString('nul\u0000del\u007f')).toBe('"nul\u0000del\u007f"');
    expect(milvusString('羽绒服 👗')).toBe('"羽绒服 👗"');
    expect(milvusString('" or 1==1 or "')).toBe('"\\" or 1==1 or \\""');
  });

  it('gives a literal that a Go-style parser reads back as exactly the original value', () => {
    for (const value of HOSTILE) {
      const match = compileExpr(`category == ${milvusString(value)}`, FIELD_TYPES);
      expect(match({ category: value }), JSON.stringify(value)).toBe(true);
      for (const other of HOSTILE.filter((v) => v !== value)) {
        expect(match({ category: other }), `${JSON.stringify(value)} vs ${JSON.stringify(other)}`).toBe(false);
      }
    }
  });
});

describe('compileMilvusFilter', () => {
  it('compiles the tutorial filter', () => {
    expect(
      compileMilvusFilter([
        { field: 'category', op: 'eq', value: 'midi_dress' },
        { field: 'salesCount', op: 'gt', value: 1500 },
      ]),
    ).toBe('category == "midi_dress" and sales_count > 1500');
  });

  it('maps every field through a fixed whitelist of column names', () => {
    expect(
      compileMilvusFilter([
        { field: 'id', op: 'neq', value: 'a' },
        { field: 'color', op: 'in', values: ['red', 'navy'] },
        { field: 'style', op: 'eq', value: 's' },
        { field: 'season', op: 'eq', value: 'winter' },
        { field: 'price', op: 'lte', value: 99.5 },
      ]),
    ).toBe('id != "a" and color in ["red", "navy"] and style == "s" and season == "winter" and (has_price == true and price <= 99.5)');
  });

  it('escapes hostile values into single literals', () => {
    expect(compileMilvusFilter([{ field: 'category', op: 'eq', value: "' OR 1=1 --" }])).toBe('category == "\' OR 1=1 --"');
    expect(compileMilvusFilter([{ field: 'category', op: 'eq', value: '" or 1==1 or "' }])).toBe('category == "\\" or 1==1 or \\""');
    expect(compileMilvusFilter([{ field: 'category', op: 'in', values: ['a"b', 'c\\d', 'e\nf'] }])).toBe('category in ["a\\"b", "c\\\\d", "e\\nf"]');
  });

  it('turns fractional and out-of-range bounds on the Int64 sales_count into equivalent integer bounds', () => {
    const c = (op: 'eq' | 'gt' | 'gte' | 'lt' | 'lte', value: number) => compileMilvusFilter([{ field: 'salesCount', op, value }]);
    expect(c('gt', 1500.5)).toBe('sales_count > 1500');
    expect(c('gte', 1500.5)).toBe('sales_count >= 1501');
    expect(c('lt', 1500.5)).toBe('sales_count < 1501');
    expect(c('lte', 1500.5)).toBe('sales_count <= 1500');
    expect(c('gt', -0.5)).toBe('sales_count > -1');
    expect(c('gte', -0.5)).toBe('sales_count >= 0');
    expect(c('eq', 7)).toBe('sales_count == 7');
    expect(c('eq', 7.5)).toBe(NEVER_EXPR);
    expect(c('lt', 1e21)).toBe('sales_count < 9007199254740992');
    expect(c('gt', -1e21)).toBe('sales_count > -9007199254740992');
  });

  it('writes price literals in round-trip form, exponents included', () => {
    expect(compileMilvusFilter([{ field: 'price', op: 'gt', value: 1e-7 }])).toBe('(has_price == true and price > 1e-7)');
    expect(compileMilvusFilter([{ field: 'price', op: 'lt', value: 1e21 }])).toBe('(has_price == true and price < 1e+21)');
    expect(compileMilvusFilter([{ field: 'price', op: 'eq', value: -0 }])).toBe('(has_price == true and price == 0)');
  });

  it('gives an empty expression for an empty filter and a contradiction for an empty "in"', () => {
    expect(compileMilvusFilter([])).toBe('');
    expect(compileMilvusFilter([{ field: 'category', op: 'in', values: [] }])).toBe(NEVER_EXPR);
  });

  it('refuses malformed conditions', () => {
    expect(() => compileMilvusFilter([{ field: 'salesCount', op: 'gt', value: Number.NaN }])).toThrow();
    expect(() => compileMilvusFilter([{ field: 'price', op: 'lt', value: Infinity }])).toThrow();
    expect(() => compileMilvusFilter([{ field: 'nope', op: 'eq', value: 'x' } as never])).toThrow();
    expect(() => compileMilvusFilter([{ field: 'category', op: 'gt', value: 3 } as never])).toThrow();
  });

  it('selects the same rows as matchesFilter, evaluated by the Milvus-grammar parser', () => {
    const rows = [
      { id: 'a', category: 'coat', color: 'red', style: 's', season: 'winter', salesCount: 1500, price: 20 },
      { id: 'b', category: 'coat', color: 'navy', style: 's', season: 'summer', salesCount: 1501, price: null },
      { id: 'c', category: "it's", color: 'red', style: 't', season: 'winter', salesCount: 0, price: 0 },
      { id: 'd', category: 'dress', color: 'x\\n', style: 't', season: 'spring', salesCount: -3, price: 99.99 },
    ];
    const filters: Filter[] = [
      [{ field: 'salesCount', op: 'gt', value: 1500.5 }],
      [{ field: 'salesCount', op: 'lte', value: 1500.5 }],
      [{ field: 'salesCount', op: 'eq', value: 1500.5 }],
      [{ field: 'salesCount', op: 'lt', value: -2.5 }],
      [{ field: 'price', op: 'gte', value: 0 }],
      [{ field: 'price', op: 'lt', value: 50 }],
      [{ field: 'category', op: 'eq', value: "it's" }],
      [{ field: 'color', op: 'in', values: ['x\\n', 'red'] }, { field: 'season', op: 'neq', value: 'winter' }],
      [{ field: 'category', op: 'in', values: [] }],
    ];
    for (const filter of filters) {
      const match = compileExpr(compileMilvusFilter(filter), FIELD_TYPES);
      const got = rows.filter((r) => match({ ...toColumns(r) })).map((r) => r.id);
      const want = rows.filter((r) => matchesFilter(r, filter)).map((r) => r.id);
      expect(got, JSON.stringify(filter)).toEqual(want);
    }
  });
});

describe('id expressions and the tenant scope', () => {
  it('lists escaped ids, and matches nothing for no ids', () => {
    expect(idsExpr(null, ['a', "b'", 'c"d', 'e\\f'])).toBe('id in ["a", "b\'", "c\\"d", "e\\\\f"]');
    expect(idsExpr(null, [])).toBe(NEVER_EXPR);
  });

  it('looks a tenant\'s ids up by their tenant/id key, and scopes every other expression to the tenant', () => {
    expect(idsExpr('shop-1', ['a', 'c"d'])).toBe('pk in ["shop-1/a", "shop-1/c\\"d"]');
    expect(idsExpr('shop-1', [])).toBe(NEVER_EXPR);
    expect(scopedExpr('shop-1', '')).toBe('tenant == "shop-1"');
    expect(scopedExpr('shop-1', 'a == 1 or b == 2')).toBe('tenant == "shop-1" and (a == 1 or b == 2)');
    expect(scopedExpr(null, 'a == 1 or b == 2')).toBe('a == 1 or b == 2');
  });
});

function toColumns(r: { id: string; category: string; color: string; style: string; season: string; salesCount: number; price: number | null }) {
  return {
    id: r.id,
    category: r.category,
    color: r.color,
    style: r.style,
    season: r.season,
    sales_count: r.salesCount,
    price: r.price ?? 0,
    has_price: r.price !== null,
  };
}
