/**
 * The Milvus adapter of the VectorStore port (server or cluster, for catalogs beyond one machine).
 * Arguments are checked by the rules both stores share (adapters/store-rules). Schema: schema.ts.
 * Keyword leg: sparse.ts. Filters: compile-filter.ts. Searches: hybrid-search.ts. Writes: upsert.ts.
 * Wire shapes are tested against test/fakes/milvus-recorder.ts; the shared contract suite runs against a
 * real server when MILVUS_ADDRESS is set (test/adapters/milvus/milvus-live.test.ts).
 */
import type { MilvusClient } from '@zilliz/milvus2-sdk-node';
import type { Filter } from '../../core/filter.js';
import { EmbedderMismatchError, HitlineError } from '../../core/errors.js';
import type {
  EmbedderInfo,
  HybridQuery,
  HybridResult,
  LegHit,
  LegQuery,
  ProductRecord,
  StoredProduct,
  UpsertProgress,
  VectorStore,
} from '../../ports/vector-store.js';
import {
  asksForNothing,
  checkBatchSize,
  checkDenseQuery,
  checkEmbedderInfo,
  checkFilter,
  checkHybridQuery,
  checkIds,
  checkKeywordQuery,
  checkRows,
} from '../store-rules/index.js';
import { displayAddress, resolveMilvusConfig, type MilvusConfig, type ResolvedMilvusConfig } from './config.js';
import { connectMilvus } from './connection.js';
import { createCollection, describeCollection, ensureIndexes, ensureLoaded, stampOf } from './collection.js';
import { compileMilvusFilter, idsInExpr } from './compile-filter.js';
import { callMilvus, checkStatus, isSuccessStatus, statusError } from './errors.js';
import { hybridSearch, runLeg } from './hybrid-search.js';
import { IDS_PER_REQUEST, queryByIds, readByIds } from './rows-by-id.js';
import { FIELD, RECORD_FIELDS } from './schema.js';
import { denseLeg, sparseLeg, toLegHits } from './search-legs.js';
import { querySparse } from './sparse.js';
import { upsertInBatches } from './upsert.js';

export class MilvusStore implements VectorStore {
  readonly kind = 'milvus';
  /** Private: it holds the token or password. */
  private readonly config: ResolvedMilvusConfig;
  private client: MilvusClient | undefined;
  private connecting: Promise<MilvusClient> | undefined;
  private embedder: EmbedderInfo | undefined;

  constructor(config: MilvusConfig) {
    this.config = resolveMilvusConfig(config);
  }

  get collectionName(): string {
    return this.config.collection;
  }

  /** The server address as it may be shown (no credentials). */
  get address(): string {
    return displayAddress(this.config);
  }

  private get collection(): string {
    return this.config.collection;
  }

  private async connection(): Promise<MilvusClient> {
    if (this.client) return this.client;
    this.connecting ??= connectMilvus(this.config).then(
      (c) => (this.client = c),
      (err) => {
        this.connecting = undefined; // let a later call try again
        throw err;
      },
    );
    return this.connecting;
  }

  private ready(): { client: MilvusClient; embedder: EmbedderInfo } {
    if (!this.client || !this.embedder) {
      throw new HitlineError(`Milvus collection "${this.collection}" is not open`, { hint: 'Call open(embedder) before using the store.' });
    }
    return { client: this.client, embedder: this.embedder };
  }

  async recordedEmbedder(): Promise<EmbedderInfo | null> {
    const client = await this.connection();
    const desc = await describeCollection(client, this.config);
    if (!desc) return null;
    const { embedderId, dimension } = stampOf(desc, this.config);
    return { embedderId, dimension };
  }

  async open(embedder: EmbedderInfo): Promise<void> {
    checkEmbedderInfo(embedder);
    const client = await this.connection();
    let desc = await describeCollection(client, this.config);
    if (!desc) {
      await createCollection(client, this.config, embedder);
      desc = await describeCollection(client, this.config);
      if (!desc) throw new HitlineError(`Milvus at ${displayAddress(this.config)} did not keep collection "${this.collection}" after creating it`);
    }
    const stamp = stampOf(desc, this.config);
    if (stamp.embedderId !== embedder.embedderId || stamp.dimension !== embedder.dimension) {
      throw new EmbedderMismatchError(
        `Milvus collection "${this.collection}" at ${displayAddress(this.config)} holds vectors from "${stamp.embedderId}" ` +
          `(${stamp.dimension}-d), not from "${embedder.embedderId}" (${embedder.dimension}-d)`,
        { hint: 'Use the embedder the collection was made with, or set MILVUS_COLLECTION to a new collection and ingest again.' },
      );
    }
    await ensureIndexes(client, this.config);
    await ensureLoaded(client, this.config);
    this.embedder = { embedderId: stamp.embedderId, dimension: stamp.dimension };
  }

  async upsert(rows: readonly StoredProduct[], onProgress?: (p: UpsertProgress) => void): Promise<void> {
    const { client, embedder } = this.ready();
    const valid = checkRows(rows, embedder);
    if (valid.length === 0) {
      onProgress?.({ done: 0, total: 0 });
      return;
    }
    await upsertInBatches(client, this.config, valid, onProgress);
  }

  async get(ids: readonly string[], options: { withVectors?: boolean } = {}): Promise<Array<StoredProduct | ProductRecord>> {
    const { client } = this.ready();
    checkIds(ids, 'get');
    const fields = options.withVectors ? [...RECORD_FIELDS, FIELD.dense] : RECORD_FIELDS;
    return readByIds(client, this.config, ids, fields, 'reading products');
  }

