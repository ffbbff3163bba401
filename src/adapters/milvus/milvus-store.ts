/**
 * The Milvus adapter of the VectorStore port (server or cluster, for catalogs beyond one machine; the
 * same code runs against Milvus Lite, and the differences are read from what the server answers).
 * Arguments are checked by the rules both stores share (adapters/store-rules). Schema: schema.ts, the
 * collection's layout: layout.ts and collection.ts. Keyword leg: keyword-leg.ts. Filters:
 * compile-filter.ts. Searches: hybrid-search.ts. Writes: upsert.ts. Tenants: tenant-scope.ts.
 * Tested against Milvus Lite (test/adapters/milvus/lite-*.test.ts), for the exact requests against the
 * gRPC recorder (test/fakes/milvus-recorder.ts), and against any Milvus when MILVUS_ADDRESS is set.
 * Expression queries: queries.ts; reads by id: rows-by-id.ts.
 */
import type { MilvusClient } from '@zilliz/milvus2-sdk-node';
import type { Filter } from '../../core/filter.js';
import { EmbedderMismatchError, HitlineError } from '../../core/errors.js';
import type {
  EmbedderInfo,
  HybridQuery,
  HybridResult,
  KeywordStats,
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
  checkTerms,
} from '../store-rules/index.js';
import { displayAddress, resolveMilvusConfig, type MilvusConfig, type ResolvedMilvusConfig } from './config.js';
import { connectMilvus } from './connection.js';
import { createCollection, describeCollection, ensureIndexes, ensureLoaded, readCollection, sealAndIndex } from './collection.js';
import { compileMilvusFilter } from './compile-filter.js';
import { MilvusNotLoadedError, callMilvus, checkStatus } from './errors.js';
import { hybridSearch, runLeg } from './hybrid-search.js';
import { KeywordStatsCache } from './keyword-stats.js';
import type { CollectionLayout, OpenCollection } from './layout.js';
import { countWhere, deleteWhere, idsWhere } from './queries.js';
import { IDS_PER_REQUEST, queryByIds, readByIds } from './rows-by-id.js';
import { FIELD, RECORD_FIELDS } from './schema.js';
import { denseLeg, keywordLeg } from './search-legs.js';
import { idsExpr, scopedExpr } from './tenant-scope.js';
import { upsertInBatches } from './upsert.js';

export class MilvusStore implements VectorStore {
  readonly kind = 'milvus';
  /** Private: it holds the token or password. */
  private readonly config: ResolvedMilvusConfig;
  private client: MilvusClient | undefined;
  private connecting: Promise<MilvusClient> | undefined;
  private opened: { embedder: EmbedderInfo; layout: CollectionLayout } | undefined;
  private refusals: string[] = [];
  /** Writes of this store run one at a time (Milvus Lite's writes to a collection are not safe to overlap). */
  private writeTail: Promise<unknown> = Promise.resolve();
  private readonly termStats = new KeywordStatsCache();

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

  /** The open collection's layout (keyword leg, tenant sharing) as the server describes it; undefined before open. */
  get layout(): CollectionLayout | undefined {
    return this.opened?.layout;
  }

  /** What the server said to each keyword leg it refused when this store created the collection. */
  get refusedKeywordLegs(): readonly string[] {
    return this.refusals;
  }

