/**
 * The recorder's memory of one collection: the schema it was created with, its indexes, load state and
 * rows, plus the column codec between Milvus FieldData messages and plain rows, and exact (brute force)
 * search. Just enough Milvus behaviour for the adapter's answers to be realistic; it is not Milvus.
 */
import { compileExpr, type FieldTypes } from './milvus-expr.js';
import { cosineSimilarity } from '../../src/util/vector-math.js';

export interface FieldSchemaObject {
  fieldID: string;
  name: string;
  is_primary_key: boolean;
  data_type: string;
  type_params: Array<{ key: string; value: string }>;
  [key: string]: unknown;
}

export interface CollectionSchemaObject {
  name: string;
  description: string;
  fields: FieldSchemaObject[];
  enable_dynamic_field: boolean;
  [key: string]: unknown;
}

export interface Sparse {
  indices: number[];
  values: number[];
}

export type Row = Record<string, unknown>;

/** A FieldData message as proto-loader decodes (and encodes) it. */
export interface FieldDataMessage {
  type: string;
  field_name: string;
  field_id?: string;
  scalars?: Record<string, { data: unknown[] } | string | undefined>;
  vectors?: { dim: string; float_vector?: { data: number[] }; sparse_float_vector?: { dim: string; contents: Buffer[] }; [k: string]: unknown };
  valid_data?: boolean[];
}

export class FakeCollection {
  readonly rows = new Map<string, Row>();
  readonly indexes: Array<{ field_name: string; index_name: string; params: Array<{ key: string; value: string }> }> = [];
  loaded = false;
  /** Collection properties as CreateCollection sent them. */
  properties: Array<{ key: string; value: string }> = [];
  readonly fieldTypes: FieldTypes;
  readonly pk: string;

  constructor(
    readonly name: string,
    readonly id: string,
    readonly schema: CollectionSchemaObject,
    readonly consistencyLevel: string,
  ) {
    schema.fields.forEach((f, i) => {
      f.fieldID = String(100 + i);
    });
    this.fieldTypes = Object.fromEntries(schema.fields.map((f) => [f.name, f.data_type]));
    const pk = schema.fields.find((f) => f.is_primary_key);
    if (!pk) throw new Error('schema has no primary key');
    this.pk = pk.name;
  }

  field(name: string): FieldSchemaObject | undefined {
    return this.schema.fields.find((f) => f.name === name);
  }

  dim(name: string): number {
    return Number(this.field(name)?.type_params.find((p) => p.key === 'dim')?.value ?? 0);
  }

  /** Column-wise FieldData → rows. Throws on a column the schema does not have. */
  decodeRows(fieldsData: FieldDataMessage[], numRows: number): Row[] {
    const rows: Row[] = Array.from({ length: numRows }, () => ({}));
    for (const fd of fieldsData) {
      const field = this.field(fd.field_name);
      if (!field) throw new Error(`field ${fd.field_name} not in schema`);
      const values = decodeColumn(fd, numRows);
      values.forEach((v, i) => {
        rows[i][fd.field_name] = v;
      });
    }
    return rows;
  }

  /** Rows → FieldData columns for the named output fields (`count(*)` handled by the caller). */
  encodeColumns(rows: Row[], outputFields: string[]): FieldDataMessage[] {
    return outputFields.map((name) => {
      const field = this.field(name);
      if (!field) throw new Error(`field ${name} not exist`);
      return encodeColumn(field, rows.map((r) => r[name]), this.dim(name));
    });
  }

  /** '*' means every field but vectors, as in Milvus. */
  expandOutputFields(fields: string[]): string[] {
    const out: string[] = [];
    for (const f of fields.length ? fields : ['*']) {
      if (f === '*') out.push(...this.schema.fields.filter((x) => !/Vector$/.test(x.data_type)).map((x) => x.name));
      else out.push(f);
    }
    return [...new Set(out)];
  }

  filter(expr: string): Row[] {
    const match = compileExpr(expr, this.fieldTypes);
    return [...this.rows.values()].filter(match);
  }

