/**
 * run: the batch. Every new product goes through match → analyze → generate, many at once (so the stages
 * of different products overlap), each paid call within its provider's limits and the budget, every result
 * stored as soon as it arrives. Then the run folder <workspace>/runs/<runId>/ gets the images
 * (<product>/promo-<n>.png), summary.json, report.html and contact-sheet.png.
 *
 * The run keeps its own record (run.json + journal.jsonl, see batch/run-journal.ts): a resumed run takes
 * the products its journal says are done as they are and runs the rest, whose finished stages come back
 * from the stage cache for free. A stop (budget, Ctrl-C, no credits) lets calls in flight finish and leaves
 * the untouched products pending. A product that fails is recorded with its reason; the others go on.
 * The engine's parts (limits, budget, journal, progress, one product's stages) live in pipeline/batch/.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import pMap from 'p-map';
import { readNewProducts, type CatalogReadOptions, type CatalogRow } from '../catalog/read-catalog.js';
import type { NewProduct } from '../core/product.js';
import type { StyleAnalyzer } from '../ports/style-analyzer.js';
import type { Embedder } from '../ports/embedder.js';
import type { ImageGenerator } from '../ports/image-generator.js';
import type { AspectRatio, SizeTier } from '../core/output-sizes.js';
import type { VectorStore } from '../ports/vector-store.js';
import type { BlobStorage } from '../ports/blob-storage.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { writeContactSheet } from '../report/contact-sheet.js';
import { acquireWorkspaceLock } from '../util/workspace-lock.js';
import { writeRunReport } from '../report/report-html.js';
import { ThumbnailCache } from '../report/thumbnail-cache.js';
import { summarizeCosts, type CostLedger, type CostTotals } from './cost-ledger.js';
import { EmbeddingCache } from './embedding-cache.js';
import { openStoreForQueries, type MatchSettings } from './match.js';
import type { CostLine, ProductSummary, RunSummary } from '../core/run-summary.js';
import { StageCache, canonicalJson } from './stage-cache.js';
import { newRunId, type Workspace } from './workspace.js';
import type { ProgressSink } from '../util/progress.js';
import type { BatchEvent, BatchEventSink } from './batch/batch-events.js';
import { progressSinkEvents } from './batch/batch-progress.js';
import { autoConcurrency, createBatchEngine, type BatchEngine } from './batch/engine.js';
import { currentPaidCall } from './batch/paid-call.js';
import { runProduct, type ProductFlowSettings, type ProductOutcome } from './batch/product-flow.js';
import { RunJournal, type JournalRecord } from './batch/run-journal.js';

export interface RunOptions {
  newCsv: string;
  imagesDir: string;
  /** How new_products.csv is read (symbolic links leading outside the images folder). */
  catalog?: CatalogReadOptions;
  workspace: Workspace;
  /** Where stage results and embeddings are stored (the workspace cache folder, or a bucket shared by a fleet). */
  storage: BlobStorage;
  store: VectorStore;
  embedder: Embedder;
  analyzer: StyleAnalyzer;
  generator: ImageGenerator;
  match: MatchSettings;
  aspectRatio: AspectRatio;
  sizeTier: SizeTier;
  /** Images per product. */
  variants?: number;
  /** How many of the top hits are passed to the generator as references. */
  generationReferences?: number;
  /** Products worked on at once; default: enough to keep every cloud lane busy (2 when all is local). */
  concurrency?: number;
  runId?: string;
  /** Continue the run `runId` (its folder must hold a run record). */
  resume?: boolean;
  /** What to record as the run's request, so a resume can repeat it (the command's settings). */
  request?: unknown;
  maxPixels?: number;
  /** Where paid calls were recorded; the summary reads this run's costs back from it. */
  ledger?: CostLedger;
  /** Limits, budget and stop control; made fresh (no budget, default limits) when absent. */
  engine?: BatchEngine;
  /** Progress events (the engine's own sink also receives them). */
  events?: BatchEventSink;
  /** A plain progress display, fed one "run" line from the events. */
  progress?: ProgressSink;
  /**
   * Runs for each product once its images are delivered, before it counts as done (e.g. fitting them to
   * marketplace presets). It may add outputs and warnings to the summary; if it throws, the product fails
   * with that reason. Products taken from an earlier session of the run are not passed again.
   */
  afterProduct?: AfterProduct;
  /**
   * Who works on each product: by default this process (runProductHere); with a queue, a worker of the fleet
   * (compose/queue/). The run's journal, summary, report and stop stay here either way.
   */
  productRunner?: ProductRunner;
}

export type AfterProduct = (summary: ProductSummary, context: { runDir: string }) => Promise<void>;

export interface ProductRunContext {
  runDir: string;
  settings: ProductFlowSettings;
  engine: BatchEngine;
  emit: BatchEventSink;
  afterProduct?: AfterProduct;
}

export type ProductRunner = (row: Row, context: ProductRunContext) => Promise<ProductOutcome>;

