/**
 * StoredProduct ⇄ Milvus row, the checks a row must pass before it is sent, and upsert batching.
 */
import { EmbedderMismatchError, UserInputError } from '../../core/errors.js';
import type { ProductRecord, StoredProduct } from '../../ports/vector-store.js';
import { FIELD, JSON_MAX_BYTES, VARCHAR_MAX_BYTES } from './schema.js';
import { documentSparse, sparseDict } from './sparse.js';

type VarcharField = keyof typeof VARCHAR_MAX_BYTES;

const VARCHAR_OF: Array<[VarcharField, (p: StoredProduct) => string, string]> = [
  [FIELD.id, (p) => p.id, 'id'],
  [FIELD.category, (p) => p.category, 'category'],
  [FIELD.color, (p) => p.color, 'color'],
  [FIELD.style, (p) => p.style, 'style'],
  [FIELD.season, (p) => p.season, 'season'],
  [FIELD.description, (p) => p.description, 'description'],
  [FIELD.imagePath, (p) => p.imagePath, 'imagePath'],
  [FIELD.imageHash, (p) => p.imageHash, 'imageHash'],
  [FIELD.keywords, (p) => p.keywords, 'keywords'],
];

function shortId(id: string): string {
  return id.length > 80 ? `${id.slice(0, 77)}...` : id;
}

/**
 * Throws a UserInputError naming the product when a value does not fit the collection (a string over
 * its VarChar limit, a sales count that is not an integer, ...), and EmbedderMismatchError when the
 * vector's length is not the collection's dimension. Nothing is truncated or rounded.
 */
export function checkRowFits(p: StoredProduct, dimension: number, embedderId: string): void {
  if (typeof p.id !== 'string' || p.id.length === 0) {
    throw new UserInputError('A product has an empty id', { hint: 'Every product needs a non-empty product_id.' });
  }
  const who = `Product "${shortId(p.id)}"`;
  for (const [column, read, prop] of VARCHAR_OF) {
    const value = read(p);
    if (typeof value !== 'string') throw new UserInputError(`${who}: ${prop} is not text`);
    const bytes = Buffer.byteLength(value, 'utf8');
    if (bytes > VARCHAR_MAX_BYTES[column]) {
      throw new UserInputError(
        `${who}: ${prop} is ${bytes} bytes (UTF-8); the Milvus field "${column}" holds at most ${VARCHAR_MAX_BYTES[column]} bytes`,
        { hint: `Shorten ${prop} for this product; hitline does not truncate it silently.` },
      );
    }
  }
  if (!Number.isSafeInteger(p.salesCount)) {
    throw new UserInputError(`${who}: sales count ${p.salesCount} is not a whole number`, { hint: 'sales_count must be an integer.' });
  }
  if (p.price !== null && (typeof p.price !== 'number' || !Number.isFinite(p.price))) {
    throw new UserInputError(`${who}: price ${String(p.price)} is not a finite number`, { hint: 'Leave price empty or give a number.' });
  }
  const attributes = JSON.stringify(p.attributes ?? {});
  if (Buffer.byteLength(attributes, 'utf8') > JSON_MAX_BYTES) {
    throw new UserInputError(`${who}: its extra attributes take more than ${JSON_MAX_BYTES} bytes as JSON`, {
      hint: 'Drop or shorten extra CSV columns for this product.',
    });
  }
  if (!(p.vector instanceof Float32Array) && !Array.isArray(p.vector)) {
    throw new UserInputError(`${who}: has no vector`);
  }
  if (p.vector.length !== dimension) {
    throw new EmbedderMismatchError(
      `${who}: vector has ${p.vector.length} dimensions, but this Milvus collection holds ${dimension}-d vectors from "${embedderId}"`,
      { hint: 'Embed with the embedder the collection was made with, or use another MILVUS_COLLECTION.' },
    );
  }
  for (const x of p.vector) {
    if (!Number.isFinite(x)) throw new UserInputError(`${who}: vector contains a non-finite value`, { hint: 'Re-embed this image.' });
  }
}

/** The row as the SDK's upsert takes it (column names of schema.ts). */
export function toMilvusRow(p: StoredProduct): Record<string, unknown> {
  return {
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
    [FIELD.sparse]: sparseDict(documentSparse(p.keywords)),
  };
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
  for (const [, read] of VARCHAR_OF) bytes += Buffer.byteLength(read(p), 'utf8') + 8;
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
