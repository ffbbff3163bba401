/**
 * The products table: its explicit Arrow schema, and conversions between StoredProduct rows and Arrow.
 *
 * One row per product id. `sales_count` is Float64 rather than Int64: DataFusion refuses to compare an
 * Int64 column with a fractional literal ("sales_count > 4.5" is an error), and a filter may carry any
 * finite number; counts stay exact up to 2^53.
 */
import type * as ArrowTypes from 'apache-arrow';
import type { ProductRecord, StoredProduct } from '../../ports/vector-store.js';
import { arrow } from './arrow.js';

export const VECTOR_COLUMN = 'vector';

/** Scalar columns in table order (everything but the vector). */
export const RECORD_COLUMNS = [
  'id',
  'category',
  'color',
  'style',
  'season',
  'sales_count',
  'price',
  'description',
  'image_path',
  'image_hash',
  'attributes',
  'keywords',
] as const;

export function productSchema(dimension: number): ArrowTypes.Schema {
  const { Schema, Field, Utf8, Float64, Float32, FixedSizeList } = arrow;
  const text = (name: string) => new Field(name, new Utf8(), false);
  return new Schema([
    text('id'),
    text('category'),
    text('color'),
    text('style'),
    text('season'),
    new Field('sales_count', new Float64(), false),
    new Field('price', new Float64(), true),
    text('description'),
    text('image_path'),
    text('image_hash'),
    text('attributes'), // JSON object of the CSV's extra columns
    text('keywords'), // space-joined tokens from search/tokenize.ts
    new Field(VECTOR_COLUMN, new FixedSizeList(dimension, new Field('item', new Float32(), true)), false),
  ]);
}

/** The vector dimension of a table's schema, or null when it has no fixed-size vector column. */
export function schemaDimension(schema: ArrowTypes.Schema): number | null {
  const field = schema.fields.find((f) => f.name === VECTOR_COLUMN);
  const type = field?.type as { listSize?: unknown } | undefined;
  return typeof type?.listSize === 'number' ? type.listSize : null;
}

/**
 * What is wrong with an existing table's schema for rows of `dimension`, or null when it is hitline's:
 * the same column names and a vector column of that dimension.
 */
export function schemaProblem(schema: ArrowTypes.Schema, dimension: number): string | null {
  const want = productSchema(dimension).fields.map((f) => f.name);
  const have = schema.fields.map((f) => f.name);
  const missing = want.filter((name) => !have.includes(name));
  const extra = have.filter((name) => !want.includes(name));
  if (missing.length > 0 || extra.length > 0) {
    const parts = [missing.length ? `no column ${missing.join(', ')}` : '', extra.length ? `unknown column ${extra.join(', ')}` : ''];
    return `its columns are not hitline's (${parts.filter(Boolean).join('; ')})`;
  }
  const found = schemaDimension(schema);
  return found === dimension ? null : `it holds ${found ?? 'no'}-d vectors but its record says ${dimension}`;
}

/** Builds one Arrow table from rows that were already checked (adapters/store-rules). */
export function rowsToArrow(rows: readonly StoredProduct[], dimension: number): ArrowTypes.Table {
  const { Table, RecordBatch, Struct, Utf8, Float64, Float32, makeData, vectorFromArray } = arrow;
  const schema = productSchema(dimension);
  const n = rows.length;
  const strings = (pick: (r: StoredProduct) => string) => vectorFromArray(rows.map(pick), new Utf8()).data[0];
  // The vectors go into one contiguous Float32Array: no per-row JS arrays for 2048-d data.
  const values = new Float32Array(n * dimension);
  rows.forEach((r, i) => values.set(r.vector, i * dimension));
  const vectorType = schema.fields[schema.fields.length - 1].type;
  const vectorData = makeData({
    type: vectorType,
    length: n,
    nullCount: 0,
    child: makeData({ type: new Float32(), length: n * dimension, data: values }),
  });
  const children = [
    strings((r) => r.id),
    strings((r) => r.category),
    strings((r) => r.color),
    strings((r) => r.style),
    strings((r) => r.season),
    vectorFromArray(rows.map((r) => r.salesCount), new Float64()).data[0],
    vectorFromArray(rows.map((r) => r.price), new Float64()).data[0],
    strings((r) => r.description),
    strings((r) => r.imagePath),
    strings((r) => r.imageHash),
    strings((r) => JSON.stringify(r.attributes)),
    strings((r) => r.keywords),
    vectorData,
  ];
  const struct = makeData({ type: new Struct(schema.fields), length: n, nullCount: 0, children });
  return new Table(schema, new RecordBatch(schema, struct));
}

/** Rows of a record batch (or table) as ProductRecords, with vectors when the batch has them. */
export function recordsFromArrow(batch: ArrowTypes.RecordBatch | ArrowTypes.Table): Array<ProductRecord & { vector?: Float32Array }> {
  const col = (name: string) => batch.getChild(name);
  const cols = Object.fromEntries(RECORD_COLUMNS.map((c) => [c, col(c)]));
  const vectors = col(VECTOR_COLUMN);
  const out: Array<ProductRecord & { vector?: Float32Array }> = [];
  for (let i = 0; i < batch.numRows; i++) {
    const get = (c: (typeof RECORD_COLUMNS)[number]) => cols[c]?.get(i);
    const price = get('price');
    const record: ProductRecord & { vector?: Float32Array } = {
      id: String(get('id')),
      category: String(get('category')),
      color: String(get('color')),
      style: String(get('style')),
      season: String(get('season')),
      salesCount: Number(get('sales_count')),
      price: price === null || price === undefined ? null : Number(price),
      description: String(get('description')),
      imagePath: String(get('image_path')),
      imageHash: String(get('image_hash')),
      attributes: parseAttributes(get('attributes')),
      keywords: String(get('keywords')),
    };
    if (vectors) {
      // A copy: the Arrow buffer belongs to the batch.
      record.vector = Float32Array.from((vectors.get(i) as ArrowTypes.Vector<ArrowTypes.Float32>).toArray());
    }
    out.push(record);
  }
  return out;
}

function parseAttributes(value: unknown): Record<string, string> {
  if (typeof value !== 'string' || value === '') return {};
  const parsed = JSON.parse(value) as unknown;
  return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, string>) : {};
}