  private get tenant(): string | null {
    return this.config.tenant ?? null;
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

  private ready(): OpenCollection & { embedder: EmbedderInfo } {
    if (!this.client || !this.opened) {
      throw new HitlineError(`Milvus collection "${this.config.collection}" is not open`, { hint: 'Call open(embedder) before using the store.' });
    }
    return { client: this.client, config: this.config, layout: this.opened.layout, tenant: this.tenant, embedder: this.opened.embedder };
  }

  /** The filter as an expression on this store's rows (its tenant's only, on a shared collection). */
  private expr(filter: Filter): string {
    return scopedExpr(this.tenant, compileMilvusFilter(filter));
  }

  /**
   * Runs a read; when Milvus says the collection is not loaded (it was released, or Milvus restarted and
   * an indexed collection comes back released), loads it and runs the read once more.
   */
  private async whileLoaded<T>(read: (target: OpenCollection) => Promise<T>): Promise<T> {
    const target = this.ready();
    try {
      return await read(target);
    } catch (err) {
      if (!(err instanceof MilvusNotLoadedError)) throw err;
      await ensureLoaded(target.client, target.config);
      return read(target);
    }
  }

  private serially<T>(write: () => Promise<T>): Promise<T> {
    const result = this.writeTail.then(write, write);
    this.writeTail = result.catch(() => undefined);
    return result;
  }

  async recordedEmbedder(): Promise<EmbedderInfo | null> {
    const client = await this.connection();
    const desc = await describeCollection(client, this.config);
    if (!desc) return null;
    const { embedderId, dimension } = readCollection(desc, this.config).stamp;
    return { embedderId, dimension };
  }

  async open(embedder: EmbedderInfo): Promise<void> {
    checkEmbedderInfo(embedder);
    const client = await this.connection();
    let desc = await describeCollection(client, this.config);
    if (!desc) {
      this.refusals = await createCollection(client, this.config, embedder);
      desc = await describeCollection(client, this.config);
      if (!desc) throw new HitlineError(`Milvus at ${displayAddress(this.config)} did not keep collection "${this.config.collection}" after creating it`);
    }
    const { stamp, layout } = readCollection(desc, this.config);
    if (stamp.embedderId !== embedder.embedderId || stamp.dimension !== embedder.dimension) {
      throw new EmbedderMismatchError(
        `Milvus collection "${this.config.collection}" at ${displayAddress(this.config)} holds vectors from "${stamp.embedderId}" ` +
          `(${stamp.dimension}-d), not from "${embedder.embedderId}" (${embedder.dimension}-d)`,
        { hint: 'Use the embedder the collection was made with, or set MILVUS_COLLECTION to a new collection and ingest again.' },
      );
    }
    await ensureIndexes(client, this.config, layout);
    await ensureLoaded(client, this.config);
    this.opened = { embedder: { embedderId: stamp.embedderId, dimension: stamp.dimension }, layout };
  }

  async upsert(rows: readonly StoredProduct[], onProgress?: (p: UpsertProgress) => void): Promise<void> {
    const target = this.ready();
    const valid = checkRows(rows, target.embedder);
    if (valid.length === 0) {
      onProgress?.({ done: 0, total: 0 });
      return;
    }
    await this.serially(() => upsertInBatches(target, valid, onProgress));
    this.termStats.forget();
  }

  async get(ids: readonly string[], options: { withVectors?: boolean } = {}): Promise<Array<StoredProduct | ProductRecord>> {
    this.ready();
    checkIds(ids, 'get');
    const fields = options.withVectors ? [...RECORD_FIELDS, FIELD.dense] : RECORD_FIELDS;
    return this.whileLoaded((target) => readByIds(target, ids, fields, 'reading products'));
  }

  async imageHashes(ids: readonly string[]): Promise<Map<string, string>> {
    this.ready();
    checkIds(ids, 'imageHashes');
    const rows = await this.whileLoaded((target) => queryByIds(target, ids, [FIELD.id, FIELD.imageHash], 'reading image hashes'));
    return new Map(rows.map((r) => [String(r[FIELD.id]), String(r[FIELD.imageHash])]));
  }

  async delete(ids: readonly string[]): Promise<number> {
    this.ready();
    checkIds(ids, 'delete');
    return this.serially(async () => {
      // Milvus counts ids named in a delete whether or not they existed; count the ones that did.
      const rows = await this.whileLoaded((target) => queryByIds(target, ids, [FIELD.id], 'finding products to delete'));
      const existing = rows.map((r) => String(r[FIELD.id]));
      for (let i = 0; i < existing.length; i += IDS_PER_REQUEST) {
        await deleteWhere(this.ready(), idsExpr(this.tenant, existing.slice(i, i + IDS_PER_REQUEST)), 'deleting products');
      }
      this.termStats.forget();
      return existing.length;
    });
  }

  async count(filter: Filter = []): Promise<number> {
    this.ready();
    checkFilter(filter, 'count');
    const expr = this.expr(filter);
    return this.whileLoaded((target) => countWhere(target, expr));
  }

  async denseSearch(vector: Float32Array, query: LegQuery): Promise<LegHit[]> {
    const { embedder } = this.ready();
    checkDenseQuery(vector, query, embedder);
    const expr = this.expr(query.filter);
    if (query.limit === 0) return [];
    return this.whileLoaded((target) => runLeg(target, denseLeg(target, vector, expr, query.limit)));
  }

  async keywordSearch(keywords: string, query: LegQuery): Promise<LegHit[]> {
    this.ready();
    checkKeywordQuery(keywords, query);
    const expr = this.expr(query.filter);
    if (query.limit === 0) return [];
    return this.whileLoaded(async (target) => {
      const leg = keywordLeg(target, keywords, expr, query.limit);
      return leg ? runLeg(target, leg) : [];
    });
  }

  async hybridSearch(query: HybridQuery): Promise<HybridResult> {
    const { embedder } = this.ready();
    checkHybridQuery(query, embedder);
    if (asksForNothing(query)) return { hits: [], dense: [], keyword: [] };
    const expr = this.expr(query.filter);
    return this.whileLoaded((target) => hybridSearch(target, query, expr));
  }

  async keywordStats(terms: readonly string[]): Promise<KeywordStats> {
    this.ready();
    checkTerms(terms);
    const expr = scopedExpr(this.tenant, `${FIELD.id} != ""`);
    return this.whileLoaded((target) => this.termStats.stats(target, expr, terms));
  }

  /**
   * Every row with its vector. Ids are read first (one query, ids only) and rows are then fetched in
   * batches by id, so no row is skipped whatever order Milvus returns rows in (a cursor on `id > last`
   * with a limit relies on an ordering Milvus 2.4 does not promise for plain queries).
   */
  async *scan(batchSize = 500): AsyncIterable<StoredProduct[]> {
    checkBatchSize(batchSize);
    this.ready();
    // Batches beyond this are read in several requests anyway; yielding smaller batches is allowed.
    const size = Math.min(batchSize, IDS_PER_REQUEST * 4);
    const expr = scopedExpr(this.tenant, `${FIELD.id} != ""`);
    const ids = await this.whileLoaded((target) => idsWhere(target, expr));
    for (let i = 0; i < ids.length; i += size) {
      const chunk = ids.slice(i, i + size);
      const batch = await this.whileLoaded((target) => readByIds(target, chunk, [...RECORD_FIELDS, FIELD.dense], 'reading products to scan'));
      if (batch.length > 0) yield batch as StoredProduct[];
    }
  }

  /** Seals what was written, creates missing indexes and loads the collection (collection.ts `sealAndIndex`). */
  async optimize(): Promise<void> {
    const { client, config, layout } = this.ready();
    await sealAndIndex(client, config, layout);
  }

  /**
   * Drops the whole collection (tests and deliberate resets; not part of the port). A store scoped to a
   * tenant refuses: the collection holds every tenant's rows.
   */
  async drop(): Promise<void> {
    if (this.tenant !== null) {
      throw new HitlineError(`Milvus collection "${this.config.collection}" is shared by tenants; tenant "${this.tenant}" cannot drop it`, {
        hint: 'Drop it through a store without a tenant, or empty this tenant with recreate().',
      });
    }
    const client = await this.connection();
    const action = 'dropping the collection';
    const res = await callMilvus(this.config, action, () => client.dropCollection({ collection_name: this.config.collection }));
    checkStatus(res, this.config, action);
    this.termStats.forget();
    this.opened = undefined;
  }

  /**
   * Empties the store for `embedder`. On a collection of its own: drops it and creates an empty one. For
   * a tenant of a shared collection: deletes that tenant's rows only; the embedder is the collection's,
   * shared by every tenant, so another one is refused.
   */
  async recreate(embedder: EmbedderInfo): Promise<void> {
    checkEmbedderInfo(embedder);
    if (this.tenant === null) {
      await this.drop();
      await this.open(embedder);
      return;
    }
    await this.open(embedder);
    await this.serially(() => deleteWhere(this.ready(), scopedExpr(this.tenant, ''), `emptying tenant "${this.tenant}"`));
    this.termStats.forget();
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.connecting = undefined;
    this.opened = undefined;
    this.termStats.forget();
    if (client) await client.closeConnection().catch(() => undefined);
  }
}

/** Opens nothing yet: the connection is made by the first call (`open` or `recordedEmbedder`). */
export function openMilvusStore(config: MilvusConfig): MilvusStore {
  return new MilvusStore(config);
}
