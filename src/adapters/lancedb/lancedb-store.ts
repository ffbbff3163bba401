/**
 * The embedded VectorStore: one LanceDB table in a folder on disk. Reads go straight to LanceDB; every
 * write goes through WriteQueue (one writer per folder across threads of work and processes).
 */
import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import * as lancedb from '@lancedb/lancedb';
import type * as ArrowTypes from 'apache-arrow';
import type { Filter } from '../../core/filter.js';
import { fuseRrf } from '../../search/rrf.js';
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
import { bm25Scores, type KeywordDoc } from './bm25-fallback.js';
import { compileFilter, idInClause } from './compile-filter.js';
import { embedderRecordPath, readEmbedderRecord, writeEmbedderRecord } from './embedder-record.js';
import {
  ANN_MIN_ROWS,
  HNSW_SEARCH,
  VERSION_RETENTION_MS,
  ensureBaseIndexes,
  ensureVectorIndex,
  keywordIndexLag,
  refreshKeywordIndex,
} from './indexes.js';
import { RECORD_COLUMNS, VECTOR_COLUMN, productSchema, recordsFromArrow, rowsToArrow, schemaDimension } from './schema.js';
import { checkVector, validateRows } from './validate-rows.js';
import { WriteQueue } from './write-queue.js';

export interface LanceDbStoreOptions {
  /** The folder holding the LanceDB tables (created if missing). */
  dir: string;
  /** Table name; letters, digits, `_` and `-` only. Default "products". */
  table?: string;
  /** How long a write waits for another process's write lock before failing (ms). Default 10 s. */
  lockWaitMs?: number;
  /** Rows from which `optimize` builds the ANN index. Default ANN_MIN_ROWS (10,000); tests lower it. */
  annMinRows?: number;
}

/** LanceDB-only search option: `exact` skips the ANN index (brute force over the filtered rows). */
export interface LanceLegQuery extends LegQuery {
  exact?: boolean;
}

// Rows per mergeInsert: big enough that a 100k ingest makes few table versions, small enough that a
// batch of 2048-d vectors stays around 40 MB.
const MAX_BATCH_ROWS = 5_000;
const MAX_BATCH_BYTES = 48 * 1024 * 1024;
// Ids per `id IN (...)` clause for get / delete / imageHashes.
const ID_CHUNK = 500;
const TABLE_NAME = /^[A-Za-z0-9_-]{1,64}$/;

export function openLanceDbStore(options: LanceDbStoreOptions): LanceDbStore {
  return new LanceDbStore(options);
}

export class LanceDbStore implements VectorStore {
  readonly kind = 'lancedb';
  readonly dir: string;
  readonly tableName: string;
  private readonly lockWaitMs?: number;
  private readonly annMinRows: number;
  private connection?: lancedb.Connection;
  private table?: lancedb.Table;
  private embedder?: EmbedderInfo;
  private queue?: WriteQueue;

  constructor(options: LanceDbStoreOptions) {
    this.dir = path.resolve(options.dir);
    this.tableName = options.table ?? 'products';
    this.lockWaitMs = options.lockWaitMs;
    this.annMinRows = options.annMinRows ?? ANN_MIN_ROWS;
    if (!TABLE_NAME.test(this.tableName)) {
      throw new UserInputError(`invalid store table name ${JSON.stringify(this.tableName)}`, {
        hint: 'Use letters, digits, "_" and "-" only (at most 64).',
      });
    }
  }

  async recordedEmbedder(): Promise<EmbedderInfo | null> {
    const recorded = await readEmbedderRecord(this.dir, this.tableName);
    if (recorded) return recorded;
    if (await this.tableFolderExists()) {
      throw new HitlineError(
        `the store at ${this.dir} has a table "${this.tableName}" but no record of the embedder that filled it (${embedderRecordPath(this.dir, this.tableName)})`,
        { hint: 'Re-ingest into a new workspace, or with --reindex to rebuild this store.' },
      );
    }
    return null;
  }

