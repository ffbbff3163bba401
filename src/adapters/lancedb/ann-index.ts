/**
 * The ANN index on `vector` (IVF_HNSW_SQ, cosine) and what `optimize` does to keep the table fast, in an
 * order that does each expensive thing once. Measured on 2 shared cores (bench/results/store-speed.md):
 *
 * - Below ANN_MIN_ROWS the exact scan is exact and cheap (a few ms filtered at 2,000 rows); at 5,000 rows
 *   an exact search costs ~14 ms with a 7% filter but ~130 ms unfiltered, while the index answers in a
 *   few ms with recall@10 1.0.
 * - The IVF layer's partition count grows with the table (one per ROWS_PER_PARTITION rows) and a query
 *   probes an eighth of them (at least 4). Under load that made a filtered query cheaper; on a quiet
 *   machine probing 4 or all 32 partitions at 100k rows cost the same under a 7% filter
 *   (bench/results/store-hybrid.md). The count is in the index name; the index
 *   is rebuilt once the table has grown to twice the partitions it was built with.
 * - An index built over many small fragments is rewritten when compaction merges them (their row
 *   addresses change), which nearly doubled the build at 100k rows: the table is compacted first.
 * - With more than one partition LanceDB rewrites the ANN index on every `Table.optimize()`, whatever
 *   changed (about three quarters of a build). So after the build, `optimize` compacts and merges index
 *   deltas only once MAINTENANCE_SHARE of the rows are new; until then new rows sit in the unindexed delta,
 *   which every search still scans exactly.
 */
import { Index, type Table } from '@lancedb/lancedb';
import { compactTable } from './compaction.js';
import { VECTOR_COLUMN } from './schema.js';

export const ANN_MIN_ROWS = 5_000;
/** 32 partitions at 100k rows; at 10k, 3 (32 there cost recall: 0.95 with 4 probes, issue 12). */
export const ROWS_PER_PARTITION = 3_125;
/** HNSW_SQ build settings for each partition's graph. */
export const HNSW_BUILD = { m: 16, efConstruction: 150 } as const;
/**
 * Search settings: the nearest partitions probed (at least minProbes, probeShare of them on large tables;
 * more only when a selective filter leaves fewer than `limit` rows in them) and `ef` candidates in each
 * graph. With a selective filter LanceDB 0.33 scans the filter's rows in the probed partitions instead of
 * walking the graph, so `ef` and probes changed neither time nor recall there (bench/results/store-hybrid.md).
 * What costs recall is the 8-bit quantized distances: the hits are re-scored with the full vectors, at
 * least minRescored of them (recall@10 at 100k rows 0.973 re-scoring 10, 1.000 re-scoring 20, within a ms).
 */
export const ANN_SEARCH = { minProbes: 4, probeShare: 1 / 8, minEf: 200, efPerResult: 4, minRescored: 20 } as const;

/** LanceDB's refine factor that re-scores at least ANN_SEARCH.minRescored hits for a search of `limit`. */
export function refineFactorFor(limit: number): number {
  return Math.max(1, Math.ceil(ANN_SEARCH.minRescored / Math.max(1, limit)));
}

/** Share of rows outside the ANN index from which `optimize` compacts and merges index deltas. */
export const MAINTENANCE_SHARE = 0.05;

export interface AnnSizing {
  /** Rows from which the index is built. */
  minRows: number;
  rowsPerPartition: number;
}

export const DEFAULT_ANN_SIZING: AnnSizing = { minRows: ANN_MIN_ROWS, rowsPerPartition: ROWS_PER_PARTITION };

export function partitionsFor(rows: number, sizing: AnnSizing = DEFAULT_ANN_SIZING): number {
  return Math.max(1, Math.round(rows / sizing.rowsPerPartition));
}

export function probesFor(partitions: number): number {
  return Math.max(ANN_SEARCH.minProbes, Math.ceil(partitions * ANN_SEARCH.probeShare));
}

const VECTOR_INDEX_NAME = /^vector_ivf(\d+)_idx$/;
const vectorIndexName = (partitions: number) => `vector_ivf${partitions}_idx`;

export interface VectorIndex {
  name: string;
  /** IVF partitions it was built with (an index named otherwise, from before partitions grew, has 1). */
  partitions: number;
}

export async function vectorIndex(table: Table): Promise<VectorIndex | null> {
  const found = (await table.listIndices()).find((i) => i.columns.includes(VECTOR_COLUMN));
  if (!found) return null;
  return { name: found.name, partitions: Number(VECTOR_INDEX_NAME.exec(found.name)?.[1] ?? 1) };
}

/** Nothing to do, build the first index, or rebuild one the table has outgrown. */
export function vectorIndexPlan(existing: VectorIndex | null, rows: number, sizing: AnnSizing = DEFAULT_ANN_SIZING): 'none' | 'build' | 'rebuild' {
  if (rows < sizing.minRows) return 'none';
  if (!existing) return 'build';
  return partitionsFor(rows, sizing) >= 2 * existing.partitions ? 'rebuild' : 'none';
}

export interface OptimizeReport {
  index: VectorIndex | null;
  /** What was done: the ANN index (re)built, the table compacted with its index deltas merged, or neither. */
  did: Array<'compact' | 'build' | 'rebuild'>;
}

/**
 * Compacts, merges index deltas, deletes old versions and builds or rebuilds the ANN index, as the header
 * says. Run it under the folder's write queue.
 */
export async function optimizeTable(table: Table, sizing: AnnSizing = DEFAULT_ANN_SIZING): Promise<OptimizeReport> {
  const rows = await table.countRows();
  const existing = await vectorIndex(table);
  const plan = vectorIndexPlan(existing, rows, sizing);
  const compact = () => compactTable(table);
  if (plan === 'none') {
    if (existing && (await unindexedShare(table, existing)) < MAINTENANCE_SHARE) return { index: existing, did: [] };
    await compact();
    return { index: existing, did: ['compact'] };
  }
  await compact();
  if (existing) await table.dropIndex(existing.name);
  const partitions = partitionsFor(rows, sizing);
  const name = vectorIndexName(partitions);
  await table.createIndex(VECTOR_COLUMN, { name, config: Index.hnswSq({ distanceType: 'cosine', numPartitions: partitions, ...HNSW_BUILD }) });
  return { index: { name, partitions }, did: ['compact', plan] };
}

async function unindexedShare(table: Table, index: VectorIndex): Promise<number> {
  const stats = await table.indexStats(index.name);
  if (!stats) return 1;
  return stats.numUnindexedRows / Math.max(1, stats.numIndexedRows + stats.numUnindexedRows);
}
