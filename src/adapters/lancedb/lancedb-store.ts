/**
 * The embedded VectorStore: one LanceDB table in a folder on disk. Arguments are checked by the rules
 * both stores share (adapters/store-rules); reads go straight to LanceDB (search-legs.ts); every write
 * goes through WriteQueue (one writer per folder across threads of work and processes). Whatever LanceDB
 * or the filesystem throws leaves as a HitlineError naming the folder (errors.ts). One file because it is
 * one class: the port's methods share the connection, the open table and the write queue.
 */
import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import * as lancedb from '@lancedb/lancedb';
import type * as ArrowTypes from 'apache-arrow';
import type { Filter } from '../../core/filter.js';
import { HitlineError, UserInputError } from '../../core/errors.js';
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
import { compileFilter } from './compile-filter.js';
import { assertSameEmbedder, embedderRecordPath, readEmbedderRecord, writeEmbedderRecord } from './embedder-record.js';
import { LanceDbStoreError, toLanceDbError } from './errors.js';
import { ANN_MIN_ROWS, ANN_SEARCH, ROWS_PER_PARTITION, optimizeTable, probesFor, vectorIndex, type AnnSizing } from './ann-index.js';
import { ensureBaseIndexes, refreshKeywordIndex } from './indexes.js';
import { KeywordStatsCache } from './keyword-stats.js';
import { compactTable } from './compaction.js';
import { deleteByIds, imageHashesByIds, readByIds, unique } from './rows-by-id.js';
import { RECORD_COLUMNS, VECTOR_COLUMN, productSchema, recordsFromArrow, rowsToArrow, schemaProblem } from './schema.js';
import { denseLeg, hybridLegs, keywordLeg, legHits, type LanceLegQuery } from './search-legs.js';
import { WriteQueue } from './write-queue.js';

export type { LanceLegQuery } from './search-legs.js';

export interface LanceDbStoreOptions {
  /** The folder holding the LanceDB tables (created if missing). */
  dir: string;
  /** Table name; letters, digits, `_` and `-` only. Default "products". */
  table?: string;
  /** How long a write waits for another process's write lock before failing (ms). Default 10 s. */
  lockWaitMs?: number;
  /** Rows from which `optimize` builds the ANN index. Default ANN_MIN_ROWS; tests lower it. */
  annMinRows?: number;
  /** Rows per IVF partition of the ANN index. Default ROWS_PER_PARTITION; the store benchmark compares others. */
  rowsPerPartition?: number;
}

// Rows per mergeInsert: big enough that a 100k ingest makes few table versions, small enough that a
// batch of 2048-d vectors stays around 40 MB.
const MAX_BATCH_ROWS = 5_000;
const MAX_BATCH_BYTES = 48 * 1024 * 1024;
const TABLE_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const REBUILD_HINT = 'Re-ingest into a new workspace, or with --reindex to rebuild this store.';

export function openLanceDbStore(options: LanceDbStoreOptions): LanceDbStore {
  return new LanceDbStore(options);
}

export class LanceDbStore implements VectorStore {
  readonly kind = 'lancedb';
  readonly dir: string;
  readonly tableName: string;
  private readonly lockWaitMs?: number;
  private readonly annSizing: AnnSizing;
  private connection?: lancedb.Connection;
  private table?: lancedb.Table;
  private embedder?: EmbedderInfo;
  private queue?: WriteQueue;
  private readonly termStats = new KeywordStatsCache();
  /** IVF partitions a dense search probes, from the vector index read at open and after optimize. */
  private probes: number = ANN_SEARCH.minProbes;

  constructor(options: LanceDbStoreOptions) {
    this.dir = path.resolve(options.dir);
    this.tableName = options.table ?? 'products';
    this.lockWaitMs = options.lockWaitMs;
    this.annSizing = { minRows: options.annMinRows ?? ANN_MIN_ROWS, rowsPerPartition: options.rowsPerPartition ?? ROWS_PER_PARTITION };
    if (!TABLE_NAME.test(this.tableName)) {
      throw new UserInputError(`invalid store table name ${JSON.stringify(this.tableName)}`, {
        hint: 'Use letters, digits, "_" and "-" only (at most 64).',
      });
    }
  }

  async recordedEmbedder(): Promise<EmbedderInfo | null> {
    return this.guard('read the embedder record', async () => {
      const recorded = await readEmbedderRecord(this.dir, this.tableName);
      if (recorded) return recorded;
      if (await this.tableFolderExists()) {
        throw new HitlineError(
          `the store at ${this.dir} has a table "${this.tableName}" but no record of the embedder that filled it (${embedderRecordPath(this.dir, this.tableName)})`,
          { hint: REBUILD_HINT },
        );
      }
      return null;
    });
  }

  async open(embedder: EmbedderInfo): Promise<void> {
    checkEmbedderInfo(embedder);
    if (this.table && this.embedder) {
      assertSameEmbedder(this.dir, this.embedder, embedder);
      return;
    }
    await this.guard('open the store', async () => {
      await mkdir(this.dir, { recursive: true });
      const recorded = await this.recordedEmbedder();
      if (recorded) assertSameEmbedder(this.dir, recorded, embedder);
      const db = await this.db();
      if (!recorded || !(await this.tableFolderExists())) {
        await this.writer().run(() => this.createIfMissing(db, embedder));
      }
      const table = await db.openTable(this.tableName);
      const problem = schemaProblem(await table.schema(), embedder.dimension);
      if (problem) {
        table.close();
        throw new LanceDbStoreError(`the store table at ${this.dir} cannot be used: ${problem}`, { hint: REBUILD_HINT });
      }
      this.table = table;
      this.embedder = embedder;
      this.probes = probesFor((await vectorIndex(table))?.partitions ?? 1);
    });
  }

