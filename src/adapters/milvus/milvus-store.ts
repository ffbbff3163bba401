/**
 * The Milvus adapter of the VectorStore port (server or cluster, for catalogs beyond one machine).
 * Schema: schema.ts. Keyword leg: sparse.ts. Filters: compile-filter.ts. Wire shapes are tested against
 * test/fakes/milvus-recorder.ts; the shared contract suite runs against a real server when
 * MILVUS_ADDRESS is set (test/adapters/milvus/milvus-live.test.ts).
 */
import { RRFRanker, type MilvusClient, type RowData, type SearchResultData } from '@zilliz/milvus2-sdk-node';
import { fuseRrf } from '../../search/rrf.js';
import type { Filter } from '../../core/filter.js';
import { EmbedderMismatchError, HitlineError, UserInputError } from '../../core/errors.js';
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
import { displayAddress, resolveMilvusConfig, type MilvusConfig, type ResolvedMilvusConfig } from './config.js';
import { connectMilvus } from './connection.js';
import { createCollection, describeCollection, ensureIndexes, ensureLoaded, stampOf } from './collection.js';
import { compileMilvusFilter, idsInExpr } from './compile-filter.js';
import { MilvusWriteError, checkStatus, isSuccessStatus, statusError, toMilvusError, type MilvusStatusLike } from './errors.js';
import { assembleHybridHits } from './hybrid-hits.js';
import { checkRowFits, fromMilvusRow, planBatches, toMilvusRow } from './rows.js';
import { FIELD, RECORD_FIELDS } from './schema.js';
import { MAX_TOPK, denseLeg, sparseLeg, toLegHits, type MilvusLeg } from './search-legs.js';
import { querySparse } from './sparse.js';