  async imageHashes(ids: readonly string[]): Promise<Map<string, string>> {
    const { client } = this.ready();
    checkIds(ids, 'imageHashes');
    const rows = await queryByIds(client, this.config, ids, [FIELD.id, FIELD.imageHash], 'reading image hashes');
    return new Map(rows.map((r) => [String(r[FIELD.id]), String(r[FIELD.imageHash])]));
  }

  async delete(ids: readonly string[]): Promise<number> {
    const { client } = this.ready();
    checkIds(ids, 'delete');
    // Milvus counts ids named in a delete whether or not they existed; count the ones that did.
    const existing = (await queryByIds(client, this.config, ids, [FIELD.id], 'finding products to delete')).map((r) => String(r[FIELD.id]));
    for (let i = 0; i < existing.length; i += IDS_PER_REQUEST) {
      const chunk = existing.slice(i, i + IDS_PER_REQUEST);
      const res = await callMilvus(this.config, 'deleting products', () => client.delete({ collection_name: this.collection, filter: idsInExpr(chunk) }));
      checkStatus(res.status, this.config, 'deleting products');
    }
    return existing.length;
  }

  async count(filter: Filter = []): Promise<number> {
    const { client } = this.ready();
    checkFilter(filter, 'count');
    const expr = compileMilvusFilter(filter);
    const res = await callMilvus(this.config, 'counting products', () =>
      client.query({ collection_name: this.collection, expr, output_fields: ['count(*)'] }),
    );
    checkStatus(res.status, this.config, 'counting products');
    return Number(res.data[0]?.['count(*)'] ?? 0);
  }

  async denseSearch(vector: Float32Array, query: LegQuery): Promise<LegHit[]> {
    const { client, embedder } = this.ready();
    checkDenseQuery(vector, query, embedder);
    const expr = compileMilvusFilter(query.filter);
    if (query.limit === 0) return [];
    return toLegHits(await runLeg(client, this.config, denseLeg(this.config, vector, expr, query.limit)));
  }

  async keywordSearch(keywords: string, query: LegQuery): Promise<LegHit[]> {
    const { client } = this.ready();
    checkKeywordQuery(keywords, query);
    const expr = compileMilvusFilter(query.filter);
    const sparse = querySparse(keywords);
    if (query.limit === 0 || sparse.indices.length === 0) return [];
    return toLegHits(await runLeg(client, this.config, sparseLeg(sparse, expr, query.limit)));
  }

  async hybridSearch(query: HybridQuery): Promise<HybridResult> {
    const { client, embedder } = this.ready();
    checkHybridQuery(query, embedder);
    if (asksForNothing(query)) return { hits: [], dense: [], keyword: [] };
    return hybridSearch(client, this.config, query);
  }

  /**
   * Every row with its vector. Ids are read first (one query, ids only) and rows are then fetched in
   * batches by id, so no row is skipped whatever order Milvus returns rows in (a cursor on `id > last`
   * with a limit relies on an ordering Milvus 2.4 does not promise for plain queries).
   */
  async *scan(batchSize = 500): AsyncIterable<StoredProduct[]> {
    checkBatchSize(batchSize);
    const { client } = this.ready();
    // Batches beyond this are read in several requests anyway; yielding smaller batches is allowed.
    const size = Math.min(batchSize, IDS_PER_REQUEST * 4);
    const res = await callMilvus(this.config, 'listing product ids', () =>
      client.query({ collection_name: this.collection, expr: `${FIELD.id} != ""`, output_fields: [FIELD.id] }),
    );
    checkStatus(res.status, this.config, 'listing product ids');
    const ids = res.data.map((r) => String(r[FIELD.id])).sort(compareUtf8);
    for (let i = 0; i < ids.length; i += size) {
      const batch = await readByIds(client, this.config, ids.slice(i, i + size), [...RECORD_FIELDS, FIELD.dense], 'reading products to scan');
      if (batch.length > 0) yield batch as StoredProduct[];
    }
  }

  /**
   * Seals what was written (Milvus then builds the indexes on the sealed segments in the background),
   * creates missing indexes, and loads the collection. Milvus limits flushes per collection (0.1/s by
   * default); a refused flush only delays sealing, so it is not an error.
   */
  async optimize(): Promise<void> {
    const { client } = this.ready();
    const res = await callMilvus(this.config, 'flushing', () => client.flush({ collection_names: [this.collection] }));
    if (!isSuccessStatus(res.status) && !/rate limit/i.test(res.status.reason ?? '')) throw statusError(res.status, this.config, 'flushing');
    await ensureIndexes(client, this.config);
    await ensureLoaded(client, this.config);
  }

  /** Drops the whole collection (tests and deliberate resets; not part of the port). */
  async drop(): Promise<void> {
    const client = await this.connection();
    const res = await callMilvus(this.config, 'dropping the collection', () => client.dropCollection({ collection_name: this.collection }));
    checkStatus(res, this.config, 'dropping the collection');
    this.embedder = undefined;
  }

  /** Drops the collection and creates an empty one for `embedder`. */
  async recreate(embedder: EmbedderInfo): Promise<void> {
    checkEmbedderInfo(embedder);
    await this.drop();
    await this.open(embedder);
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.connecting = undefined;
    this.embedder = undefined;
    if (client) await client.closeConnection().catch(() => undefined);
  }
}

/** Milvus compares VarChar by UTF-8 bytes; sort the same way so scan order is stable and server-like. */
function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Opens nothing yet: the connection is made by the first call (`open` or `recordedEmbedder`). */
export function openMilvusStore(config: MilvusConfig): MilvusStore {
  return new MilvusStore(config);
}