/** One product in this process: its stages, then the step after them (presets); a failure there fails the product. */
export async function runProductHere(row: Row, c: Pick<ProductRunContext, 'runDir' | 'settings' | 'engine' | 'afterProduct'>): Promise<ProductOutcome> {
  const outcome = await runProduct(row.value, row.imageAbsPath, c.settings, c.engine);
  const s = outcome.summary;
  if (s.status === 'done' && c.afterProduct) {
    try {
      await c.afterProduct(s, { runDir: c.runDir });
    } catch (err) {
      Object.assign(s, { status: 'failed', error: `deliver: ${err instanceof Error ? err.message : String(err)}` });
      outcome.stage = 'deliver';
    }
  }
  return outcome;
}

export interface RunResult {
  runDir: string;
  summary: RunSummary;
}

export type Row = CatalogRow<NewProduct>;

export async function runPipeline(options: RunOptions): Promise<RunResult> {
  const startedAt = new Date();
  const engine = options.engine ?? createBatchEngine();
  const plain = options.progress ? progressSinkEvents(options.progress) : undefined;
  const emit: BatchEventSink = (e: BatchEvent) => {
    engine.events(e);
    options.events?.(e);
    plain?.(e);
  };
  engine.control.onStop((reason, message) => emit({ type: 'stopping', reason, message }));
  const runId = options.runId ?? newRunId(startedAt);
  const runDir = path.join(options.workspace.runsDir, runId);
  await mkdir(runDir, { recursive: true });
  // One process per run folder: a second `--resume` of the same run waits briefly, then says who holds it.
  const lock = await acquireWorkspaceLock(path.join(runDir, 'run.lock'), { waitMs: 2_000, target: runDir });
  try {
    return await runLocked(options, engine, emit, runId, runDir, startedAt);
  } finally {
    await lock.release();
  }
}

async function runLocked(options: RunOptions, engine: BatchEngine, emit: BatchEventSink, runId: string, runDir: string, startedAt: Date): Promise<RunResult> {
  const journal = options.resume
    ? await RunJournal.resume<unknown, ProductSummary>(runDir, startedAt)
    : await RunJournal.create<unknown, ProductSummary>(runDir, runId, options.request ?? {}, startedAt);

  const { rows, problems, notes } = await readNewProducts(options.newCsv, options.imagesDir, options.catalog);
  await openStoreForQueries(options.store, options.embedder);
  const settings = productFlowSettings(options, runDir);

  const earlier = options.resume ? await journal.finishedProducts() : new Map<string, JournalRecord<ProductSummary>>();
  const reused = new Map<string, ProductSummary>();
  for (const r of rows) {
    const kept = await reusable(earlier.get(r.value.newId), r, runDir);
    if (kept) reused.set(r.value.newId, kept);
  }
  emit({ type: 'run-start', runId, products: rows.length, reused: reused.size, resumed: Boolean(options.resume) });

  // At most `concurrency` products in flight, summaries in input order; a product that throws (a bug, not a
  // failed product) rejects the run and starts no further product.
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? autoConcurrency(engine)));
  const products = await pMap(rows, async (r): Promise<ProductSummary> => {
    const id = r.value.newId;
    const kept = reused.get(id);
    if (kept) {
      emit({ type: 'product-done', productId: id, seconds: 0, images: kept.outputs.length, reused: true });
      return kept;
    }
    if (engine.control.stopReason) return pendingSummary(r, engine.control.stopMessage!, emit);
    const outcome = await (options.productRunner ?? runProductHere)(r, { runDir, settings, engine, emit, afterProduct: options.afterProduct });
    const s = outcome.summary;
    if (s.status !== 'pending' && outcome.imageHash) await journal.productFinished(id, outcome.imageHash, s);
    if (s.status === 'done') emit({ type: 'product-done', productId: id, seconds: s.timings.total ?? 0, images: s.outputs.length, reused: false });
    else if (s.status === 'failed') emit({ type: 'product-failed', productId: id, stage: outcome.stage, error: s.error ?? 'failed' });
    else emit({ type: 'product-pending', productId: id, reason: s.error ?? 'not finished' });
    return s;
  }, { concurrency });

  const finishedAt = new Date();
  const costs = await runCosts(options.ledger, runId);
  for (const p of products) p.cost = costLine(costs.byProduct[p.newId], p.outputs.length);
  const imageCount = products.reduce((n, p) => n + p.outputs.length, 0);
  const count = (status: ProductSummary['status']) => products.filter((p) => p.status === status).length;
  // A stop that came after the last product started left nothing undone: the run counts as finished.
  const stop = engine.control.stopReason && count('pending') > 0 ? { reason: engine.control.stopReason, message: engine.control.stopMessage! } : undefined;
  const summary: RunSummary = {
    runId,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    settings: {
      aspectRatio: options.aspectRatio, sizeTier: options.sizeTier, variants: settings.variants,
      top: options.match.top, perLeg: options.match.perLeg, rrfK: options.match.rrfK, minSales: options.match.minSales,
    },
    adapters: { embedder: options.embedder.id, store: options.store.kind, analyzer: options.analyzer.id, generator: options.generator.id },
    products,
    inputProblems: problems,
    ...(notes.length ? { inputNotes: notes } : {}),
    totals: {
      products: products.length, done: count('done'), failed: count('failed'), pending: count('pending'), images: imageCount,
      seconds: (finishedAt.getTime() - startedAt.getTime()) / 1000,
      cost: costLine(costs.total, imageCount),
    },
    ...(stop ? { stop } : {}),
    ...(engine.budget.limitUsd !== undefined ? { budget: { limitUsd: engine.budget.limitUsd, spentUsd: engine.budget.spent } } : {}),
    resumedProducts: reused.size,
    wire: { attempts: { ...engine.wire.attempts }, rateLimited: engine.wire.rateLimited },
  };
  await writeFileAtomic(path.join(runDir, 'summary.json'), JSON.stringify(summary, null, 2));
  const thumbnails = new ThumbnailCache(options.workspace.cacheDir);
  await writeRunReport(runDir, summary, { thumbnails });
  await writeContactSheet(runDir, summary, { thumbnails });
  await journal.end(stop ? 'stopped' : 'finished', stop);
  emit({ type: 'run-end', done: summary.totals.done, failed: summary.totals.failed, pending: summary.totals.pending, seconds: summary.totals.seconds, spentUsd: engine.budget.spent });
  return { runDir, summary };
}

