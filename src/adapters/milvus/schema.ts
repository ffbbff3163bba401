/**
 * The Milvus collection hitline creates: the tutorial's schema, improved.
 * - `id` (the product id) is the VarChar primary key, so re-ingesting a product replaces it (upsert);
 *   the tutorial used an auto-id and could not.
 * - `price` is a Double (exact round trip of 19.99; the tutorial's Float was not) with `has_price` beside
 *   it, because nullable fields need Milvus 2.5 and hitline supports 2.4. A missing price is stored as
 *   0 with has_price = false, and price filters always test has_price.
 * - `image_path`, `image_hash`, `attributes` (JSON) and `keywords` are stored so the store alone can
 *   serve search results, the embedding cache and migration.
 * - `dense`: the embedder's vectors, HNSW + COSINE by default (FLAT selectable, as in the tutorial).
 * - `sparse`: the keyword leg as client-side weights (sparse.ts), SPARSE_INVERTED_INDEX + IP.
 * - The embedder that filled the collection is recorded in the collection description as JSON.
 */
import { DataType, type FieldType } from '@zilliz/milvus2-sdk-node';
import type { EmbedderInfo } from '../../ports/vector-store.js';
import type { ResolvedMilvusConfig } from './config.js';
import { TEXT_MAX_BYTES } from '../store-rules/index.js';

export const FIELD = {
  id: 'id',
  category: 'category',
  color: 'color',
  style: 'style',
  season: 'season',
  salesCount: 'sales_count',
  price: 'price',
  hasPrice: 'has_price',
  description: 'description',
  imagePath: 'image_path',
  imageHash: 'image_hash',
  attributes: 'attributes',
  keywords: 'keywords',
  dense: 'dense',
  sparse: 'sparse',
} as const;

/**
 * VarChar column widths in bytes of UTF-8 (Milvus counts bytes). They are exactly the text limits every
 * store enforces before writing (store-rules/limits.ts), so a row either store accepts fits here; nothing
 * is ever truncated.
 */
export const VARCHAR_MAX_BYTES = {
  [FIELD.id]: TEXT_MAX_BYTES.id,
  [FIELD.category]: TEXT_MAX_BYTES.category,
  [FIELD.color]: TEXT_MAX_BYTES.color,
  [FIELD.style]: TEXT_MAX_BYTES.style,
  [FIELD.season]: TEXT_MAX_BYTES.season,
  [FIELD.description]: TEXT_MAX_BYTES.description,
  [FIELD.imagePath]: TEXT_MAX_BYTES.imagePath,
  [FIELD.imageHash]: TEXT_MAX_BYTES.imageHash,
  [FIELD.keywords]: TEXT_MAX_BYTES.keywords,
} as const;

/** Fields returned for a product record (no vectors). */
export const RECORD_FIELDS: string[] = [
  FIELD.id, FIELD.category, FIELD.color, FIELD.style, FIELD.season, FIELD.salesCount, FIELD.price, FIELD.hasPrice,
  FIELD.description, FIELD.imagePath, FIELD.imageHash, FIELD.attributes, FIELD.keywords,
];

export function collectionFields(dimension: number): FieldType[] {
  const varchar = (name: keyof typeof VARCHAR_MAX_BYTES, extra: Partial<FieldType> = {}): FieldType => ({
    name,
    data_type: DataType.VarChar,
    max_length: VARCHAR_MAX_BYTES[name],
    ...extra,
  });
  return [
    varchar(FIELD.id, { is_primary_key: true, autoID: false, description: 'product id' }),
    varchar(FIELD.category),
    varchar(FIELD.color),
    varchar(FIELD.style),
    varchar(FIELD.season),
    { name: FIELD.salesCount, data_type: DataType.Int64 },
    { name: FIELD.price, data_type: DataType.Double, description: '0 when has_price is false' },
    { name: FIELD.hasPrice, data_type: DataType.Bool },
    varchar(FIELD.description),
    varchar(FIELD.imagePath),
    varchar(FIELD.imageHash),
    { name: FIELD.attributes, data_type: DataType.JSON },
    varchar(FIELD.keywords, { description: 'space-joined hitline tokens; the sparse vector is computed from them' }),
    { name: FIELD.dense, data_type: DataType.FloatVector, dim: dimension },
    { name: FIELD.sparse, data_type: DataType.SparseFloatVector, description: 'client-side BM25 term weights, FNV-1a term index' },
  ];
}

