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
import { runPipeline, type RunResult } from '../pipeline/run.js';
import { loadPresets, selectPresets } from '../presets/index.js';
import { createAnalyzer, createCallPricing, createEmbedder, createGenerator, deliveryChecks, openStore, paidStageModels } from './adapters.js';
import { adapterSettings, catalogOptions, presetsFileFor, type HitlineContext } from './context.js';

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
}

export async function runBatch(ctx: HitlineContext, o: BatchRunOptions): Promise<RunResult> {
  const r = o.request;
  const pricing = createCallPricing();
  const engine = createBatchEngine({ budgetUsd: r.budget, alreadySpentUsd: o.resume ? await spentOnRun(ctx, o.runId) : 0, pricing });
  if (o.events) engine.events = o.events;
  const settings = adapterSettings(ctx, o.runId, { generatorReferences: r.references, generatorModel: r.model, client: engine.clientHooks });
  const embedder = createEmbedder(settings);
  const store = await openStore(ctx.ws, settings);
  let detach: (() => void) | void = undefined;
  try {
    const analyzer = createAnalyzer(settings);
    const generator = createGenerator(settings);
    configureStages(engine, paidStageModels({ embedder, analyzer, generator }), o.limits ?? []);
    if (r.budget !== undefined && Object.keys(engine.stageModels).length > 0) {
      const source = await pricing.refresh(settings);
      if (source !== 'GET /models') engine.events({ type: 'note', message: `prices for the budget: ${source}` });
      requirePrices(engine, r.size);
    }
    detach = o.onEngine?.(engine);
    return await runPipeline({
      runId: o.runId, resume: o.resume, request: r, engine, ledger: ctx.ledger, newCsv: r.new, imagesDir: r.images, catalog: catalogOptions(ctx), workspace: ctx.ws, storage: ctx.storage, store,
      embedder, analyzer, generator, match: { top: r.top, perLeg: r.perLeg, rrfK: r.rrfK, minSales: r.minSales },
      aspectRatio: r.aspect, sizeTier: r.size, variants: r.variants, generationReferences: r.references, concurrency: o.concurrency,
      progress: o.events ? undefined : o.progress,
      afterProduct: r.preset?.length
        ? presetDeliveryStep({
            presets: selectPresets(await loadPresets({ configFile: presetsFileFor(ctx.ws, r.presetsFile) }), r.preset), generator, embedder, store,
            variants: r.variants, staged: Boolean(r.staged), references: r.references, ...deliveryChecks(settings),
          })
        : undefined,
    });
  } finally {
    detach?.();
    await store.close();
    await embedder.close?.();
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
      match: { top: r.top, perLeg: r.perLeg, rrfK: r.rrfK, minSales: r.minSales }, aspectRatio: r.aspect, sizeTier: r.size,
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