  async open(embedder: EmbedderInfo): Promise<void> {
    checkEmbedderInfo(embedder);
    if (this.table && this.embedder) {
      assertSameEmbedder(this.dir, this.embedder, embedder);
      return;
    }
    await mkdir(this.dir, { recursive: true });
    const recorded = await this.recordedEmbedder();
    if (recorded) assertSameEmbedder(this.dir, recorded, embedder);
    const db = await this.db();
    if (!recorded || !(await this.tableFolderExists())) {
      await this.writer().run(() => this.createIfMissing(db, embedder));
    }
    const table = await db.openTable(this.tableName);
    const dimension = schemaDimension(await table.schema());
    if (dimension !== embedder.dimension) {
      table.close();
      throw new HitlineError(
        `the store table at ${this.dir} holds ${dimension ?? 'no'}-d vectors but its record says ${embedder.dimension}`,
        { hint: 'The store folder is damaged; re-ingest into a new workspace.' },
      );
    }
    this.table = table;
    this.embedder = embedder;
  }

  /**
   * Drops the table and its embedder record and opens an empty one for `embedder` (what `--reindex`
   * needs). Not part of the VectorStore port.
   */
  async recreate(embedder: EmbedderInfo): Promise<void> {
    checkEmbedderInfo(embedder);
    await mkdir(this.dir, { recursive: true });
    const db = await this.db();
    this.table?.close();
    this.table = undefined;
    this.embedder = undefined;
    await this.writer().run(async () => {
      if ((await db.tableNames()).includes(this.tableName)) await db.dropTable(this.tableName);
      await rm(embedderRecordPath(this.dir, this.tableName), { force: true });
      await this.createIfMissing(db, embedder);
    });
    await this.open(embedder);
  }

  async upsert(rows: readonly StoredProduct[], onProgress?: (p: UpsertProgress) => void): Promise<void> {
    const { table, embedder } = this.opened();
    const valid = validateRows(rows, embedder);
    const total = valid.length;
    if (total === 0) {
      onProgress?.({ done: 0, total: 0 });
      return;
    }
    const batchRows = Math.max(1, Math.min(MAX_BATCH_ROWS, Math.floor(MAX_BATCH_BYTES / (embedder.dimension * 4))));
    await this.writer().run(async () => {
      for (let start = 0; start < total; start += batchRows) {
        const batch = valid.slice(start, start + batchRows);
        await table
          .mergeInsert('id')
          .whenMatchedUpdateAll()
          .whenNotMatchedInsertAll()
          .execute(rowsToArrow(batch, embedder.dimension));
        onProgress?.({ done: start + batch.length, total });
      }
      await refreshKeywordIndex(table);
    });
  }

  async get(ids: readonly string[], options: { withVectors?: boolean } = {}): Promise<Array<StoredProduct | ProductRecord>> {
    const { table } = this.opened();
    const columns = options.withVectors ? [...RECORD_COLUMNS, VECTOR_COLUMN] : [...RECORD_COLUMNS];
    const found = new Map<string, ProductRecord>();
    for (const chunk of chunks(unique(ids), ID_CHUNK)) {
      const result = await table.query().where(idInClause(chunk)).select(columns).toArrow();
      for (const record of recordsFromArrow(result)) found.set(record.id, record);
    }
    // In the order asked for; ids not in the store are left out.
    return unique(ids).flatMap((id) => {
      const record = found.get(id);
      return record ? [record] : [];
    });
  }

  async imageHashes(ids: readonly string[]): Promise<Map<string, string>> {
    const { table } = this.opened();
    const hashes = new Map<string, string>();
    for (const chunk of chunks(unique(ids), ID_CHUNK)) {
      const result = await table.query().where(idInClause(chunk)).select(['id', 'image_hash']).toArrow();
      const idCol = result.getChild('id');
      const hashCol = result.getChild('image_hash');
      for (let i = 0; i < result.numRows; i++) hashes.set(String(idCol?.get(i)), String(hashCol?.get(i)));
    }
    return hashes;
  }

  async delete(ids: readonly string[]): Promise<number> {
    const { table } = this.opened();
    const todo = unique(ids);
    if (todo.length === 0) return 0;
    return this.writer().run(async () => {
      let deleted = 0;
      for (const chunk of chunks(todo, ID_CHUNK)) deleted += (await table.delete(idInClause(chunk))).numDeletedRows;
      return deleted;
    });
  }

  async count(filter: Filter = []): Promise<number> {
    const { table } = this.opened();
    return table.countRows(compileFilter(filter));
  }

  async denseSearch(vector: Float32Array, query: LanceLegQuery): Promise<LegHit[]> {
    return (await this.denseLeg(vector, query, ['id'])).hits;
  }

  async keywordSearch(keywords: string, query: LegQuery): Promise<LegHit[]> {
    return (await this.keywordLeg(keywords, query, ['id'])).hits;
  }