export interface IndexSpec {
  field_name: string;
  index_name: string;
  index_type: string;
  metric_type?: string;
  params?: Record<string, number | string>;
}

export function indexSpecs(config: Pick<ResolvedMilvusConfig, 'denseIndex' | 'hnsw'>): IndexSpec[] {
  const dense: IndexSpec =
    config.denseIndex === 'FLAT'
      ? { field_name: FIELD.dense, index_name: FIELD.dense, index_type: 'FLAT', metric_type: 'COSINE', params: {} }
      : {
          field_name: FIELD.dense,
          index_name: FIELD.dense,
          index_type: 'HNSW',
          metric_type: 'COSINE',
          params: { M: config.hnsw.M, efConstruction: config.hnsw.efConstruction },
        };
  return [
    dense,
    // drop_ratio_build 0: keep every weight (documents are short; dropping would lose terms).
    { field_name: FIELD.sparse, index_name: FIELD.sparse, index_type: 'SPARSE_INVERTED_INDEX', metric_type: 'IP', params: { drop_ratio_build: 0 } },
    { field_name: FIELD.category, index_name: FIELD.category, index_type: 'INVERTED' },
    { field_name: FIELD.salesCount, index_name: FIELD.salesCount, index_type: 'STL_SORT' },
  ];
}

/** Search parameters of the dense leg; HNSW's ef must be at least the leg's limit. */
export function denseSearchParams(config: Pick<ResolvedMilvusConfig, 'denseIndex' | 'hnsw'>, limit: number): Record<string, number> {
  return config.denseIndex === 'FLAT' ? {} : { ef: Math.max(limit, config.hnsw.ef) };
}

export const SPARSE_SEARCH_PARAMS = { drop_ratio_search: 0 };

/** What the collection description records: a JSON object with the embedder and the schema version. */
export interface CollectionStamp extends EmbedderInfo {
  schemaVersion: number;
}

export const SCHEMA_VERSION = 1;
const STAMP_TAG = 'hitline';

export function collectionDescription(embedder: EmbedderInfo): string {
  return JSON.stringify({ [STAMP_TAG]: SCHEMA_VERSION, embedderId: embedder.embedderId, dimension: embedder.dimension });
}

/** The stamp in a collection description, or null when the description is not hitline's. */
export function parseCollectionDescription(description: string | undefined): CollectionStamp | null {
  if (!description) return null;
  try {
    const parsed = JSON.parse(description) as Record<string, unknown>;
    if (typeof parsed[STAMP_TAG] !== 'number' || typeof parsed.embedderId !== 'string' || typeof parsed.dimension !== 'number') return null;
    return { schemaVersion: parsed[STAMP_TAG] as number, embedderId: parsed.embedderId, dimension: parsed.dimension };
  } catch {
    return null;
  }
}

/** Field names and types (as the SDK's describeCollection spells them) that an existing collection must have. */
export function requiredFieldTypes(): Record<string, string> {
  return {
    [FIELD.id]: 'VarChar',
    [FIELD.category]: 'VarChar',
    [FIELD.color]: 'VarChar',
    [FIELD.style]: 'VarChar',
    [FIELD.season]: 'VarChar',
    [FIELD.salesCount]: 'Int64',
    [FIELD.price]: 'Double',
    [FIELD.hasPrice]: 'Bool',
    [FIELD.description]: 'VarChar',
    [FIELD.imagePath]: 'VarChar',
    [FIELD.imageHash]: 'VarChar',
    [FIELD.attributes]: 'JSON',
    [FIELD.keywords]: 'VarChar',
    [FIELD.dense]: 'FloatVector',
    [FIELD.sparse]: 'SparseFloatVector',
  };
}
