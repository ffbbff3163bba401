/**
 * Compiles hitline's typed Filter into a Milvus boolean expression. Values only ever appear as literals
 * built here: strings in double quotes (milvusString), numbers checked finite and, for the Int64 column,
 * turned into the equivalent integer bound. Field names come from a fixed whitelist, never from the
 * filter's text.
 */
import { validateFilter, type Condition, type Filter, type NumberField, type StringField } from '../../core/filter.js';
import { FIELD } from './schema.js';

const STRING_COLUMNS: Record<StringField, string> = {
  id: FIELD.id,
  category: FIELD.category,
  color: FIELD.color,
  style: FIELD.style,
  season: FIELD.season,
};

/** An expression no row satisfies (Milvus has no bare `false`). sales_count is never null. */
export const NEVER_EXPR = `(${FIELD.salesCount} < 0 and ${FIELD.salesCount} >= 0)`;

/**
 * `"…"`, with only the escapes both Milvus and Milvus Lite parse: `\\`, `\"`, `\n`, `\r`, `\t`.
 * Milvus reads the literal as a Go string literal and Lite with its own parser; Lite rejects `\uXXXX`
 * and `\xXX`, and both take every other character as it is (other control characters, CJK, emoji),
 * so those are written raw. A single quote needs no escape inside double quotes (Go refuses `\'` there).
 */
export function milvusString(value: string): string {
  let out = '"';
  for (const ch of value) {
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else out += ch;
  }
  return out + '"';
}

/** The whole filter as one expression; '' for an empty filter (Milvus then matches every row). */
export function compileMilvusFilter(filter: Filter): string {
  validateFilter(filter);
  return filter.map(compileCondition).join(' and ');
}

function compileCondition(c: Condition): string {
  if (c.field === 'salesCount' || c.field === 'price') {
    const n = c as Extract<Condition, { field: NumberField }>;
    return compileNumber(n.field, n.op, n.value);
  }
  const s = c as Extract<Condition, { field: StringField }>;
  const column = STRING_COLUMNS[s.field];
  if (!column) throw new TypeError(`filter: unknown field ${String(s.field)}`);
  switch (s.op) {
    case 'eq':
      return `${column} == ${milvusString(s.value)}`;
    case 'neq':
      return `${column} != ${milvusString(s.value)}`;
    case 'in':
      return s.values.length === 0 ? NEVER_EXPR : `${column} in [${s.values.map(milvusString).join(', ')}]`;
    default:
      throw new TypeError(`filter: operator ${(s as { op: string }).op} does not apply to ${column}`);
  }
}

type NumberOp = 'eq' | 'gt' | 'gte' | 'lt' | 'lte';
const SYMBOL: Record<NumberOp, string> = { eq: '==', gt: '>', gte: '>=', lt: '<', lte: '<=' };

function compileNumber(field: NumberField, op: NumberOp, value: number): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new TypeError(`filter: ${field} needs a finite number`);
  if (!(op in SYMBOL)) throw new TypeError(`filter: operator ${op} does not apply to ${field}`);
  if (field === 'price') {
    // A product without a price matches no numeric condition (filter.ts semantics); has_price carries that.
    return `(${FIELD.hasPrice} == true and ${FIELD.price} ${SYMBOL[op]} ${doubleLiteral(value)})`;
  }
  return intCondition(FIELD.salesCount, op, value);
}

/**
 * Milvus refuses a fractional literal against an Int64 column, so the bound becomes the integer one that
 * selects the same rows: `> 1500.5` is `> 1500`, `>= 1500.5` is `>= 1501`. Bounds are clamped to ±2^53,
 * beyond every stored sales count (upsert only accepts safe integers).
 */
function intCondition(column: string, op: NumberOp, value: number): string {
  const LIMIT = 2 ** 53;
  const clamp = (n: number) => Math.max(-LIMIT, Math.min(LIMIT, n));
  switch (op) {
    case 'eq':
      return Number.isSafeInteger(value) ? `${column} == ${value}` : NEVER_EXPR;
    case 'gt':
      return `${column} > ${clamp(Math.floor(value))}`;
    case 'gte':
      return `${column} >= ${clamp(Math.ceil(value))}`;
    case 'lt':
      return `${column} < ${clamp(Math.ceil(value))}`;
    case 'lte':
      return `${column} <= ${clamp(Math.floor(value))}`;
  }
}

/** Shortest round-trip decimal form; exponent forms (1e-7, 1e+21) are valid Milvus float literals. */
function doubleLiteral(value: number): string {
  return Object.is(value, -0) ? '0' : String(value);
}