/** Ids per `id in [...]` query or delete, to keep expressions and answers small. */
const IDS_PER_REQUEST = 500;
/** Milvus's RRFRanker accepts k in (0, 16384). */
const MAX_RRF_K = 16384;

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

  /** Runs one SDK call, turning a throw into a HitlineError that names the address and the action. */
  private async call<T>(action: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw toMilvusError(err, this.config, action);
    }
  }

  async recordedEmbedder(): Promise<EmbedderInfo | null> {
    const client = await this.connection();
    const desc = await describeCollection(client, this.config);
    if (!desc) return null;
    const { embedderId, dimension } = stampOf(desc, this.config);
    return { embedderId, dimension };
  }

  async open(embedder: EmbedderInfo): Promise<void> {
    if (!Number.isInteger(embedder.dimension) || embedder.dimension <= 0 || embedder.dimension > 32768) {
      throw new UserInputError(`Embedder "${embedder.embedderId}" reports dimension ${embedder.dimension}`, {
        hint: 'Milvus float vectors have 1 to 32,768 dimensions.',
      });
    }
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
    // The last occurrence of an id wins, as if the rows had been upserted one by one.
    const unique = [...new Map(rows.map((r) => [r.id, r])).values()];
    for (const row of unique) checkRowFits(row, embedder.dimension, embedder.embedderId);
    const total = unique.length;
    if (total === 0) {
      onProgress?.({ done: 0, total: 0 });
      return;
    }
    let done = 0;
    for (const batch of planBatches(unique, { maxBytes: this.config.maxBatchBytes, maxRows: this.config.maxBatchRows })) {
      const ids = batch.map((r) => r.id);
      let res;
      try {
        res = await client.upsert({ collection_name: this.collection, data: batch.map(toMilvusRow) as RowData[], timeout: this.config.timeoutMs });
      } catch (err) {
        const cause = toMilvusError(err, this.config, `upserting ${batch.length} products`);
        throw this.writeError(cause.message, ids, done, cause);
      }
      const failed = failedIdsOf(res, ids);
      if (failed.length > 0) {
        const reason = isSuccessStatus(res.status) ? 'the server reported them as not written' : statusError(res.status, this.config, 'upserting').message;
        throw this.writeError(reason, failed, done);
      }
      done += batch.length;
      onProgress?.({ done, total });
    }
  }

  private writeError(reason: string, failedIds: string[], storedCount: number, cause?: unknown): MilvusWriteError {
    const shown = failedIds.slice(0, 10).map((id) => JSON.stringify(id)).join(', ') + (failedIds.length > 10 ? `, ... (${failedIds.length} in all)` : '');
    return new MilvusWriteError(
      `Upsert into Milvus collection "${this.collection}" failed for ${failedIds.length} products (${shown}); ` +
        `${storedCount} products from earlier batches were stored. ${reason}`,
      {
        hint: 'Fix the cause and run the same command again: upserts replace by id, so products already stored are not duplicated.',
        failedIds,
        storedCount,
        cause,
      },
    );
  }

  async get(ids: readonly string[], options: { withVectors?: boolean } = {}): Promise<Array<StoredProduct | ProductRecord>> {
    const fields = options.withVectors ? [...RECORD_FIELDS, FIELD.dense] : RECORD_FIELDS;
    const rows = await this.queryByIds(ids, fields, 'reading products');
    const byId = new Map(rows.map((r) => [String(r[FIELD.id]), r]));
    const out: Array<StoredProduct | ProductRecord> = [];
    for (const id of new Set(ids)) {
      const row = byId.get(id);
      if (row) out.push(options.withVectors ? fromMilvusRow(row, true) : fromMilvusRow(row));
    }
    return out;
  }

  async imageHashes(ids: readonly string[]): Promise<Map<string, string>> {
    const rows = await this.queryByIds(ids, [FIELD.id, FIELD.imageHash], 'reading image hashes');
    return new Map(rows.map((r) => [String(r[FIELD.id]), String(r[FIELD.imageHash])]));
  }

  private async queryByIds(ids: readonly string[], fields: string[], action: string): Promise<Array<Record<string, unknown>>> {
    const { client } = this.ready();
    const unique = [...new Set(ids)];
    const out: Array<Record<string, unknown>> = [];
    for (let i = 0; i < unique.length; i += IDS_PER_REQUEST) {
      const chunk = unique.slice(i, i + IDS_PER_REQUEST);
      const res = await this.call(action, () => client.query({ collection_name: this.collection, filter: idsInExpr(chunk), output_fields: fields }));
      checkStatus(res.status, this.config, action);
      out.push(...res.data);
    }
    return out;
  }

  async delete(ids: readonly string[]): Promise<number> {
    const { client } = this.ready();
    // Milvus counts ids named in a delete whether or not they existed; count the ones that did.
    const existing = (await this.queryByIds(ids, [FIELD.id], 'finding products to delete')).map((r) => String(r[FIELD.id]));
    for (let i = 0; i < existing.length; i += IDS_PER_REQUEST) {
      const chunk = existing.slice(i, i + IDS_PER_REQUEST);
      const res = await this.call('deleting products', () => client.delete({ collection_name: this.collection, filter: idsInExpr(chunk) }));
      checkStatus(res.status, this.config, 'deleting products');
    }
    return existing.length;
  }

  async count(filter: Filter = []): Promise<number> {
    const { client } = this.ready();
    const expr = compileMilvusFilter(filter);
    const res = await this.call('counting products', () =>
      client.query({ collection_name: this.collection, expr, output_fields: ['count(*)'] }),
    );
    checkStatus(res.status, this.config, 'counting products');
    return Number(res.data[0]?.['count(*)'] ?? 0);
  }

  private checkQueryVector(vector: Float32Array, embedder: EmbedderInfo): void {
    if (vector.length !== embedder.dimension) {
      throw new EmbedderMismatchError(
        `Query vector has ${vector.length} dimensions; Milvus collection "${this.collection}" holds ${embedder.dimension}-d vectors from "${embedder.embedderId}"`,
        { hint: 'Embed the query with the embedder the collection was made with.' },
      );
    }
  }

  private checkLimit(limit: number, what: string): void {
    if (!Number.isInteger(limit) || limit > MAX_TOPK) {
      throw new UserInputError(`${what} is ${limit}; Milvus returns at most ${MAX_TOPK} hits per search`, { hint: `Ask for 1 to ${MAX_TOPK} hits.` });
    }
  }

  /** One leg alone: the same request the hybrid call carries for that leg. */
  private async runLeg(leg: MilvusLeg, outputFields: string[] = [FIELD.id]): Promise<SearchResultData[]> {
    const { client } = this.ready();
    const action = `searching the ${leg.anns_field} leg`;
    const res = await this.call(action, () =>
      client.search({
        collection_name: this.collection,
        data: leg.data,
        anns_field: leg.anns_field,
        params: leg.params,
        expr: leg.expr,
        limit: leg.limit,
        output_fields: outputFields,
      }),
    );
    checkStatus(res.status, this.config, action);
    return res.results as SearchResultData[];
  }

  async denseSearch(vector: Float32Array, query: LegQuery): Promise<LegHit[]> {
    const { embedder } = this.ready();
    this.checkQueryVector(vector, embedder);
    this.checkLimit(query.limit, 'Dense search limit');
    const expr = compileMilvusFilter(query.filter);
    if (query.limit <= 0) return [];
    return toLegHits(await this.runLeg(denseLeg(this.config, vector, expr, query.limit)));
  }

  async keywordSearch(keywords: string, query: LegQuery): Promise<LegHit[]> {
    this.ready();
    this.checkLimit(query.limit, 'Keyword search limit');
    const expr = compileMilvusFilter(query.filter);
    const sparse = querySparse(keywords);
    if (query.limit <= 0 || sparse.indices.length === 0) return [];
    return toLegHits(await this.runLeg(sparseLeg(sparse, expr, query.limit)));
  }

  async hybridSearch(query: HybridQuery): Promise<HybridResult> {
    const { client, embedder } = this.ready();
    this.checkQueryVector(query.vector, embedder);
    this.checkLimit(query.perLeg, 'Hits per leg');
    this.checkLimit(query.top, 'Fused hits');
    const expr = compileMilvusFilter(query.filter);
    if (query.perLeg <= 0 || query.top <= 0) return { hits: [], dense: [], keyword: [] };
    const dense = denseLeg(this.config, query.vector, expr, query.perLeg);
    const sparse = querySparse(query.keywords);
    const keyword = sparse.indices.length > 0 ? sparseLeg(sparse, expr, query.perLeg) : null;
    const wDense = query.weights?.dense ?? 1;
    const wKeyword = query.weights?.keyword ?? 1;
    const milvusCanFuse = keyword !== null && wDense === 1 && wKeyword === 1 && query.rrfK > 0 && query.rrfK < MAX_RRF_K;
    if (!milvusCanFuse) return this.fuseHere(query, dense, keyword, wDense, wKeyword);

    // One hybridSearch call does the fusion on the server; the two single-leg searches beside it are
    // the same leg requests and only give the per-leg ranks and scores for the result.
    const [fused, denseHits, keywordHits] = await Promise.all([
      this.call('running the hybrid search', () =>
        client.hybridSearch({
          collection_name: this.collection,
          data: [dense, keyword],
          rerank: RRFRanker(query.rrfK),
          limit: query.top,
          output_fields: RECORD_FIELDS,
        }),
      ),
      this.runLeg(dense).then(toLegHits),
      this.runLeg(keyword).then(toLegHits),
    ]);
    checkStatus(fused.status, this.config, 'running the hybrid search');
    return {
      hits: assembleHybridHits(fused.results as SearchResultData[], denseHits, keywordHits, query.rrfK),
      dense: denseHits,
      keyword: keywordHits,
    };
  }

  /**
   * What Milvus's RRFRanker cannot do (leg weights, k outside (0, 16384)) or need not do (no keyword
   * terms): the legs run alone and search/rrf.ts fuses them.
   */
  private async fuseHere(query: HybridQuery, dense: MilvusLeg, keyword: MilvusLeg | null, wDense: number, wKeyword: number): Promise<HybridResult> {
    const [denseHits, keywordHits] = await Promise.all([
      this.runLeg(dense).then(toLegHits),
      keyword ? this.runLeg(keyword).then(toLegHits) : Promise.resolve([] as LegHit[]),
    ]);
    const fused = fuseRrf(
      [
        { name: 'dense', ids: denseHits.map((h) => h.id), weight: wDense },
        { name: 'keyword', ids: keywordHits.map((h) => h.id), weight: wKeyword },
      ],
      query.rrfK,
    ).slice(0, query.top);
    const products = new Map((await this.get(fused.map((f) => f.id))).map((p) => [p.id, p as ProductRecord]));
    const hits = fused
      .filter((f) => products.has(f.id)) // deleted between the leg search and the read
      .map((f) => ({ product: products.get(f.id)!, score: f.score, denseRank: f.ranks.dense, keywordRank: f.ranks.keyword }));
    return { hits, dense: denseHits, keyword: keywordHits };
  }

  /**
   * Every row with its vector. Ids are read first (one query, ids only) and rows are then fetched in
   * batches by id, so no row is skipped whatever order Milvus returns rows in (a cursor on `id > last`
   * with a limit relies on an ordering Milvus 2.4 does not promise for plain queries).
   */
  async *scan(batchSize = 500): AsyncIterable<StoredProduct[]> {
    const { client } = this.ready();
    const size = Math.max(1, Math.min(Math.floor(batchSize), IDS_PER_REQUEST * 4));
    const res = await this.call('listing product ids', () =>
      client.query({ collection_name: this.collection, expr: `${FIELD.id} != ""`, output_fields: [FIELD.id] }),
    );
    checkStatus(res.status, this.config, 'listing product ids');
    const ids = res.data.map((r) => String(r[FIELD.id])).sort(compareUtf8);
    for (let i = 0; i < ids.length; i += size) {
      const chunk = ids.slice(i, i + size);
      const rows = await this.queryByIds(chunk, [...RECORD_FIELDS, FIELD.dense], 'reading products to scan');
      const byId = new Map(rows.map((r) => [String(r[FIELD.id]), r]));
      const batch = chunk.flatMap((id) => (byId.has(id) ? [fromMilvusRow(byId.get(id)!, true)] : []));
      if (batch.length > 0) yield batch;
    }
  }

  /**
   * Seals what was written (Milvus then builds the indexes on the sealed segments in the background),
   * creates missing indexes, and loads the collection. Milvus limits flushes per collection (0.1/s by
   * default); a refused flush only delays sealing, so it is not an error.
   */
  async optimize(): Promise<void> {
    const { client } = this.ready();
    const res = await this.call('flushing', () => client.flush({ collection_names: [this.collection] }));
    if (!isSuccessStatus(res.status) && !/rate limit/i.test(res.status.reason ?? '')) throw statusError(res.status, this.config, 'flushing');
    await ensureIndexes(client, this.config);
    await ensureLoaded(client, this.config);
  }

  /** Drops the whole collection (tests and deliberate resets; not part of the port). */
  async drop(): Promise<void> {
    const client = await this.connection();
    const res = await this.call('dropping the collection', () => client.dropCollection({ collection_name: this.collection }));
    checkStatus(res, this.config, 'dropping the collection');
    this.embedder = undefined;
  }

  /** Drops the collection and creates an empty one for `embedder`. */
  async recreate(embedder: EmbedderInfo): Promise<void> {
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

/** Ids of a batch the server did not confirm: a failed status, err_index, or a short count. */
function failedIdsOf(
  res: { status: MilvusStatusLike; err_index?: unknown[]; succ_index?: unknown[]; upsert_cnt?: string | number; IDs?: unknown },
  ids: string[],
): string[] {
  if (!isSuccessStatus(res.status)) return ids;
  const errIndex = (res.err_index ?? []).map(Number);
  if (errIndex.length > 0) return errIndex.map((i) => ids[i]).filter((id): id is string => id !== undefined);
  const succIndex = (res.succ_index ?? []).map(Number);
  const upserted = Number(res.upsert_cnt ?? 0);
  if (succIndex.length > 0 && succIndex.length !== ids.length) {
    const ok = new Set(succIndex);
    return ids.filter((_, i) => !ok.has(i));
  }
  if (upserted > 0 && upserted !== ids.length) return ids;
  return [];
}

/** Milvus compares VarChar by UTF-8 bytes; sort the same way so scan order is stable and server-like. */
function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Opens nothing yet: the connection is made by the first call (`open` or `recordedEmbedder`). */
export function openMilvusStore(config: MilvusConfig): MilvusStore {
  return new MilvusStore(config);
}