  async hybridSearch(query: HybridQuery): Promise<HybridResult> {
    checkLimit(query.top, 'top');
    const legQuery = { filter: query.filter, limit: query.perLeg };
    const columns = [...RECORD_COLUMNS];
    const [dense, keyword] = await Promise.all([
      this.denseLeg(query.vector, legQuery, columns),
      this.keywordLeg(query.keywords, legQuery, columns),
    ]);
    const fused = fuseRrf(
      [
        { name: 'dense', ids: dense.hits.map((h) => h.id), weight: query.weights?.dense },
        { name: 'keyword', ids: keyword.hits.map((h) => h.id), weight: query.weights?.keyword },
      ],
      query.rrfK,
    ).slice(0, query.top);
    const hits = fused.map((f) => ({
      product: (dense.records.get(f.id) ?? keyword.records.get(f.id)) as ProductRecord,
      score: f.score,
      denseRank: f.ranks.dense,
      keywordRank: f.ranks.keyword,
    }));
    return { hits, dense: dense.hits, keyword: keyword.hits };
  }

  async *scan(batchSize = 1_000): AsyncIterable<StoredProduct[]> {
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batch size must be a whole number >= 1, got ${batchSize}`);
    const { table } = this.opened();
    let buffer: StoredProduct[] = [];
    for await (const batch of table.query().select([...RECORD_COLUMNS, VECTOR_COLUMN])) {
      for (const record of recordsFromArrow(batch as ArrowTypes.RecordBatch)) {
        buffer.push(record as StoredProduct);
        if (buffer.length >= batchSize) {
          yield buffer;
          buffer = [];
        }
      }
    }
    if (buffer.length > 0) yield buffer;
  }

  async optimize(): Promise<void> {
    const { table } = this.opened();
    await this.writer().run(async () => {
      await ensureBaseIndexes(table);
      await ensureVectorIndex(table, await table.countRows(), this.annMinRows);
      // Compacts small fragments, adds rows written since the last build to every index, and deletes
      // table versions no reader can still be using.
      await table.optimize({ cleanupOlderThan: new Date(Date.now() - VERSION_RETENTION_MS) });
      await refreshKeywordIndex(table);
    });
  }

  async close(): Promise<void> {
    this.table?.close();
    this.connection?.close();
    this.table = undefined;
    this.connection = undefined;
    this.embedder = undefined;
  }

  private async denseLeg(vector: Float32Array, query: LanceLegQuery, columns: string[]): Promise<Leg> {
    const { table, embedder } = this.opened();
    checkVector(vector, embedder, 'query vector');
    checkLimit(query.limit, 'limit');
    const where = compileFilter(query.filter);
    if (query.limit === 0) return emptyLeg();
    let q = table
      .query()
      .nearestTo(vector)
      .distanceType('cosine')
      .ef(Math.max(HNSW_SEARCH.minEf, HNSW_SEARCH.efPerResult * query.limit))
      .refineFactor(HNSW_SEARCH.refineFactor)
      // Naming the score column keeps LanceDB from warning about its auto-projection on every query.
      .select([...columns, '_distance'])
      .limit(query.limit);
    if (where) q = q.where(where);
    if (query.exact) q = q.bypassVectorIndex();
    const result = await q.toArrow();
    // Cosine distance is 1 - cosine similarity.
    return rankLeg(result, columnValues(result, '_distance').map((d) => 1 - Number(d)), query.limit);
  }

  private async keywordLeg(keywords: string, query: LegQuery, columns: string[]): Promise<Leg> {
    const { table } = this.opened();
    checkLimit(query.limit, 'limit');
    const where = compileFilter(query.filter);
    // Terms are already tokenized; they are passed as plain terms (a match query), never parsed as syntax.
    const terms = keywords.split(/\s+/).filter((t) => t.length > 0);
    if (terms.length === 0 || query.limit === 0) return emptyLeg();
    const text = terms.join(' ');
    const search = (limit: number, cols: string[], filtered: boolean) => {
      const q = table.query().fullTextSearch(text, { columns: 'keywords' }).select([...cols, '_score']).limit(limit);
      return (filtered && where ? q.where(where) : q).toArrow();
    };
    if ((await keywordIndexLag(table)) === 0) {
      const result = await search(query.limit, columns, true);
      return rankLeg(result, columnValues(result, '_score'), query.limit);
    }
    // Some rows are not in the keyword index yet: fetch every match and rank them here (bm25-fallback.ts).
    const total = await table.countRows();
    if (total === 0) return emptyLeg();
    const matches = await search(total, ['id', 'keywords'], false);
    const kept = await search(total, [...new Set([...columns, 'keywords'])], true);
    const scores = bm25Scores(terms, keywordDocs(matches), total, keywordDocs(kept));
    const ids = columnValues(kept, 'id');
    return rankLeg(kept, ids.map((id) => scores.get(String(id)) ?? 0), query.limit);
  }

  private async createIfMissing(db: lancedb.Connection, embedder: EmbedderInfo): Promise<void> {
    // Checked again under the lock: another process may have created the store meanwhile.
    const recorded = await this.recordedEmbedder();
    if (recorded) assertSameEmbedder(this.dir, recorded, embedder);
    else await writeEmbedderRecord(this.dir, this.tableName, embedder);
    if (!(await db.tableNames()).includes(this.tableName)) {
      const table = await db.createEmptyTable(this.tableName, productSchema(embedder.dimension));
      await ensureBaseIndexes(table);
      table.close();
    }
  }

  private opened(): { table: lancedb.Table; embedder: EmbedderInfo } {
    if (!this.table || !this.embedder) throw new Error('LanceDbStore: call open(embedder) before using the store');
    return { table: this.table, embedder: this.embedder };
  }

  private async db(): Promise<lancedb.Connection> {
    // readConsistencyInterval 0: every read sees writes made by other processes (a manifest check per query).
    this.connection ??= await lancedb.connect(this.dir, { readConsistencyInterval: 0 });
    return this.connection;
  }

  private writer(): WriteQueue {
    this.queue ??= new WriteQueue(this.dir, this.lockWaitMs);
    return this.queue;
  }

  private async tableFolderExists(): Promise<boolean> {
    try {
      return (await stat(path.join(this.dir, `${this.tableName}.lance`))).isDirectory();
    } catch {
      return false;
    }
  }
}

interface Leg {
  hits: LegHit[];
  records: Map<string, ProductRecord>;
}

function emptyLeg(): Leg {
  return { hits: [], records: new Map() };
}

/** Orders a leg's rows by score (ties by id, so ranks are deterministic) and numbers them from 1. */
function rankLeg(result: ArrowTypes.Table, scores: readonly unknown[], limit: number): Leg {
  const withRecords = result.schema.fields.some((f) => f.name === 'description');
  const records = withRecords ? recordsFromArrow(result) : null;
  const ids = columnValues(result, 'id');
  const rows = ids.map((id, i) => ({ id: String(id), score: Number(scores[i]), i }));
  rows.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const kept = rows.slice(0, limit);
  return {
    hits: kept.map((r, k) => ({ id: r.id, rank: k + 1, score: r.score })),
    records: new Map(records ? kept.map((r) => [r.id, records[r.i]]) : []),
  };
}

function columnValues(result: ArrowTypes.Table, name: string): unknown[] {
  const column = result.getChild(name);
  return Array.from({ length: result.numRows }, (_, i) => column?.get(i));
}

function keywordDocs(result: ArrowTypes.Table): KeywordDoc[] {
  const ids = columnValues(result, 'id');
  const keywords = columnValues(result, 'keywords');
  return ids.map((id, i) => ({ id: String(id), keywords: String(keywords[i] ?? '') }));
}

function checkEmbedderInfo(embedder: EmbedderInfo): void {
  if (typeof embedder?.embedderId !== 'string' || embedder.embedderId.length === 0) {
    throw new TypeError('open: embedderId must be a non-empty string');
  }
  if (!Number.isInteger(embedder.dimension) || embedder.dimension < 1 || embedder.dimension > 65_536) {
    throw new TypeError(`open: dimension must be an integer from 1 to 65536, got ${embedder.dimension}`);
  }
}

function assertSameEmbedder(dir: string, recorded: EmbedderInfo, wanted: EmbedderInfo): void {
  if (recorded.embedderId === wanted.embedderId && recorded.dimension === wanted.dimension) return;
  throw new EmbedderMismatchError(
    `the store at ${dir} was filled by embedder "${recorded.embedderId}" (${recorded.dimension}-d), ` +
      `but this run uses "${wanted.embedderId}" (${wanted.dimension}-d)`,
    {
      hint: 'Use the same embedder, or re-ingest the catalog into a new workspace (or with --reindex) to switch embedders.',
    },
  );
}

function checkLimit(n: number, what: string): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${what} must be a whole number >= 0, got ${n}`);
}

function unique(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
