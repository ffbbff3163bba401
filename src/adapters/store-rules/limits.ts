/**
 * The limits every VectorStore adapter enforces, so a row or a query one store accepts the other accepts
 * too (and `hitline migrate` between stores never meets a row the target refuses). They are the tightest
 * of the stores hitline supports: Milvus sizes its VarChar columns from TEXT_MAX_BYTES
 * (adapters/milvus/schema.ts), caps topk at MAX_HITS and float vectors at MAX_DIMENSION; LanceDB itself has
 * no such limits but refuses the same values.
 */
import type { StoredProduct } from '../../ports/vector-store.js';

/** The text fields of a stored product. */
export type TextField = 'id' | 'category' | 'color' | 'style' | 'season' | 'description' | 'imagePath' | 'imageHash' | 'keywords';

/** Longest value of each text field, in bytes of UTF-8 (Milvus counts bytes, not characters). */
export const TEXT_MAX_BYTES: Readonly<Record<TextField, number>> = {
  id: 256,
  category: 256,
  color: 256,
  style: 256,
  season: 256,
  description: 65_535,
  imagePath: 4_096,
  imageHash: 128,
  keywords: 65_535,
} satisfies Record<TextField & keyof StoredProduct, number>;

/** Longest `attributes` object, as JSON in bytes of UTF-8 (Milvus's default limit on one JSON value). */
export const ATTRIBUTES_MAX_JSON_BYTES = 65_536;

/** Most hits one leg or one hybrid search may ask for (Milvus's ceiling on topk). */
export const MAX_HITS = 16_384;

/** Largest vector dimension (Milvus's ceiling for float vectors). */
export const MAX_DIMENSION = 32_768;
