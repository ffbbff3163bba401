/**
 * The cost ledger: one JSON line per paid OpenRouter call, appended to a file in the workspace.
 * Appends use O_APPEND, so a crash can at worst leave a torn last line, never damage earlier ones; the
 * reader skips a torn line and the next append starts on a fresh line. An append that fails (a full disk)
 * is cut back off, so it leaves no torn line either, and is a FileSystemError naming the ledger.
 */
import { open, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { UsageReport, UsageSink } from '../core/usage.js';
import { isNodeFsError } from '../core/errors.js';
import { explainFsError, makeFolder } from '../util/fs-faults.js';

export interface CostLedgerEntry {
  /** ISO time the answer was received. */
  time: string;
  runId: string;
  /** The new product the call was for; absent for catalog work (embedding). */
  productId?: string;
  /** "embed", "analyze" or "generate". */
  stage: string;
  model: string;
  promptTokens: number;
  completionTokens: number;
  /** USD credits charged (`usage.cost`); null when the answer did not say. */
  cost: number | null;
  requestId?: string;
  generationId?: string;
  /** Images the call produced (generate stage). */
  images?: number;
  /** Why an extra call was made ("repair", "empty-retry"). */
  note?: string;
}

export interface SkippedLine {
  /** 1-based line number in the file. */
  line: number;
  reason: string;
}

export interface LedgerContents {
  entries: CostLedgerEntry[];
  /** Lines that could not be read (a torn last line after a crash, or damage). */
  skipped: SkippedLine[];
}

export interface CostTotals {
  calls: number;
  /** Sum of known costs in USD. */
  cost: number;
  /** Calls whose answer carried no cost. */
  callsWithoutCost: number;
  promptTokens: number;
  completionTokens: number;
  images: number;
}

export interface CostSummary {
  total: CostTotals;
  byStage: Record<string, CostTotals>;
  /** Calls without a product (catalog embedding) are under "(catalog)". */
  byProduct: Record<string, CostTotals>;
  byModel: Record<string, CostTotals>;
}

export interface CostLedger {
  readonly file: string;
  append(entry: CostLedgerEntry): Promise<void>;
  /**
   * A UsageSink for the adapters that records each report with this run (and product) context.
   * Writes are queued; await `flush()` before reporting totals (it rethrows a failed write).
   */
  sink(context: { runId: string; productId?: string; now?: () => Date }): UsageSink;
  /** Waits for every queued write; throws the first write error, if any. */
  flush(): Promise<void>;
  read(): Promise<LedgerContents>;
}

export function openCostLedger(file: string): CostLedger {
  // Appends from this process go one after another, each starting on a fresh line.
  let queue: Promise<void> = Promise.resolve();
  let writeError: unknown;

  const enqueue = (entry: CostLedgerEntry): Promise<void> => {
    const line = `${JSON.stringify(entry)}\n`;
    // A failed write must not stop the ones after it.
    queue = queue.catch(() => undefined).then(async () => {
      await makeFolder(path.dirname(file), LEDGER_ACTION);
      const prefix = (await endsMidLine(file)) ? '\n' : '';
      await appendWhole(file, prefix + line);
    });
    return queue;
  };

  return {
    file,
    append: (entry) => enqueue(entry),
    sink(context) {
      const now = context.now ?? (() => new Date());
      return (report: UsageReport) => {
        enqueue(entryFromUsage(report, context.runId, context.productId, now())).catch((e) => {
          // A sink cannot throw into the adapter; flush() rethrows this.
          writeError ??= e;
        });
      };
    },
    async flush() {
      await queue.catch(() => undefined);
      if (writeError !== undefined) {
        const e = writeError;
        writeError = undefined;
        throw e;
      }
    },
    read: () => readCostLedger(file),
  };
}

const LEDGER_ACTION = 'record a paid call in the cost ledger';

/** Appends `text`, or, when the write fails part-way, truncates the file back to where it was. */
async function appendWhole(file: string, text: string): Promise<void> {
  let handle;
  try {
    handle = await open(file, 'a');
    const { size } = await handle.stat();
    try {
      await handle.writeFile(text);
    } catch (err) {
      await handle.truncate(size).catch(() => undefined);
      throw err;
    }
  } catch (err) {
    throw isNodeFsError(err) ? await explainFsError({ ...err, path: file }, { action: LEDGER_ACTION, folder: path.dirname(file) }) : err;
  } finally {
    await handle?.close();
  }
}

export function entryFromUsage(report: UsageReport, runId: string, productId: string | undefined, time: Date): CostLedgerEntry {
  const entry: CostLedgerEntry = {
    time: time.toISOString(),
    runId,
    stage: report.stage,
    model: report.model,
    promptTokens: report.promptTokens,
    completionTokens: report.completionTokens,
    cost: report.cost ?? null,
  };
  const product = report.productId ?? productId;
  if (product !== undefined) entry.productId = product;
  if (report.generationId) entry.generationId = report.generationId;
  if (report.images !== undefined) entry.images = report.images;
  if (report.note) entry.note = report.note;
  return entry;
}

/** Reads every readable entry; a missing file is an empty ledger. Never throws on content. */
export async function readCostLedger(file: string): Promise<LedgerContents> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], skipped: [] };
    throw e;
  }
  const lines = text.split('\n');
  const entries: CostLedgerEntry[] = [];
  const skipped: SkippedLine[] = [];
  lines.forEach((raw, i) => {
    if (!raw.trim()) return;
    const isUnterminatedLast = i === lines.length - 1;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      skipped.push({ line: i + 1, reason: isUnterminatedLast ? 'torn last line (an interrupted write)' : 'not valid JSON' });
      return;
    }
    if (!isEntry(value)) {
      skipped.push({ line: i + 1, reason: 'not a ledger entry (missing time, runId, stage or model)' });
      return;
    }
    entries.push(value);
  });
  return { entries, skipped };
}

