/** Reads and deletes by product id, in chunks of ids so no `id IN (...)` clause grows without bound. */
import type * as lancedb from '@lancedb/lancedb';
import type { ProductRecord } from '../../ports/vector-store.js';
import { idInClause } from './compile-filter.js';
import { recordsFromArrow } from './schema.js';

// Ids per `id IN (...)` clause.
const ID_CHUNK = 500;

/** The rows of `ids` that exist, in the order asked for (each id once), with the columns asked for. */
export async function readByIds(table: lancedb.Table, ids: readonly string[], columns: string[]): Promise<ProductRecord[]> {
  const found = new Map<string, ProductRecord>();
  for (const chunk of chunks(unique(ids), ID_CHUNK)) {
    const result = await table.query().where(idInClause(chunk)).select(columns).toArrow();
    for (const record of recordsFromArrow(result)) found.set(record.id, record);
  }
  return unique(ids).flatMap((id) => {
    const record = found.get(id);
    return record ? [record] : [];
  });
}

export async function imageHashesByIds(table: lancedb.Table, ids: readonly string[]): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  for (const chunk of chunks(unique(ids), ID_CHUNK)) {
    const result = await table.query().where(idInClause(chunk)).select(['id', 'image_hash']).toArrow();
    const idCol = result.getChild('id');
    const hashCol = result.getChild('image_hash');
    for (let i = 0; i < result.numRows; i++) hashes.set(String(idCol?.get(i)), String(hashCol?.get(i)));
  }
  return hashes;
}

/** Deletes the rows of `ids`; returns how many existed. Call it under the folder's write queue. */
export async function deleteByIds(table: lancedb.Table, ids: readonly string[]): Promise<number> {
  let deleted = 0;
  for (const chunk of chunks(unique(ids), ID_CHUNK)) deleted += (await table.delete(idInClause(chunk))).numDeletedRows;
  return deleted;
}

export function unique(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
