/**
 * The scalar filter model: a conjunction of typed conditions. Each store compiles it into its own
 * syntax with its own escaping (store/lancedb/compile-filter.ts, store/milvus/compile-filter.ts);
 * no user string is ever spliced into a query as text.
 */
export type StringField = 'id' | 'category' | 'color' | 'style' | 'season';
export type NumberField = 'salesCount' | 'price';

export type Condition =
  | { field: StringField; op: 'eq' | 'neq'; value: string }
  | { field: StringField; op: 'in'; values: string[] }
  | { field: NumberField; op: 'eq' | 'gt' | 'gte' | 'lt' | 'lte'; value: number };

/** All conditions must hold. An empty list matches everything. */
export type Filter = Condition[];

export const STRING_FIELDS: readonly StringField[] = ['id', 'category', 'color', 'style', 'season'];
export const NUMBER_FIELDS: readonly NumberField[] = ['salesCount', 'price'];

/** The tutorial's default: same category as the new product and sold more than `minSales`. */
export function defaultMatchFilter(category: string, minSales: number): Filter {
  return [
    { field: 'category', op: 'eq', value: category },
    { field: 'salesCount', op: 'gt', value: minSales },
  ];
}

/** Evaluates a filter on a plain row; the reference semantics every store's compiled filter must agree with. */
export function matchesFilter(row: Record<StringField | NumberField, unknown>, filter: Filter): boolean {
  return filter.every((c) => {
    const v = row[c.field];
    switch (c.op) {
      case 'eq': return v === c.value;
      case 'neq': return v !== c.value;
      case 'in': return c.values.includes(v as string);
      case 'gt': return typeof v === 'number' && v > c.value;
      case 'gte': return typeof v === 'number' && v >= c.value;
      case 'lt': return typeof v === 'number' && v < c.value;
      case 'lte': return typeof v === 'number' && v <= c.value;
    }
  });
}

/** Rejects conditions that are not well-formed (wrong field for the operator, non-finite numbers). */
export function validateFilter(filter: Filter): void {
  for (const c of filter) {
    if (c.op === 'in') {
      if (!STRING_FIELDS.includes(c.field) || !Array.isArray(c.values)) throw new TypeError(`filter: "in" needs a string field and a list of values`);
      for (const v of c.values) if (typeof v !== 'string') throw new TypeError(`filter: "in" values on ${c.field} must be strings`);
    } else if ((STRING_FIELDS as readonly string[]).includes(c.field)) {
      if (typeof c.value !== 'string' || (c.op !== 'eq' && c.op !== 'neq')) throw new TypeError(`filter: ${c.field} takes a string with eq/neq/in`);
    } else if ((NUMBER_FIELDS as readonly string[]).includes(c.field)) {
      if (typeof c.value !== 'number' || !Number.isFinite(c.value)) throw new TypeError(`filter: ${c.field} needs a finite number`);
      if (!['eq', 'gt', 'gte', 'lt', 'lte'].includes(c.op)) throw new TypeError(`filter: ${c.field} takes eq/gt/gte/lt/lte`);
    } else {
      throw new TypeError(`filter: unknown field ${(c as { field: string }).field}`);
    }
  }
}
