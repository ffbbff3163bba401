/**
 * A batch run, wired: the engine with the paid adapters' prices and hooks, the adapters behind each port,
 * the store, the presets step, then the pipeline. The CLI calls it today; the server and the workers call
 * the same functions, so a run behaves the same whichever entry point starts it.
 */
import type { ProgressSink } from '../util/progress.js';
import type { BatchEventSink } from '../pipeline/batch/batch-events.js';
import { describePlan, planRun, type RunPlan } from '../pipeline/batch/dry-run.js';
import { configureStages, createBatchEngine, requirePrices, type BatchEngine } from '../pipeline/batch/engine.js';
import type { LimitSpec } from '../pipeline/batch/provider-limits.js';
import type { RunRequest } from '../pipeline/batch/run-request.js';
import { summarizeCosts } from '../pipeline/cost-ledger.js';
import { presetDeliveryStep } from '../pipeline/preset-delivery.js';
import { runPipeline, type AfterProduct, type RunResult } from '../pipeline/run.js';
import type { Embedder } from '../ports/embedder.js';
import type { VectorStore } from '../ports/vector-store.js';
import type { StyleAnalyzer } from '../ports/style-analyzer.js';
import type { ImageGenerator } from '../ports/image-generator.js';
import { openFleetRun, type FleetRunOptions } from './queue/fleet-run.js';
import { loadPresets, selectPresets } from '../presets/index.js';
import { createAnalyzer, createCallPricing, createEmbedder, createGenerator, deliveryChecks, openStore, paidStageModels } from './adapters.js';
import { adapterSettings, fusionSettings, catalogOptions, presetsFileFor, type HitlineContext } from './context.js';

export { describePlan, type RunPlan };

export interface BatchRunOptions {
  runId: string;
  /** Continue the run `runId` from its journal. */
  resume: boolean;
  /** The settings that decide the results (recorded in the run's manifest for a resume). */
  request: RunRequest;
  /** Products worked on at once; default: enough to keep every paid lane busy. */
  concurrency?: number;
  /** `--limit` values. */
  limits?: readonly LimitSpec[];
  /** Progress events (a live display, an API's event stream). */
  events?: BatchEventSink;
  /** A plain progress display, when no event sink is given. */
  progress?: ProgressSink;
  /**
   * Called once the engine exists, before the first call: where an entry point installs its interrupt
   * handlers or keeps the run control to cancel it. May return a function called when the run ends.
   */
  onEngine?: (engine: BatchEngine) => (() => void) | void;
  /** Run the products on the workers of a queue (BullMQ) instead of in this process. */
  fleet?: FleetRunOptions;
}

export async function runBatch(ctx: HitlineContext, o: BatchRunOptions): Promise<RunResult> {
  const r = o.request;
  const pricing = createCallPricing();
  const alreadySpentUsd = o.resume ? await spentOnRun(ctx, o.runId) : 0;
  const fleet = o.fleet ? await openFleetRun(ctx, o.fleet, { runId: o.runId, request: r, limits: o.limits ?? [], alreadySpentUsd }) : undefined;
  const engine = createBatchEngine({ budgetUsd: r.budget, alreadySpentUsd, pricing, shared: fleet ? { budget: fleet.budget } : undefined });
  if (o.events) engine.events = o.events;
  const wired = await wireRun(ctx, o.runId, r, engine, o.limits ?? [], pricing);
  let detach: (() => void) | void = undefined;
  try {
    detach = o.onEngine?.(engine);
    const stopRelay = fleet?.relayStops(engine.control);
    try {
      return await runPipeline({
        runId: o.runId, resume: o.resume, request: r, engine, ledger: ctx.ledger, newCsv: r.new, imagesDir: r.images, catalog: catalogOptions(ctx), workspace: ctx.ws, storage: ctx.storage,
        store: wired.store, embedder: wired.embedder, analyzer: wired.analyzer, generator: wired.generator, match: { top: r.top, perLeg: r.perLeg, rrfK: r.rrfK, minSales: r.minSales, fusion: fusionSettings(ctx) },
        aspectRatio: r.aspect, sizeTier: r.size, variants: r.variants, generationReferences: r.references,
        // With a queue the workers' own concurrency bounds the work: every product is queued at once.
        concurrency: fleet ? QUEUED_AT_ONCE : o.concurrency,
        progress: o.events ? undefined : o.progress,
        afterProduct: fleet ? undefined : wired.afterProduct,
        productRunner: fleet?.productRunner,
      });
    } finally {
      stopRelay?.();
      await fleet?.finish();
    }
  } finally {
    detach?.();
    await wired.close();
  }
}

