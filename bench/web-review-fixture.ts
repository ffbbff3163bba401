/**
 * The 200 × 4 run the web review benchmark opens, built quickly: a real offline run of a few demo products
 * with four presets goes through the API (import, upload, run), then its journal records are replicated
 * under new product ids into a new run of the same tenant, each product with its own hard-linked copies of
 * the photo and the output files (so every thumbnail is made from its own file, as in a real run). Only
 * the journal, the service record and the manifest are written directly; everything the review grid reads
 * is in the shapes the engine wrote.
 */
import { copyFile, link, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { JournalRecord } from '../src/pipeline/batch/run-journal.js';
import { JOURNAL_FILE, readJournal } from '../src/pipeline/batch/run-journal.js';
import type { ProductSummaryWithPresets } from '../src/pipeline/preset-delivery.js';
import type { Workspace } from '../src/pipeline/workspace.js';
import { createRunRecord, readRunRecord, runDirOf } from '../src/service/runs/run-record.js';

export async function replicateRun(ws: Workspace, baseRunId: string, products: number): Promise<string> {
  const base = await readRunRecord(ws, baseRunId);
  const baseDir = runDirOf(ws, baseRunId);
  const sources = [...(await readJournal<ProductSummaryWithPresets>(path.join(baseDir, JOURNAL_FILE))).values()];
  const ids = Array.from({ length: products }, (_, i) => `P${String(i + 1).padStart(4, '0')}`);
  const record = await createRunRecord(ws, (runId) => ({ ...base, runId, createdAt: new Date().toISOString(), productIds: ids, state: 'started' }));
  const runDir = runDirOf(ws, record.runId);
  await copyFile(path.join(baseDir, 'run.json'), path.join(runDir, 'run.json'));
  const lines: string[] = [];
  for (const [i, newId] of ids.entries()) {
    const source = sources[i % sources.length];
    const s = source.summary;
    await mkdir(path.join(runDir, newId), { recursive: true });
    const photo = path.join(runDir, newId, `photo${path.extname(s.imagePath)}`);
    await link(s.imagePath, photo);
    const outputs = [];
    for (const o of s.outputs) {
      const file = path.posix.join(newId, path.posix.basename(o.file));
      await link(path.join(baseDir, o.file), path.join(runDir, file));
      outputs.push({ ...o, file });
    }
    const summary: ProductSummaryWithPresets = { ...s, newId, product: { ...s.product, newId }, imagePath: photo, outputs };
    const entry: JournalRecord<ProductSummaryWithPresets> = { ...source, newId, summary };
    lines.push(`\n${JSON.stringify(entry)}`);
  }
  await writeFile(path.join(runDir, JOURNAL_FILE), lines.join(''));
  return record.runId;
}
