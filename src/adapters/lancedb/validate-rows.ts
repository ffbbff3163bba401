/**
 * Checks rows and query vectors before they reach LanceDB, so a bad value fails with a message naming
 * the product instead of a native error (or, worse, a NaN distance that silently sorts anywhere).
 */
import { EmbedderMismatchError, HitlineError, UserInputError } from '../../core/errors.js';
import type { EmbedderInfo, StoredProduct } from '../../ports/vector-store.js';

/** Validates every row, then drops earlier duplicates of an id (the last one wins, as in a sequence of upserts). */
export function validateRows(rows: readonly StoredProduct[], embedder: EmbedderInfo): StoredProduct[] {
  const byId = new Map<string, StoredProduct>();
  for (const row of rows) {
    validateRow(row, embedder);
    byId.delete(row.id); // re-insert so the kept row sits where its last occurrence was
    byId.set(row.id, row);
  }
  return [...byId.values()];
}

function validateRow(row: StoredProduct, embedder: EmbedderInfo): void {
  if (typeof row.id !== 'string' || row.id.length === 0) {
    throw new UserInputError(`product id must be a non-empty string, got ${JSON.stringify(row.id)}`, {
      hint: 'Give every product in the catalog an id.',
    });
  }
  const where = `product "${row.id}"`;
  for (const field of ['category', 'color', 'style', 'season', 'description', 'imagePath', 'imageHash', 'keywords'] as const) {
    if (typeof row[field] !== 'string') throw new UserInputError(`${where}: ${field} must be a string, got ${typeof row[field]}`);
  }
  if (typeof row.salesCount !== 'number' || !Number.isFinite(row.salesCount)) {
    throw new UserInputError(`${where}: sales count must be a finite number, got ${row.salesCount}`, {
      hint: 'Fix the sales_count column of that row.',
    });
  }
  if (row.price !== null && (typeof row.price !== 'number' || !Number.isFinite(row.price))) {
    throw new UserInputError(`${where}: price must be a finite number or empty, got ${row.price}`, {
      hint: 'Fix the price column of that row.',
    });
  }
  if (!row.attributes || typeof row.attributes !== 'object') throw new UserInputError(`${where}: attributes must be an object`);
  for (const [k, v] of Object.entries(row.attributes)) {
    if (typeof v !== 'string') throw new UserInputError(`${where}: attribute "${k}" must be a string, got ${typeof v}`);
  }
  checkVector(row.vector, embedder, `vector of ${where}`);
}

/** Throws unless `vector` has the store's dimension, only finite values and a non-zero length. */
export function checkVector(vector: Float32Array | readonly number[], embedder: EmbedderInfo, what: string): void {
  if (!vector || typeof vector.length !== 'number') throw new HitlineError(`${what} is missing`);
  if (vector.length !== embedder.dimension) {
    throw new EmbedderMismatchError(
      `${what} has ${vector.length} dimensions, but this store holds ${embedder.dimension}-d vectors from embedder "${embedder.embedderId}"`,
      { hint: 'Use the embedder the store was filled with, or re-ingest into a new workspace (or with --reindex).' },
    );
  }
  let norm = 0;
  for (let i = 0; i < vector.length; i++) {
    const x = vector[i];
    if (!Number.isFinite(x)) {
      throw new HitlineError(`${what} has a non-finite value (${x}) at index ${i}`, {
        hint: 'The embedder produced a broken vector; re-run the embedding for that image.',
      });
    }
    norm += x * x;
  }
  if (norm === 0) {
    // Cosine distance to a zero vector is undefined (NaN), so such a row could never be ranked.
    throw new HitlineError(`${what} is all zeros`, { hint: 'Check the image: the embedder found nothing in it.' });
  }
}