/** The paid adapters' prices, refreshed from the provider when a budget needs them. */
export type RunPricing = ReturnType<typeof createCallPricing>;

/** Products a queued run keeps in the queue at once (all of them, in practice). */
const QUEUED_AT_ONCE = 10_000;

export interface WiredRun {
  embedder: Embedder;
  store: VectorStore;
  analyzer: StyleAnalyzer;
  generator: ImageGenerator;
  /** The presets step after each product's images, when the run asks for presets. */
  afterProduct?: AfterProduct;
  close(): Promise<void>;
}

/**
 * A run's adapters wired to its engine: the paid ones through the engine's hooks, stages and `--limit`s
 * configured, prices checked for a budget, and the presets step. The same for `hitline run`, the server
 * and a fleet worker, so a product is made the same way wherever it is made.
 */
export async function wireRun(
  ctx: HitlineContext, runId: string, r: RunRequest, engine: BatchEngine, limits: readonly LimitSpec[], pricing: RunPricing,
): Promise<WiredRun> {
  const settings = adapterSettings(ctx, runId, { generatorReferences: r.references, generatorModel: r.model, client: engine.clientHooks });
  const embedder = createEmbedder(settings);
  const store = await openStore(ctx.ws, settings);
  const close = async () => {
    await store.close();
    await embedder.close?.();
  };
  try {
    const analyzer = createAnalyzer(settings);
    const generator = createGenerator(settings);
    configureStages(engine, paidStageModels({ embedder, analyzer, generator }), limits);
    if (r.budget !== undefined && Object.keys(engine.stageModels).length > 0) {
      const source = await pricing.refresh(settings);
      if (source !== 'GET /models') engine.events({ type: 'note', message: `prices for the budget: ${source}` });
      requirePrices(engine, r.size);
    }
    const afterProduct = r.preset?.length
      ? presetDeliveryStep({
          presets: selectPresets(await loadPresets({ configFile: presetsFileFor(ctx.ws, r.presetsFile) }), r.preset), generator, embedder, store,
          catalogImages: ctx.storage, variants: r.variants, staged: Boolean(r.staged), references: r.references, ...deliveryChecks(settings),
        })
      : undefined;
    return { embedder, store, analyzer, generator, afterProduct, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** `--dry-run`: the plan from the stored results and the price table; no model is called, nothing is written. */
export async function planBatch(ctx: HitlineContext, r: RunRequest): Promise<RunPlan> {
  const settings = adapterSettings(ctx, 'dry-run', { generatorReferences: r.references, generatorModel: r.model });
  const embedder = createEmbedder(settings);
  const store = await openStore(ctx.ws, settings);
  try {
    const analyzer = createAnalyzer(settings);
    const generator = createGenerator(settings);
    return await planRun({
      newCsv: r.new, imagesDir: r.images, catalog: catalogOptions(ctx), workspace: ctx.ws, storage: ctx.storage, store, embedder, analyzerId: analyzer.id, generatorId: generator.id,
      stageModels: paidStageModels({ embedder, analyzer, generator }), pricing: createCallPricing(),
      match: { top: r.top, perLeg: r.perLeg, rrfK: r.rrfK, minSales: r.minSales, fusion: fusionSettings(ctx) }, aspectRatio: r.aspect, sizeTier: r.size,
      variants: r.variants, generationReferences: r.references, budgetUsd: r.budget,
    });
  } finally {
    await store.close();
    await embedder.close?.();
  }
}

/** What the ledger says a run has spent so far (a resume counts it against the budget). */
export async function spentOnRun(ctx: HitlineContext, runId: string): Promise<number> {
  const { entries } = await ctx.ledger.read();
  return summarizeCosts(entries.filter((e) => e.runId === runId)).total.cost;
}