export function summarizeCosts(entries: readonly CostLedgerEntry[]): CostSummary {
  const summary: CostSummary = { total: emptyTotals(), byStage: {}, byProduct: {}, byModel: {} };
  for (const e of entries) {
    for (const totals of [
      summary.total,
      (summary.byStage[e.stage] ??= emptyTotals()),
      (summary.byProduct[e.productId ?? '(catalog)'] ??= emptyTotals()),
      (summary.byModel[e.model] ??= emptyTotals()),
    ]) {
      totals.calls += 1;
      if (typeof e.cost === 'number') totals.cost = roundUsd(totals.cost + e.cost);
      else totals.callsWithoutCost += 1;
      totals.promptTokens += e.promptTokens ?? 0;
      totals.completionTokens += e.completionTokens ?? 0;
      totals.images += e.images ?? 0;
    }
  }
  return summary;
}

function emptyTotals(): CostTotals {
  return { calls: 0, cost: 0, callsWithoutCost: 0, promptTokens: 0, completionTokens: 0, images: 0 };
}

/** Sums of float dollars drift (0.1 + 0.2); keep 9 decimals, far below a micro-cent. */
function roundUsd(n: number): number {
  return Math.round(n * 1e9) / 1e9;
}

function isEntry(v: unknown): v is CostLedgerEntry {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  return typeof e.time === 'string' && typeof e.runId === 'string' && typeof e.stage === 'string' && typeof e.model === 'string';
}

/** True when the file exists, is not empty and its last byte is not a newline (a torn write). */
async function endsMidLine(file: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
  try {
    const { size } = await handle.stat();
    if (size === 0) return false;
    const buf = Buffer.alloc(1);
    await handle.read(buf, 0, 1, size - 1);
    return buf[0] !== 0x0a;
  } finally {
    await handle.close();
  }
}
