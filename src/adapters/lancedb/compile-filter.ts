/**
 * Compiles the Filter model (core/filter.ts) into a LanceDB (DataFusion SQL) where-clause.
 *
 * Column names come from a fixed table, never from input. String values become SQL literals with
 * single quotes doubled; LanceDB's SQL treats backslashes as ordinary characters (checked in
 * test/adapters/lancedb/lancedb.test.ts), so nothing else needs escaping. Only `=`, `!=` and `IN` are used for
 * strings, never LIKE, so `%` and `_` are literal too.
 */
import { validateFilter, type Condition, type Filter, type NumberField, type StringField } from '../../core/filter.js';

/** Filter field → column name in the LanceDB table. */
export const FILTER_COLUMNS: Readonly<Record<StringField | NumberField, string>> = {
  id: 'id',
  category: 'category',
  color: 'color',
  style: 'style',
  season: 'season',
  salesCount: 'sales_count',
  price: 'price',
};

const NUMBER_OPS = { eq: '=', gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

/** The where-clause for a filter, or undefined when the filter is empty (matches everything). */
export function compileFilter(filter: Filter): string | undefined {
  validateFilter(filter);
  if (filter.length === 0) return undefined;
  return filter.map(compileCondition).join(' AND ');
}

function compileCondition(c: Condition): string {
  const column = `\`${FILTER_COLUMNS[c.field]}\``;
  switch (c.op) {
    case 'in':
      return c.values.length === 0 ? 'FALSE' : `${column} IN (${c.values.map(sqlString).join(', ')})`;
    case 'eq':
    case 'neq':
      if (typeof c.value === 'string') return `${column} ${c.op === 'eq' ? '=' : '!='} ${sqlString(c.value)}`;
      if (c.op === 'neq') throw new TypeError(`filter: ${c.field} takes a number with eq/gt/gte/lt/lte`);
      return `${column} = ${sqlNumber(c.value)}`;
    default:
      return `${column} ${NUMBER_OPS[c.op]} ${sqlNumber(c.value)}`;
  }
}

/** A SQL string literal that matches `value` exactly. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A SQL numeric literal; both numeric columns are Float64, so exponent notation is fine. */
export function sqlNumber(value: number): string {
  if (!Number.isFinite(value)) throw new TypeError(`filter: numbers must be finite, got ${value}`);
  return String(value);
}

/** `id IN (...)` for a list of ids (callers chunk long lists). */
export function idInClause(ids: readonly string[]): string {
  return ids.length === 0 ? 'FALSE' : `\`id\` IN (${ids.map(sqlString).join(', ')})`;
}
