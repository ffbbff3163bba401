/**
 * One tenant's rows on a collection shared by many (config `tenant`; issue 13's service gives each
 * tenant a workspace, and with Milvus they share a server). Milvus's advice for many small tenants is one
 * collection with a partition key rather than a collection each (collections are heavy: each has its own
 * shards, segments and load state, and a server holds a few thousand at most):
 * - every row carries `tenant`, the partition key: Milvus keeps each tenant's rows in its own partition
 *   bucket and searches only that bucket when the expression names the tenant;
 * - rows are keyed by `pk` = `tenant/id`, so two tenants may use the same product id (the tenant name
 *   cannot contain `/`, config.ts checks it, so the key is unambiguous);
 * - every expression hitline sends (both search legs, queries, counts, deletes, the scan) is scoped with
 *   `tenant == "<tenant>"`, and reads by id go through `pk`, a primary-key lookup.
 * Milvus Lite supports partition keys too, so the same code runs against both (tested against Lite).
 */
import { NEVER_EXPR, milvusString } from './compile-filter.js';
import { FIELD } from './schema.js';

/** `expr` restricted to the tenant's rows; unchanged without a tenant. */
export function scopedExpr(tenant: string | null, expr: string): string {
  if (tenant === null) return expr;
  const own = `${FIELD.tenant} == ${milvusString(tenant)}`;
  return expr ? `${own} and (${expr})` : own;
}

/** The primary key of a product id: the id itself, or tenant/id on a shared collection. */
export function rowKey(tenant: string | null, id: string): string {
  return tenant === null ? id : `${tenant}/${id}`;
}

/** `id in [...]` (or `pk in [...]` for a tenant): escaped literals, a contradiction for no ids. */
export function idsExpr(tenant: string | null, ids: readonly string[]): string {
  if (ids.length === 0) return NEVER_EXPR;
  const column = tenant === null ? FIELD.id : FIELD.pk;
  return `${column} in [${ids.map((id) => milvusString(rowKey(tenant, id))).join(', ')}]`;
}
