/**
 * The embedder a collection was filled with, recorded on the collection itself as a collection property
 * `hitline.stamp` (JSON). Milvus keeps collection properties it does not know (its proxy checks only the
 * keys it uses, such as collection.ttl.seconds and mmap.enabled), and so does Milvus Lite; Lite drops the
 * collection description, where hitline used to keep it. The description still carries the same JSON for
 * people browsing the server (Attu), and is read when the property is absent (collections made before).
 * A side collection for metadata was the other way: Milvus refuses a collection without a vector field,
 * and a second collection could drift from the first (dropped, renamed, copied without it).
 */
import type { DescribeCollectionResponse } from '@zilliz/milvus2-sdk-node';
import type { EmbedderInfo } from '../../ports/vector-store.js';

export const STAMP_PROPERTY = 'hitline.stamp';

/** The record's format: 1 kept it in the description only; 2 adds the property, BM25 and tenant layouts. */
export const SCHEMA_VERSION = 2;
const STAMP_TAG = 'hitline';

export interface CollectionStamp extends EmbedderInfo {
  schemaVersion: number;
}

export function stampJson(embedder: EmbedderInfo): string {
  return JSON.stringify({ [STAMP_TAG]: SCHEMA_VERSION, embedderId: embedder.embedderId, dimension: embedder.dimension });
}

/** The stamp of a described collection, or null when it records none (not a hitline collection). */
export function readStamp(desc: Pick<DescribeCollectionResponse, 'properties' | 'schema'>): CollectionStamp | null {
  const property = (desc.properties ?? []).find((p) => p.key === STAMP_PROPERTY)?.value;
  return parseStamp(typeof property === 'string' ? property : undefined) ?? parseStamp(desc.schema?.description);
}

export function parseStamp(text: string | undefined): CollectionStamp | null {
  if (!text) return null;
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    if (typeof parsed[STAMP_TAG] !== 'number' || typeof parsed.embedderId !== 'string' || typeof parsed.dimension !== 'number') return null;
    return { schemaVersion: parsed[STAMP_TAG] as number, embedderId: parsed.embedderId, dimension: parsed.dimension };
  } catch {
    return null;
  }
}
