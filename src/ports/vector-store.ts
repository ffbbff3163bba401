/**
 * The VectorStore port: one collection of catalog products with a dense vector, a keyword index
 * and scalar fields. Every adapter passes test/contract/vector-store.contract.ts, and both adapters
 * check rows and arguments with the same rules (adapters/store-rules), so they accept and refuse the
 * same input with the same UserInputError (EmbedderMismatchError for a wrong vector dimension).
 * Failures of the store itself are HitlineErrors whose `retryable` says whether another attempt of the
 * same call can succeed (an unavailable server, a busy disk, a commit conflict) or not.
 */
import type { Filter } from '../core/filter.js';

/** One stored product. `keywords` is the space-joined output of search/tokenize.ts. */
export interface StoredProduct {
  id: string;
  category: string;
  color: string;
  style: string;
  season: string;
  salesCount: number;
  price: number | null;
  description: string;
  /** Absolute path of the image the vector was computed from. */
  imagePath: string;
  /** sha256 of the image file bytes. */
  imageHash: string;
  attributes: Record<string, string>;
  keywords: string;
  vector: Float32Array;
}

/** A stored product without its vector, as search results return it. */
export type ProductRecord = Omit<StoredProduct, 'vector'>;

/** Which embedder filled the store. A store refuses vectors and queries from any other. */
export interface EmbedderInfo {
  embedderId: string;
  dimension: number;
}

export interface LegQuery {
  filter: Filter;
  /** Hits asked for: a whole number from 0 (an empty answer) to 16,384. */
  limit: number;
}

export interface LegHit {
  id: string;
  /** Rank from 1 within its leg. */
  rank: number;
  /** The leg's own score: cosine similarity for dense, BM25 for keyword. */
  score: number;
}

export interface HybridQuery {
  vector: Float32Array;
  /** Tokenized keyword query (space-joined terms); empty means the keyword leg returns nothing. */
  keywords: string;
  filter: Filter;
  /** Hits asked of each leg: a whole number from 0 to 16,384 (0: an empty answer). */
  perLeg: number;
  /** Fused hits returned: a whole number from 0 to 16,384 (0: an empty answer, legs included). */
  top: number;
  /** The RRF constant: a finite number >= 0. */
  rrfK: number;
  /** Optional leg weights for weighted RRF (finite, >= 0); both default to 1 (Milvus's RRFRanker). */
  weights?: { dense?: number; keyword?: number };
}

export interface HybridHit {
  product: ProductRecord;
  score: number;
  denseRank: number | null;
  keywordRank: number | null;
}

export interface HybridResult {
  hits: HybridHit[];
  /** The legs as each returned them, for reports and diagnostics. */
  dense: LegHit[];
  keyword: LegHit[];
}

/**
 * How many rows hold each keyword term (in `keywords`), over the whole collection: what `match` weighs
 * the seller's words by. Same shape as search/term-stats.ts's TermStats, which both stores count with.
 */
export interface KeywordStats {
  rows: number;
  /** Rows holding each term asked about (0 when none). */
  documentFrequency: ReadonlyMap<string, number>;
}

export interface UpsertProgress {
  done: number;
  total: number;
}

export interface VectorStore {
  readonly kind: string;
  /**
   * Opens (creating if needed) the collection for this embedder. Throws EmbedderMismatchError if the
   * store was filled by a different embedder id or dimension.
   */
  open(embedder: EmbedderInfo): Promise<void>;
  /** The embedder recorded in the store, or null when it is empty and new. Works before `open`. */
  recordedEmbedder(): Promise<EmbedderInfo | null>;
  /**
   * Insert or replace by id; the last of duplicate ids wins. Every row is checked first (texts within
   * their byte limits, a whole sales count >= 0, a price >= 0 or null, a vector of the recorded
   * dimension, finite and not all zeros): one bad row refuses the whole call and nothing is written.
   */
  upsert(rows: readonly StoredProduct[], onProgress?: (p: UpsertProgress) => void): Promise<void>;
  get(ids: readonly string[], options?: { withVectors?: boolean }): Promise<Array<StoredProduct | ProductRecord>>;
  /** Content hashes by id, for the "never embed an unchanged image twice" cache. */
  imageHashes(ids: readonly string[]): Promise<Map<string, string>>;
  delete(ids: readonly string[]): Promise<number>;
  count(filter?: Filter): Promise<number>;
  denseSearch(vector: Float32Array, query: LegQuery): Promise<LegHit[]>;
  keywordSearch(keywords: string, query: LegQuery): Promise<LegHit[]>;
  /** Both legs under the same filter, fused by RRF (rank from 1). */
  hybridSearch(query: HybridQuery): Promise<HybridResult>;
  /**
   * Document frequencies of `terms` (tokenized keyword terms) over every row, no filter. Counted from the
   * keywords column and kept until the collection changes, so a batch of queries pays for one count.
   */
  keywordStats(terms: readonly string[]): Promise<KeywordStats>;
  /** Every row with its vector, in batches of at most `batchSize` (>= 1), for migration between stores. */
  scan(batchSize?: number): AsyncIterable<StoredProduct[]>;
  /**
   * Empties the collection and records `embedder` instead, leaving the store open for it (`ingest
   * --reindex`, to switch embedders). Optional: a store without it declares the contract's recreate
   * tests skipped.
   */
  recreate?(embedder: EmbedderInfo): Promise<void>;
  /** Builds or refreshes indexes once the collection is large enough to need them. */
  optimize(): Promise<void>;
  /**
   * Merges the small pieces that many small writes leave behind and frees what old versions hold, without
   * building any new index (that stays `optimize`'s job). A long ingest calls it every few thousand rows so
   * memory and write time stay flat in catalog size. Optional: a store whose writes leave nothing to merge
   * does not need it.
   */
  compact?(): Promise<void>;
  close(): Promise<void>;
}
