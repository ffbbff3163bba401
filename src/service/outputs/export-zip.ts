/**
 * The export of a run for one marketplace preset: a zip of its images named by product and preset
 * (`<product>/<preset>-<n>.<ext>`, or flat `<product>_<preset>-<n>.<ext>`), with manifest.csv and
 * manifest.json (product, preset, file, size, bytes, checks, AI-metadata flag, review state). Approved
 * outputs only, unless all are asked for. Streamed (yazl): images are read from disk as the zip is sent.
 */
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import yazl from 'yazl';
import { safeFileStem } from '../../pipeline/workspace.js';
import type { RunOutput, RunProductView } from './run-outputs.js';

export interface ExportOptions {
  preset: string;
  /** Every output, not only the approved ones. */
  includeAll: boolean;
  layout: 'folders' | 'flat';
}

export interface ManifestRow {
  product: string;
  preset: string;
  file: string;
  width: number;
  height: number;
  bytes: number;
  checks: 'passed' | 'failed' | 'unchecked';
  failedChecks: string[];
  aiMetadata: string | null;
  review: string;
}

export function exportedOutputs(products: readonly RunProductView[], o: ExportOptions): Array<{ product: RunProductView; output: RunOutput }> {
  return products.flatMap((product) =>
    product.outputs.filter((out) => out.preset === o.preset && (o.includeAll || out.review.state === 'approved')).map((output) => ({ product, output })),
  );
}

export async function exportZip(runId: string, selected: ReturnType<typeof exportedOutputs>, o: ExportOptions): Promise<{ stream: Readable; manifest: ManifestRow[] }> {
  const zip = new yazl.ZipFile();
  const manifest: ManifestRow[] = [];
  for (const { product, output } of selected) {
    const stem = safeFileStem(product.productId);
    const name = o.layout === 'flat' ? `${stem}_${output.file}` : `${stem}/${output.file}`;
    const bytes = (await stat(output.absFile)).size;
    zip.addFile(output.absFile, name, { compress: false }); // images are compressed already
    const failed = (output.checks ?? []).filter((c) => !c.passed).map((c) => c.check);
    manifest.push({
      product: product.productId, preset: output.preset, file: name, width: output.width, height: output.height, bytes,
      checks: output.checks === null ? 'unchecked' : failed.length ? 'failed' : 'passed', failedChecks: failed, aiMetadata: output.aiMetadata, review: output.review.state,
    });
  }
  zip.addBuffer(Buffer.from(JSON.stringify({ runId, preset: o.preset, approvedOnly: !o.includeAll, files: manifest }, null, 2)), 'manifest.json');
  zip.addBuffer(Buffer.from(manifestCsv(manifest)), 'manifest.csv');
  zip.end();
  return { stream: zip.outputStream as unknown as Readable, manifest };
}

const COLUMNS: Array<keyof ManifestRow> = ['product', 'preset', 'file', 'width', 'height', 'bytes', 'checks', 'failedChecks', 'aiMetadata', 'review'];

function manifestCsv(rows: readonly ManifestRow[]): string {
  const cell = (v: unknown) => {
    const s = Array.isArray(v) ? v.join(' ') : v === null || v === undefined ? '' : String(v);
    // Quote always; neutralise spreadsheet formulas (a product id from a CSV could start with =).
    return `"${(/^[=+\-@]/.test(s) ? `'${s}` : s).replace(/"/g, '""')}"`;
  };
  return [COLUMNS.join(','), ...rows.map((r) => COLUMNS.map((c) => cell(r[c])).join(','))].join('\r\n') + '\r\n';
}