  /** Drops the table and its embedder record and opens an empty one for `embedder` (`ingest --reindex`). */
  async recreate(embedder: EmbedderInfo): Promise<void> {
    checkEmbedderInfo(embedder);
    await this.guard('recreate the store', async () => {
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
    });
    await this.open(embedder);
  }

  async upsert(rows: readonly StoredProduct[], onProgress?: (p: UpsertProgress) => void): Promise<void> {
    const { table, embedder } = this.opened();
    const valid = checkRows(rows, embedder);
    const total = valid.length;
    if (total === 0) {
      onProgress?.({ done: 0, total: 0 });
      return;
    }
    const batchRows = Math.max(1, Math.min(MAX_BATCH_ROWS, Math.floor(MAX_BATCH_BYTES / (embedder.dimension * 4))));
    await this.guard(`upsert ${total} products`, () =>
      this.writer().run(async () => {
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
      }),
    );
  }

  async get(ids: readonly string[], options: { withVectors?: boolean } = {}): Promise<Array<StoredProduct | ProductRecord>> {
    const { table } = this.opened();
    checkIds(ids, 'get');
    const columns = options.withVectors ? [...RECORD_COLUMNS, VECTOR_COLUMN] : [...RECORD_COLUMNS];
    return this.guard('read products', () => readByIds(table, ids, columns));
  }

  async imageHashes(ids: readonly string[]): Promise<Map<string, string>> {
    const { table } = this.opened();
    checkIds(ids, 'imageHashes');
    return this.guard('read image hashes', () => imageHashesByIds(table, ids));
  }

  async delete(ids: readonly string[]): Promise<number> {
    const { table } = this.opened();
    checkIds(ids, 'delete');
    if (ids.length === 0) return 0;
    return this.guard(`delete ${unique(ids).length} products`, () => this.writer().run(() => deleteByIds(table, ids)));
  }

  async count(filter: Filter = []): Promise<number> {
    const { table } = this.opened();
    checkFilter(filter, 'count');
    return this.guard('count products', () => table.countRows(compileFilter(filter)));
  }

  async denseSearch(vector: Float32Array, query: LanceLegQuery): Promise<LegHit[]> {
    const { table, embedder } = this.opened();
    checkDenseQuery(vector, query, embedder);
    return this.guard('run a dense search', async () => legHits(await denseLeg(table, vector, query, this.probes)));
  }

  async keywordSearch(keywords: string, query: LegQuery): Promise<LegHit[]> {
    const { table } = this.opened();
    checkKeywordQuery(keywords, query);
    return this.guard('run a keyword search', async () => legHits(await keywordLeg(table, keywords, query)));
  }

  async hybridSearch(query: HybridQuery): Promise<HybridResult> {
    const { table, embedder } = this.opened();
    checkHybridQuery(query, embedder);
    if (asksForNothing(query)) return { hits: [], dense: [], keyword: [] };
    return this.guard('run a hybrid search', () => hybridLegs(table, query, this.probes));
  }

  async keywordStats(terms: readonly string[]): Promise<KeywordStats> {
    const { table } = this.opened();
    checkTerms(terms);
    return this.guard('count keyword terms', () => this.termStats.stats(table, terms));
  }

  async *scan(batchSize = 1_000): AsyncIterable<StoredProduct[]> {
    checkBatchSize(batchSize);
    const { table } = this.opened();
    const batches = table.query().select([...RECORD_COLUMNS, VECTOR_COLUMN])[Symbol.asyncIterator]();
    // Only the reads are guarded: an error thrown by the consumer at a `yield` stays its own.
    const read = () => this.guard('scan the store', () => batches.next());
    let buffer: StoredProduct[] = [];
    try {
      for (let next = await read(); !next.done; next = await read()) {
        for (const record of recordsFromArrow(next.value as ArrowTypes.RecordBatch)) {
          buffer.push(record as StoredProduct);
          if (buffer.length >= batchSize) {
            yield buffer;
            buffer = [];
          }
        }
      }
    } finally {
      await batches.return?.();
    }
    if (buffer.length > 0) yield buffer;
  }

  async optimize(): Promise<void> {
    const { table } = this.opened();
    await this.guard('optimize the store', () =>
      this.writer().run(async () => {
        await ensureBaseIndexes(table);
        // Compaction, index deltas, old versions and the ANN index, each done once (ann-index.ts).
        const { index } = await optimizeTable(table, this.annSizing);
        this.probes = probesFor(index?.partitions ?? 1);
        await refreshKeywordIndex(table);
      }),
    );
  }

  async compact(): Promise<void> {
    const { table } = this.opened();
    await this.guard('compact the store', () => this.writer().run(() => compactTable(table)));
  }

  async close(): Promise<void> {
    this.table?.close();
    this.connection?.close();
    this.termStats.forget();
    this.table = undefined;
    this.connection = undefined;
    this.embedder = undefined;
  }

  /** Runs `work`, turning what LanceDB or the filesystem throws into a HitlineError naming the folder. */
  private async guard<T>(action: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      throw toLanceDbError(err, { dir: this.dir, table: this.tableName, action });
    }
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
