/**
 * Which embedder filled a LanceDB table, kept beside it as `<table>.hitline.json` and written atomically.
 * It is written before the table is created, so a table never exists without its record.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { EmbedderMismatchError, HitlineError } from '../../core/errors.js';
import type { EmbedderInfo } from '../../ports/vector-store.js';

interface RecordFile extends EmbedderInfo {
  format: 1;
  table: string;
  createdAt: string;
}

export function embedderRecordPath(dir: string, table: string): string {
  return path.join(dir, `${table}.hitline.json`);
}

export async function readEmbedderRecord(dir: string, table: string): Promise<EmbedderInfo | null> {
  const file = embedderRecordPath(dir, table);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  let parsed: Partial<RecordFile>;
  try {
    parsed = JSON.parse(text) as Partial<RecordFile>;
  } catch (err) {
    throw new HitlineError(`the store's embedder record ${file} is not valid JSON`, {
      hint: 'Restore the file from a backup, or re-ingest into a new workspace.',
      cause: err,
    });
  }
  if (typeof parsed.embedderId !== 'string' || !Number.isInteger(parsed.dimension)) {
    throw new HitlineError(`the store's embedder record ${file} lacks embedderId or dimension`, {
      hint: 'Restore the file from a backup, or re-ingest into a new workspace.',
    });
  }
  return { embedderId: parsed.embedderId, dimension: parsed.dimension as number };
}

export async function writeEmbedderRecord(dir: string, table: string, embedder: EmbedderInfo): Promise<void> {
  const record: RecordFile = {
    format: 1,
    table,
    embedderId: embedder.embedderId,
    dimension: embedder.dimension,
    createdAt: new Date().toISOString(),
  };
  await writeFileAtomic(embedderRecordPath(dir, table), JSON.stringify(record, null, 2) + '\n');
}

/** Throws EmbedderMismatchError, naming both, unless `wanted` is the embedder recorded for the store. */
export function assertSameEmbedder(dir: string, recorded: EmbedderInfo, wanted: EmbedderInfo): void {
  if (recorded.embedderId === wanted.embedderId && recorded.dimension === wanted.dimension) return;
  throw new EmbedderMismatchError(
    `the store at ${dir} was filled by embedder "${recorded.embedderId}" (${recorded.dimension}-d), ` +
      `but this run uses "${wanted.embedderId}" (${wanted.dimension}-d)`,
    {
      hint: 'Use the same embedder, or re-ingest the catalog into a new workspace (or with --reindex) to switch embedders.',
    },
  );
}