  /**
   * Exact search of one leg: COSINE on a float vector field, IP on a sparse field (rows with no shared
   * term are not hits, as with an inverted index). Ties keep insertion order.
   */
  search(annsField: string, query: number[] | Sparse, expr: string, topk: number): Array<{ row: Row; score: number }> {
    const type = this.fieldTypes[annsField];
    const scored = this.filter(expr).map((row) => {
      if (type === 'FloatVector') return { row, score: cosine(row[annsField] as number[], query as number[]) };
      if (type === 'SparseFloatVector') return { row, score: sparseDot(row[annsField] as Sparse, query as Sparse) };
      throw new Error(`field ${annsField} is not a vector field`);
    });
    const hits = type === 'SparseFloatVector' ? scored.filter((h) => h.score > 0) : scored;
    return hits.sort((a, b) => b.score - a.score).slice(0, topk);
  }
}

function decodeColumn(fd: FieldDataMessage, n: number): unknown[] {
  if (fd.vectors) {
    const dim = Number(fd.vectors.dim);
    if (fd.vectors.float_vector) {
      const flat = fd.vectors.float_vector.data;
      return Array.from({ length: n }, (_, i) => flat.slice(i * dim, (i + 1) * dim));
    }
    if (fd.vectors.sparse_float_vector) return fd.vectors.sparse_float_vector.contents.map(parseSparseBytes);
    throw new Error(`unsupported vector column ${fd.field_name}`);
  }
  const scalars = fd.scalars ?? {};
  const key = scalars.data as string;
  const data = ((scalars[key] as { data: unknown[] } | undefined)?.data ?? []) as unknown[];
  switch (key) {
    case 'long_data':
    case 'int_data':
      return data.map(Number);
    case 'json_data':
      return (data as Buffer[]).map((b) => (b.length ? JSON.parse(b.toString('utf8')) : null));
    default:
      return data;
  }
}

function encodeColumn(field: FieldSchemaObject, values: unknown[], dim: number): FieldDataMessage {
  const base = { type: field.data_type, field_name: field.name, field_id: field.fieldID };
  switch (field.data_type) {
    case 'VarChar':
      return { ...base, scalars: { string_data: { data: values.map(String) } } };
    case 'Int64':
      return { ...base, scalars: { long_data: { data: values.map((v) => String(v)) } } };
    case 'Double':
      return { ...base, scalars: { double_data: { data: values } } };
    case 'Float':
      return { ...base, scalars: { float_data: { data: values } } };
    case 'Bool':
      return { ...base, scalars: { bool_data: { data: values } } };
    case 'JSON':
      return { ...base, scalars: { json_data: { data: values.map((v) => Buffer.from(JSON.stringify(v ?? {}), 'utf8')) } } };
    case 'FloatVector':
      return { ...base, vectors: { dim: String(dim), float_vector: { data: (values as number[][]).flat() } } };
    case 'SparseFloatVector':
      return {
        ...base,
        vectors: { dim: '0', sparse_float_vector: { dim: '0', contents: (values as Sparse[]).map(sparseToBytes) } },
      };
    default:
      throw new Error(`cannot encode ${field.data_type}`);
  }
}

/** Milvus's sparse row bytes: (uint32 index, float32 value) pairs, little-endian. */
export function parseSparseBytes(bytes: Buffer | Uint8Array): Sparse {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const indices: number[] = [];
  const values: number[] = [];
  for (let off = 0; off + 8 <= buf.length; off += 8) {
    indices.push(buf.readUInt32LE(off));
    values.push(buf.readFloatLE(off + 4));
  }
  return { indices, values };
}

function sparseToBytes(v: Sparse): Buffer {
  const buf = Buffer.alloc(8 * v.indices.length);
  v.indices.forEach((idx, i) => {
    buf.writeUInt32LE(idx, 8 * i);
    buf.writeFloatLE(v.values[i], 8 * i + 4);
  });
  return buf;
}

const cosine = cosineSimilarity;

function sparseDot(a: Sparse, b: Sparse): number {
  const m = new Map(b.indices.map((idx, i) => [idx, b.values[i]]));
  let sum = 0;
  a.indices.forEach((idx, i) => {
    sum += a.values[i] * (m.get(idx) ?? 0);
  });
  return sum;
}
