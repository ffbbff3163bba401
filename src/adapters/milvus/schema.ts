/**
 * The Milvus collection hitline creates: the tutorial's schema, improved.
 * - `id` (the product id) is the VarChar primary key, so re-ingesting a product replaces it (upsert);
 *   the tutorial used an auto-id and could not. A collection shared by tenants (tenant-scope.ts) keys
 *   rows by `pk` = tenant/id instead, with `tenant` as Milvus's partition key and `id` a plain field.
 * - `price` is a Double (exact round trip of 19.99; the tutorial's Float was not) with `has_price` beside
 *   it, because nullable fields need Milvus 2.5 and hitline supports 2.4. A missing price is stored as
 *   0 with has_price = false, and price filters always test has_price.
 * - `image_path`, `image_hash`, `attributes` (JSON) and `keywords` are stored so the store alone can
 *   serve search results, the embedding cache and migration.
 * - `dense`: the embedder's vectors, HNSW + COSINE by default (FLAT selectable, as in the tutorial).
 * - `sparse`: the keyword leg (keyword-leg.ts): filled by Milvus's BM25 function from `keywords` where
 *   the server has it, otherwise hitline's client-side weights (sparse.ts).
 * - Scalar indexes: INVERTED on `category` and `sales_count`, the one scalar index type both Milvus and
 *   Milvus Lite accept on VarChar and Int64 (Lite refuses STL_SORT; collections made with it keep it).
 * - The embedder that filled the collection is recorded in a collection property (stamp.ts).
 */
import { DataType, FunctionType, type FieldType, type FunctionObject } from '@zilliz/milvus2-sdk-node';
import type { ResolvedMilvusConfig } from './config.js';
import { TEXT_MAX_BYTES } from '../store-rules/index.js';
import type { CollectionLayout } from './layout.js';

export const FIELD = {
  pk: 'pk',
  tenant: 'tenant',
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

/** Longest tenant name (config.ts checks it). */
export const TENANT_MAX_BYTES = 64;

/**
 * VarChar column widths in bytes of UTF-8 (Milvus counts bytes). They are exactly the text limits every
 * store enforces before writing (store-rules/limits.ts), so a row either store accepts fits here; nothing
 * is ever truncated.
 */
export const VARCHAR_MAX_BYTES = {
  [FIELD.pk]: TENANT_MAX_BYTES + 1 + TEXT_MAX_BYTES.id,
  [FIELD.tenant]: TENANT_MAX_BYTES,
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

/** The fields of a new collection with this layout. */
export function collectionFields(dimension: number, layout: CollectionLayout): FieldType[] {
  const varchar = (name: keyof typeof VARCHAR_MAX_BYTES, extra: Partial<FieldType> = {}): FieldType => ({
    name,
    data_type: DataType.VarChar,
    max_length: VARCHAR_MAX_BYTES[name],
    ...extra,
  });
  const keys: FieldType[] = layout.tenantScoped
    ? [
        varchar(FIELD.pk, { is_primary_key: true, autoID: false, description: 'tenant/product id' }),
        varchar(FIELD.tenant, { is_partition_key: true, description: 'the tenant owning the row' }),
        varchar(FIELD.id, { description: 'product id' }),
      ]
    : [varchar(FIELD.id, { is_primary_key: true, autoID: false, description: 'product id' })];
  const bm25 = layout.keywordLeg.kind === 'bm25' ? layout.keywordLeg : null;
  return [
    ...keys,
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
    varchar(FIELD.keywords, {
      description: 'space-joined hitline tokens; the keyword leg is computed from them',
      ...(bm25 ? { enable_analyzer: true, analyzer_params: bm25.analyzer.params } : {}),
    }),
    { name: FIELD.dense, data_type: DataType.FloatVector, dim: dimension },
    {
      name: FIELD.sparse,
      data_type: DataType.SparseFloatVector,
      description: bm25 ? "Milvus's BM25 function over keywords" : 'client-side BM25 term weights, FNV-1a term index',
    },
  ];
}

/** The BM25 function that fills `sparse` from `keywords` (none for client-side weights). */
export function collectionFunctions(layout: CollectionLayout): FunctionObject[] {
  if (layout.keywordLeg.kind !== 'bm25') return [];
  return [{ name: BM25_FUNCTION, type: FunctionType.BM25, input_field_names: [FIELD.keywords], output_field_names: [FIELD.sparse], params: {} }];
}

export const BM25_FUNCTION = 'keywords_bm25';

/**
 * BM25 parameters of the server-side keyword leg: Lucene's defaults, the ones LanceDB's full-text index
 * uses, so both stores score the same terms the same way (Milvus Lite's own default k1 is 1.5).
 */
export const BM25_PARAMS = { bm25_k1: 1.2, bm25_b: 0.75 } as const;

export interface IndexSpec {
  field_name: string;
  index_name: string;
  index_type: string;
  metric_type?: string;
  params?: Record<string, number | string>;
}

export function indexSpecs(config: Pick<ResolvedMilvusConfig, 'denseIndex' | 'hnsw'>, layout: CollectionLayout): IndexSpec[] {
  const dense: IndexSpec =
    config.denseIndex === 'FLAT'
      ? { field_name: FIELD.dense, index_name: FIELD.dense, index_type: 'FLAT', metric_type: DENSE_METRIC, params: {} }
      : {
          field_name: FIELD.dense,
          index_name: FIELD.dense,
          index_type: 'HNSW',
          metric_type: DENSE_METRIC,
          params: { M: config.hnsw.M, efConstruction: config.hnsw.efConstruction },
        };
  // drop_ratio_build 0: keep every weight (documents are short; dropping would lose terms).
  const sparse: IndexSpec =
    layout.keywordLeg.kind === 'bm25'
      ? { field_name: FIELD.sparse, index_name: FIELD.sparse, index_type: 'SPARSE_INVERTED_INDEX', metric_type: 'BM25', params: { drop_ratio_build: 0, ...BM25_PARAMS } }
      : { field_name: FIELD.sparse, index_name: FIELD.sparse, index_type: 'SPARSE_INVERTED_INDEX', metric_type: 'IP', params: { drop_ratio_build: 0 } };
  return [
    dense,
    sparse,
    { field_name: FIELD.category, index_name: FIELD.category, index_type: 'INVERTED' },
    { field_name: FIELD.salesCount, index_name: FIELD.salesCount, index_type: 'INVERTED' },
  ];
}

/** The dense metric, sent with every dense search (Milvus Lite does not infer it from the index). */
export const DENSE_METRIC = 'COSINE';

/** Search parameters of the dense leg; HNSW's ef must be at least the leg's limit. */
export function denseSearchParams(config: Pick<ResolvedMilvusConfig, 'denseIndex' | 'hnsw'>, limit: number): Record<string, number> {
  return config.denseIndex === 'FLAT' ? {} : { ef: Math.max(limit, config.hnsw.ef) };
}

export const SPARSE_SEARCH_PARAMS = { drop_ratio_search: 0 };

/** Field names and types (as the SDK's describeCollection spells them) that an existing collection must have. */
export function requiredFieldTypes(layout: Pick<CollectionLayout, 'tenantScoped'>): Record<string, string> {
  return {
    ...(layout.tenantScoped ? { [FIELD.pk]: 'VarChar', [FIELD.tenant]: 'VarChar' } : {}),
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
