/** Queries by expression on an open collection: counting rows, listing ids, deleting rows. */
import { callMilvus, checkStatus } from './errors.js';
import type { OpenCollection } from './layout.js';
import { FIELD } from './schema.js';

/** Rows matching `expr` ('' for all). */
export async function countWhere({ client, config }: OpenCollection, expr: string): Promise<number> {
  const action = 'counting products';
  const res = await callMilvus(config, action, () => client.query({ collection_name: config.collection, expr, output_fields: ['count(*)'] }));
  checkStatus(res.status, config, action);
  return Number(res.data[0]?.['count(*)'] ?? 0);
}

/** Product ids of the rows matching `expr`, sorted by UTF-8 bytes as Milvus compares VarChar. */
export async function idsWhere({ client, config }: OpenCollection, expr: string): Promise<string[]> {
  const action = 'listing product ids';
  const res = await callMilvus(config, action, () => client.query({ collection_name: config.collection, expr, output_fields: [FIELD.id] }));
  checkStatus(res.status, config, action);
  return res.data.map((r) => String(r[FIELD.id])).sort(compareUtf8);
}

export async function deleteWhere({ client, config }: OpenCollection, expr: string, action: string): Promise<void> {
  const res = await callMilvus(config, action, () => client.delete({ collection_name: config.collection, filter: expr }));
  checkStatus(res.status, config, action);
}

function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
