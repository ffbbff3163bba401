/**
 * Moving a catalog between stores (e.g. `hitline migrate --to milvus` when it outgrows one machine):
 * every row is copied with its vector, so nothing is re-embedded. The target is opened with the
 * source's recorded embedder (a target filled by another embedder refuses, EmbedderMismatchError),
 * and the copy is verified afterwards: every id is in the target with its image hash, and the counts add up.
 */
import { HitlineError } from '../core/errors.js';
import type { EmbedderInfo, UpsertProgress, VectorStore } from '../ports/vector-store.js';

export interface MigrateOptions {
  from: VectorStore;
  to: VectorStore;
  /** Rows per scan batch and per upsert call (default 500). */
  batchSize?: number;
  onProgress?: (p: UpsertProgress) => void;
}

export interface MigrateResult {
  embedder: EmbedderInfo;
  /** Rows copied. */
  copied: number;
  sourceCount: number;
  targetCount: number;
}

/** Thrown when the copy does not check out; the target keeps what was written (upserts, safe to re-run). */
export class MigrationVerifyError extends HitlineError {}

const VERIFY_IDS_PER_CALL = 1000;

export async function migrateStore(options: MigrateOptions): Promise<MigrateResult> {
  const { from, to } = options;
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? 500));
  const embedder = await from.recordedEmbedder();
  if (!embedder) {
    throw new HitlineError(`The source ${from.kind} store is empty: it records no embedder, so there is nothing to migrate`, {
      hint: 'Check the source settings (workspace folder or MILVUS_* variables), or run `hitline ingest` first.',
    });
  }
  await from.open(embedder);
  const targetWasEmpty = (await to.recordedEmbedder()) === null;
  await to.open(embedder);
  const targetBefore = targetWasEmpty ? 0 : await to.count();

  const sourceCount = await from.count();
  const hashes = new Map<string, string>();
  let done = 0;
  options.onProgress?.({ done, total: sourceCount });
  for await (const batch of from.scan(batchSize)) {
    for (let i = 0; i < batch.length; i += batchSize) {
      const part = batch.slice(i, i + batchSize);
      await to.upsert(part);
      for (const p of part) hashes.set(p.id, p.imageHash);
      done += part.length;
      options.onProgress?.({ done, total: Math.max(sourceCount, done) });
    }
  }
  await to.optimize();

  const copied = hashes.size;
  const targetCount = await to.count();
  const where = `${from.kind} → ${to.kind}`;
  if (copied !== sourceCount) {
    throw new MigrationVerifyError(`Migration ${where}: the source counts ${sourceCount} products but ${copied} were read from it`, {
      hint: 'Stop other writers to the source store and run the migration again (it is safe to repeat).',
    });
  }
  const missing = await missingInTarget(to, hashes);
  if (missing.length > 0) {
    const shown = missing.slice(0, 10).map((id) => JSON.stringify(id)).join(', ');
    throw new MigrationVerifyError(`Migration ${where}: ${missing.length} products are missing or differ in the target (${shown}${missing.length > 10 ? ', ...' : ''})`, {
      hint: 'Run the migration again; upserts replace by id, so rows already copied are not duplicated.',
    });
  }
  if (targetWasEmpty && targetCount !== copied) {
    throw new MigrationVerifyError(`Migration ${where}: copied ${copied} products but the new target counts ${targetCount}`, {
      hint: 'The target changed during the migration; check for other writers and run it again.',
    });
  }
  if (!targetWasEmpty && targetCount < Math.max(copied, targetBefore)) {
    throw new MigrationVerifyError(`Migration ${where}: the target counts ${targetCount} products after receiving ${copied} (it held ${targetBefore} before)`, {
      hint: 'Rows were lost in the target; run the migration again.',
    });
  }
  return { embedder, copied, sourceCount, targetCount };
}

/** Ids the target does not hold with the image hash that was copied. */
async function missingInTarget(to: VectorStore, hashes: Map<string, string>): Promise<string[]> {
  const ids = [...hashes.keys()];
  const missing: string[] = [];
  for (let i = 0; i < ids.length; i += VERIFY_IDS_PER_CALL) {
    const chunk = ids.slice(i, i + VERIFY_IDS_PER_CALL);
    const found = await to.imageHashes(chunk);
    for (const id of chunk) if (found.get(id) !== hashes.get(id)) missing.push(id);
  }
  return missing;
}
