/**
 * Writing checked rows in batches under the byte and row bounds, and telling exactly which ids a failed
 * batch leaves unwritten (a failed status, the server's err_index, or a short count).
 */
import type { RowData } from '@zilliz/milvus2-sdk-node';
import type { StoredProduct, UpsertProgress } from '../../ports/vector-store.js';
import type { HitlineError } from '../../core/errors.js';
import type { ResolvedMilvusConfig } from './config.js';
import { MilvusWriteError, isSuccessStatus, statusError, toMilvusError, type MilvusStatusLike } from './errors.js';
import type { OpenCollection } from './layout.js';
import { planBatches, toMilvusRow } from './rows.js';

/** Upserts `rows` (already checked and deduplicated) batch by batch; throws MilvusWriteError at the first failed batch. */
export async function upsertInBatches(target: OpenCollection, rows: readonly StoredProduct[], onProgress?: (p: UpsertProgress) => void): Promise<void> {
  const { client, config } = target;
  const total = rows.length;
  let done = 0;
  for (const batch of planBatches(rows, { maxBytes: config.maxBatchBytes, maxRows: config.maxBatchRows })) {
    const ids = batch.map((r) => r.id);
    let res;
    try {
      res = await client.upsert({ collection_name: config.collection, data: batch.map((p) => toMilvusRow(p, target)) as RowData[], timeout: config.timeoutMs });
    } catch (err) {
      const cause = toMilvusError(err, config, `upserting ${batch.length} products`);
      throw writeError(config, cause.message, ids, done, cause);
    }
    const failed = failedIdsOf(res, ids);
    if (failed.length > 0) {
      if (isSuccessStatus(res.status)) throw writeError(config, 'the server reported them as not written', failed, done);
      const cause = statusError(res.status, config, 'upserting');
      throw writeError(config, cause.message, failed, done, cause);
    }
    done += batch.length;
    onProgress?.({ done, total });
  }
}

function writeError(config: ResolvedMilvusConfig, reason: string, failedIds: string[], storedCount: number, cause?: HitlineError): MilvusWriteError {
  const shown = failedIds.slice(0, 10).map((id) => JSON.stringify(id)).join(', ') + (failedIds.length > 10 ? `, ... (${failedIds.length} in all)` : '');
  return new MilvusWriteError(
    `Upsert into Milvus collection "${config.collection}" failed for ${failedIds.length} products (${shown}); ` +
      `${storedCount} products from earlier batches were stored. ${reason}`,
    {
      hint: 'Fix the cause and run the same command again: upserts replace by id, so products already stored are not duplicated.',
      failedIds,
      storedCount,
      retryable: cause?.retryable ?? false,
      cause,
    },
  );
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
