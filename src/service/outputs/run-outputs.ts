/**
 * A run's products and outputs as the API shows them, from the run's own files: the journal (each
 * product's last record, so a regenerated output is there too), the cost ledger, and the review log. An
 * output's id is a hash of its run and file, stable across restarts; no server path leaves this module
 * except through `absFile`, which routes use to stream a file they found by id.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { ProductSummary, SummaryHit } from '../../core/run-summary.js';
import type { StyleBrief } from '../../core/style-brief.js';
import type { CostTotals } from '../../pipeline/cost-ledger.js';
import { JOURNAL_FILE, readJournal, type JournalRecord } from '../../pipeline/batch/run-journal.js';
import type { PresetImageRecord } from '../../pipeline/delivery-records.js';
import type { ProductSummaryWithPresets } from '../../pipeline/preset-delivery.js';
import type { QualityCheck } from '../../presets/delivery/quality-checks.js';
import { notFound } from '../errors.js';
import type { ReviewState } from './review-log.js';

export interface RunOutput {
  id: string;
  productId: string;
  /** The preset id, or "promo" for the run's own images. */
  preset: string;
  variant: number;
  /** File name (inside the product's folder). */
  file: string;
  width: number;
  height: number;
  /** null: a promo image, not checked against a preset's rules. */
  checks: QualityCheck[] | null;
  checkStatus: 'passed' | 'failed-review' | 'unchecked';
  /** IPTC/XMP DigitalSourceType written into the file (presets). */
  aiMetadata: string | null;
  bytes: number | null;
  warnings: string[];
  review: ReviewState;
  /** The output this one was regenerated from. */
  regeneratedFrom?: string;
  /** The product's cost divided over its outputs (the ledger books calls per product, not per image). */
  costShareUsd: number;
  /** Absolute path; never sent to a client. */
  absFile: string;
}

export interface RunProductView {
  productId: string;
  status: ProductSummary['status'];
  error?: string;
  brief?: StyleBrief;
  prompt?: string;
  hits: Array<Omit<SummaryHit, 'imagePath'>>;
  warnings: string[];
  cost: { usd: number; calls: number };
  outputs: RunOutput[];
  /** Absolute path of the new product's photo; never sent to a client. */
  photoFile: string;
}

export function outputIdOf(runId: string, file: string): string {
  return createHash('sha256').update(`${runId}\0${file}`).digest('hex').slice(0, 20);
}

export async function journalProducts(runDir: string): Promise<Map<string, JournalRecord<ProductSummaryWithPresets>>> {
  return readJournal<ProductSummaryWithPresets>(path.join(runDir, JOURNAL_FILE));
}

export function productView(
  runId: string, runDir: string, summary: ProductSummaryWithPresets, cost: CostTotals | undefined,
  review: { states: Map<string, ReviewState>; replaces: Map<string, string> },
): RunProductView {
  const presetsByFile = new Map((summary.presets ?? []).filter((r) => r.file).map((r) => [r.file as string, r]));
  const usd = cost?.cost ?? 0;
  const outputs = summary.outputs.map((o): RunOutput => {
    const id = outputIdOf(runId, o.file);
    const record: PresetImageRecord | undefined = presetsByFile.get(path.basename(o.file));
    return {
      id, productId: summary.newId, preset: record?.preset ?? 'promo', variant: o.variant, file: path.basename(o.file), width: o.width, height: o.height,
      checks: record ? record.checks : null,
      checkStatus: record ? (record.status === 'passed' ? 'passed' : 'failed-review') : 'unchecked',
      aiMetadata: record?.sourceType ?? null, bytes: record?.bytes ?? null, warnings: o.warnings,
      review: review.states.get(id) ?? { state: 'pending' },
      ...(review.replaces.has(id) ? { regeneratedFrom: review.replaces.get(id) } : {}),
      costShareUsd: summary.outputs.length > 0 ? usd / summary.outputs.length : 0,
      absFile: path.join(runDir, o.file),
    };
  });
  return {
    productId: summary.newId, status: summary.status, ...(summary.error ? { error: summary.error } : {}), brief: summary.brief, prompt: summary.prompt,
    hits: summary.hits.map(({ imagePath: _hidden, ...h }) => h), warnings: summary.warnings, cost: { usd, calls: cost?.calls ?? 0 }, outputs, photoFile: summary.imagePath,
  };
}

/** Finds an output by id among a run's products. */
export function findOutput(products: readonly RunProductView[], outputId: string): { product: RunProductView; output: RunOutput } {
  for (const product of products) {
    const output = product.outputs.find((o) => o.id === outputId);
    if (output) return { product, output };
  }
  throw notFound(`output ${outputId}`);
}

/** The output as a client sees it: no server path. */
export function publicOutput(runId: string, o: RunOutput): Omit<RunOutput, 'absFile'> & { url: string } {
  const { absFile: _hidden, ...rest } = o;
  return { ...rest, url: `/api/runs/${runId}/outputs/${o.id}/file` };
}
