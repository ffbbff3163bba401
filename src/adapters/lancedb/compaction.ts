/**
 * Compaction during a long ingest. Every upsert adds a fragment (and a table version) to the LanceDB table;
 * measured over a 100,000-row ingest (bench/results/batch.md) the process's resident memory then grows by
 * ~13 MiB per 1,000 rows and writes slow down, until the final `optimize`. LanceDB's `optimize` merges the
 * fragments, adds the rows written since to the indexes that already exist and deletes versions older than
 * the retention (a reader holds one only for a query). It builds no new index: the ANN index is built by
 * the store's `optimize` at the end of the ingest, over all the rows.
 */
import type { Table } from '@lancedb/lancedb';
import { VERSION_RETENTION_MS } from './indexes.js';

export async function compactTable(table: Table): Promise<void> {
  await table.optimize({ cleanupOlderThan: new Date(Date.now() - VERSION_RETENTION_MS) });
}
