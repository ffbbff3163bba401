/** Reads by product id, in chunks of ids so no `id in [...]` expression grows without bound. */
import type { ProductRecord, StoredProduct } from '../../ports/vector-store.js';
import { callMilvus, checkStatus } from './errors.js';
import type { OpenCollection } from './layout.js';
import { fromMilvusRow } from './rows.js';
import { FIELD } from './schema.js';
import { idsExpr } from './tenant-scope.js';

/** Ids per `id in [...]` query or delete, to keep expressions and answers small. */
export const IDS_PER_REQUEST = 500;

/** Raw rows (Milvus field names) of the ids that exist, each id asked once, in no particular order. */
export async function queryByIds(
  target: OpenCollection,
  ids: readonly string[],
  fields: string[],
  action: string,
): Promise<Array<Record<string, unknown>>> {
  const { client, config, tenant } = target;
  const unique = [...new Set(ids)];
  const out: Array<Record<string, unknown>> = [];
  for (let i = 0; i < unique.length; i += IDS_PER_REQUEST) {
    const chunk = unique.slice(i, i + IDS_PER_REQUEST);
    const res = await callMilvus(config, action, () => client.query({ collection_name: config.collection, filter: idsExpr(tenant, chunk), output_fields: fields }));
    checkStatus(res.status, config, action);
    out.push(...res.data);
  }
  return out;
}

/** The products of `ids` that exist, in the order asked for (each id once), with vectors when `fields` has them. */
export async function readByIds(
  target: OpenCollection,
  ids: readonly string[],
  fields: string[],
  action: string,
): Promise<Array<StoredProduct | ProductRecord>> {
  const withVectors = fields.includes(FIELD.dense);
  const rows = await queryByIds(target, ids, fields, action);
  const byId = new Map(rows.map((r) => [String(r[FIELD.id]), r]));
  return [...new Set(ids)].flatMap((id) => {
    const row = byId.get(id);
    if (!row) return [];
    return [withVectors ? fromMilvusRow(row, true) : fromMilvusRow(row)];
  });
}