/** What one product's stages need, from the run's options (also how a fleet worker sets up a product). */
export function productFlowSettings(
  o: Pick<RunOptions, 'store' | 'embedder' | 'storage' | 'match' | 'analyzer' | 'generator' | 'aspectRatio' | 'sizeTier' | 'variants' | 'generationReferences' | 'maxPixels'>,
  runDir: string,
): ProductFlowSettings {
  return {
    runDir,
    match: { store: o.store, embedder: withCallSignal(o.embedder), cache: new EmbeddingCache(o.storage, o.embedder.id, o.embedder.dimension), settings: o.match },
    stageCache: new StageCache(o.storage),
    catalogImages: o.storage,
    analyzer: o.analyzer,
    generator: o.generator,
    aspectRatio: o.aspectRatio,
    sizeTier: o.sizeTier,
    variants: o.variants ?? 1,
    generationReferences: o.generationReferences ?? 1,
    maxPixels: o.maxPixels,
  };
}

/** A journal record is taken as it is when the product, its photo and its output files are all unchanged. */
async function reusable(record: JournalRecord<ProductSummary> | undefined, row: Row, runDir: string): Promise<ProductSummary | undefined> {
  if (!record || record.summary.status !== 'done') return undefined;
  if (canonicalJson(record.summary.product) !== canonicalJson(row.value)) return undefined;
  try {
    const hash = createHash('sha256').update(await readFile(row.imageAbsPath)).digest('hex');
    if (hash !== record.imageHash) return undefined;
    for (const o of record.summary.outputs) await stat(path.join(runDir, o.file));
  } catch {
    return undefined;
  }
  return { ...record.summary, imagePath: row.imageAbsPath };
}

function pendingSummary(r: Row, why: string, emit: BatchEventSink): ProductSummary {
  emit({ type: 'product-pending', productId: r.value.newId, reason: why });
  return {
    newId: r.value.newId, status: 'pending', error: `not started: ${why}`, product: r.value, imagePath: r.imageAbsPath,
    hits: [], outputs: [], timings: {}, warnings: [], cost: costLine(undefined, 0),
  };
}

/** The embedder with each call's signal (matching does not pass one), so a hard cancel reaches embedding calls too. */
function withCallSignal(e: Embedder): Embedder {
  return {
    id: e.id,
    provider: e.provider,
    model: e.model,
    paid: e.paid,
    dimension: e.dimension,
    supportsText: e.supportsText,
    embedImages: (images, opts) => e.embedImages(images, { ...opts, signal: opts?.signal ?? currentPaidCall()?.signal }),
    ...(e.embedTexts ? { embedTexts: (texts: readonly string[], opts?: { signal?: AbortSignal }) => e.embedTexts!(texts, { ...opts, signal: opts?.signal ?? currentPaidCall()?.signal }) } : {}),
    close: () => e.close?.() ?? Promise.resolve(),
  };
}

async function runCosts(ledger: CostLedger | undefined, runId: string) {
  if (!ledger) return summarizeCosts([]);
  await ledger.flush();
  const { entries } = await ledger.read();
  return summarizeCosts(entries.filter((e) => e.runId === runId));
}

export function costLine(totals: CostTotals | undefined, images: number): CostLine {
  const usd = totals?.cost ?? 0;
  return { usd, calls: totals?.calls ?? 0, callsWithoutCost: totals?.callsWithoutCost ?? 0, perImage: images > 0 ? usd / images : null };
}
