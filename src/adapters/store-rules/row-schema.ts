/**
 * One stored product row as every VectorStore accepts it: the schema of StoredProduct, with the limits
 * of limits.ts. `checkRows` is what both stores run before writing anything.
 */
import { z } from 'zod';
import { UserInputError } from '../../core/errors.js';
import type { EmbedderInfo, StoredProduct } from '../../ports/vector-store.js';
import { ATTRIBUTES_MAX_JSON_BYTES, TEXT_MAX_BYTES, type TextField } from './limits.js';
import { productLabel, refusal, worded, type HintFor, type IssueParams } from './refusal.js';
import { vectorSchema } from './vector-schema.js';

const SALES = worded('must be a whole number >= 0');
const PRICE = worded('must be a number >= 0, or null for no price');
const TEXT = worded('must be text');

function tooLong(ctx: z.RefinementCtx, bytes: number, max: number): void {
  ctx.addIssue({ code: 'custom', message: `is ${bytes} bytes of UTF-8; at most ${max} are stored`, params: { kind: 'too-long' } satisfies IssueParams });
}

/** Text of at most TEXT_MAX_BYTES[field] bytes of UTF-8. */
function text(field: TextField) {
  const max = TEXT_MAX_BYTES[field];
  return z.string(TEXT).superRefine((value, ctx) => {
    if (value.length * 3 <= max) return; // a UTF-16 unit is at most 3 bytes of UTF-8: no need to count
    const bytes = Buffer.byteLength(value, 'utf8');
    if (bytes > max) tooLong(ctx, bytes, max);
  });
}

const attributes = z
  .record(z.string(), z.string(TEXT), worded('must be an object of text values'))
  .superRefine((value, ctx) => {
    const bytes = Buffer.byteLength(JSON.stringify(value), 'utf8');
    if (bytes > ATTRIBUTES_MAX_JSON_BYTES) tooLong(ctx, bytes, ATTRIBUTES_MAX_JSON_BYTES);
  });

/** The schema of a row for a store filled by `embedder` (the vector's dimension depends on it). */
export function storedProductSchema(embedder: EmbedderInfo) {
  return z.object(
    {
      id: text('id').min(1, worded('must not be empty')),
      category: text('category'),
      color: text('color'),
      style: text('style'),
      season: text('season'),
      salesCount: z.number(SALES).int(SALES).min(0, SALES),
      price: z.number(PRICE).min(0, PRICE).nullable(),
      description: text('description'),
      imagePath: text('imagePath'),
      imageHash: text('imageHash'),
      attributes,
      keywords: text('keywords'),
      vector: vectorSchema(embedder),
    },
    worded('must be an object'),
  );
}

const ROW_HINTS: Record<string, string> = {
  id: 'Give every product a product_id of 1 to 256 bytes.',
  salesCount: 'Fix the sales_count column of that row: a whole number, 0 or more.',
  price: 'Fix the price column of that row: empty, or a number of 0 or more.',
  attributes: 'Drop or shorten the extra CSV columns of this product.',
};

const rowHint: HintFor = (field, kind) => {
  if (kind === 'zero') return 'Check the image: the embedder found nothing in it.';
  if (kind === 'non-finite') return 'The embedder produced a broken vector; embed that image again.';
  if (kind === 'too-long') return `Shorten ${field} for this product; hitline does not truncate it.`;
  return ROW_HINTS[field] ?? (field ? `Fix ${field} of this product.` : 'Pass products as StoredProduct objects.');
};

/**
 * Checks every row (throwing for the first bad one, before anything is written), then drops earlier
 * duplicates of an id: the last one wins, as in a sequence of upserts, at the place it last occurred.
 */
export function checkRows(rows: readonly StoredProduct[], embedder: EmbedderInfo): StoredProduct[] {
  if (!Array.isArray(rows)) throw new UserInputError('upsert: rows must be a list of products');
  const schema = storedProductSchema(embedder);
  const byId = new Map<string, StoredProduct>();
  for (const row of rows) {
    const result = schema.safeParse(row);
    if (!result.success) throw refusal(productLabel((row as { id?: unknown } | null)?.id), result.error, rowHint);
    byId.delete(row.id);
    byId.set(row.id, row);
  }
  return [...byId.values()];
}
