/**
 * StoredProduct ⇄ Milvus row, and upsert batching. Rows are checked before they get here, by the rules
 * both stores share (adapters/store-rules).
 */
import type { ProductRecord, StoredProduct } from '../../ports/vector-store.js';
import { TEXT_MAX_BYTES, type TextField } from '../store-rules/index.js';
import type { OpenCollection } from './layout.js';
import { FIELD } from './schema.js';
import { documentSparse, sparseDict } from './sparse.js';
import { rowKey } from './tenant-scope.js';

/** The text fields of a row (they go into VarChar columns). */
const TEXT_FIELDS = Object.keys(TEXT_MAX_BYTES) as TextField[];

/**
 * The row as the SDK's upsert takes it (column names of schema.ts): with the tenant's key on a shared
 * collection, and with hitline's sparse weights unless the server's BM25 function fills them.
 */
export function toMilvusRow(p: StoredProduct, target: Pick<OpenCollection, 'layout' | 'tenant'>): Record<string, unknown> {
  const row: Record<string, unknown> = {
    [FIELD.id]: p.id,
    [FIELD.category]: p.category,
    [FIELD.color]: p.color,
    [FIELD.style]: p.style,
    [FIELD.season]: p.season,
    [FIELD.salesCount]: p.salesCount,
    [FIELD.price]: p.price ?? 0,
    [FIELD.hasPrice]: p.price !== null,
    [FIELD.description]: p.description,
    [FIELD.imagePath]: p.imagePath,
    [FIELD.imageHash]: p.imageHash,
    [FIELD.attributes]: p.attributes ?? {},
    [FIELD.keywords]: p.keywords,
    // The SDK treats a typed array as raw bytes: hand it plain numbers.
    [FIELD.dense]: Array.from(p.vector),
  };
  if (target.layout.keywordLeg.kind === 'sparse') row[FIELD.sparse] = sparseDict(documentSparse(p.keywords));
  if (target.tenant !== null) {
    row[FIELD.pk] = rowKey(target.tenant, p.id);
    row[FIELD.tenant] = target.tenant;
  }
  return row;
}

/** A row from a query or search back into hitline's shape. */
export function fromMilvusRow(row: Record<string, unknown>): ProductRecord;
export function fromMilvusRow(row: Record<string, unknown>, withVector: true): StoredProduct;
export function fromMilvusRow(row: Record<string, unknown>, withVector = false): ProductRecord | StoredProduct {
  const hasPrice = row[FIELD.hasPrice] === true || row[FIELD.hasPrice] === 'true';
  const record: ProductRecord = {
    id: String(row[FIELD.id]),
    category: String(row[FIELD.category] ?? ''),
    color: String(row[FIELD.color] ?? ''),
    style: String(row[FIELD.style] ?? ''),
    season: String(row[FIELD.season] ?? ''),
    // Int64 arrives as a string (the SDK decodes longs as strings).
    salesCount: Number(row[FIELD.salesCount] ?? 0),
    price: hasPrice ? Number(row[FIELD.price]) : null,
    description: String(row[FIELD.description] ?? ''),
    imagePath: String(row[FIELD.imagePath] ?? ''),
    imageHash: String(row[FIELD.imageHash] ?? ''),
    attributes: parseAttributes(row[FIELD.attributes]),
    keywords: String(row[FIELD.keywords] ?? ''),
  };
  if (!withVector) return record;
  const dense = row[FIELD.dense];
  return { ...record, vector: Float32Array.from((dense as ArrayLike<number> | undefined) ?? []) };
}

function parseAttributes(value: unknown): Record<string, string> {
  let obj = value;
  if (typeof value === 'string') {
    try {
      obj = JSON.parse(value);
    } catch {
      return {};
    }
  }
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return {};
  return Object.fromEntries(Object.entries(obj as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
}

/**
 * Wire size of a row, over-estimated: float32 vector, the texts, the JSON, 8 bytes per sparse entry,
 * and a fixed allowance for field headers.
 */
export function estimateRowBytes(p: StoredProduct): number {
  let bytes = 4 * p.vector.length + 256;
  for (const field of TEXT_FIELDS) bytes += Buffer.byteLength(p[field], 'utf8') + 8;
  bytes += Buffer.byteLength(JSON.stringify(p.attributes ?? {}), 'utf8');
  // Each distinct term is one sparse entry; count tokens as an upper bound.
  bytes += 8 * (p.keywords.split(/\s+/).length + 1);
  return bytes;
}

/** Splits rows into consecutive batches under both bounds (a single row larger than maxBytes goes alone). */
export function planBatches<T extends StoredProduct>(rows: readonly T[], bounds: { maxBytes: number; maxRows: number }): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const row of rows) {
    const bytes = estimateRowBytes(row);
    if (current.length > 0 && (current.length >= bounds.maxRows || size + bytes > bounds.maxBytes)) {
      batches.push(current);
      current = [];
      size = 0;
    }
    current.push(row);
    size += bytes;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
