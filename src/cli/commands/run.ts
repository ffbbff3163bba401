import path from 'node:path';
import type { AspectRatio, SizeTier } from '../../core/output-sizes.js';
import { createOpenRouterClient } from '../../adapters/openrouter/client.js';
import { OPENROUTER_MODELS } from '../../adapters/openrouter/models.js';
import { createPriceTable } from '../../adapters/openrouter/pricing.js';
import type { PaidStage } from '../../adapters/openrouter/usage.js';
import { createAnalyzer, createEmbedder, createGenerator, openStore, type AdapterSettings } from '../../compose/adapters.js';
import { summarizeCosts } from '../../pipeline/cost-ledger.js';
import type { MatchSettings } from '../../pipeline/match.js';
import { runPipeline, type RunResult } from '../../pipeline/run.js';
import { newRunId } from '../../pipeline/workspace.js';
import { presetDeliveryStep } from '../../pipeline/preset-delivery.js';
import { loadPresets, selectPresets } from '../../presets/index.js';
import { presetsFileFor } from './presets.js';
import { openRouterClient, resolveStage } from '../../compose/adapters.js';
import { createOpenRouterImageGenerator } from '../../adapters/openrouter/image-generator.js';
import { createOpenRouterVisionChecker } from '../../adapters/openrouter/vision-checker.js';

/** With a key: the vision check of every preset image, and the Pro-model rung when config names an escalation model. */
function cloudChecks(settings: AdapterSettings, escalationModel: string | undefined) {
  const cloudGenerator = resolveStage('generator', settings) === 'openrouter';
  const cloudAnalyzer = resolveStage('analyzer', settings) === 'openrouter';
  return {
    escalationGenerator: cloudGenerator && escalationModel
      ? createOpenRouterImageGenerator({ client: openRouterClient(settings), model: escalationModel, onUsage: settings.onUsage })
      : undefined,
    visionCheckerFor: cloudAnalyzer
      ? (productId: string) => createOpenRouterVisionChecker({ client: openRouterClient(settings), onUsage: settings.onUsage, productId })
      : undefined,
  };
}
import { createBatchProgress, type ProgressMode } from '../../pipeline/batch/batch-progress.js';
import { describePlan, planRun } from '../../pipeline/batch/dry-run.js';
import { configureStages, createBatchEngine, type BatchEngine } from '../../pipeline/batch/engine.js';
import { handleInterrupts } from '../../pipeline/batch/interrupt.js';
import { livePrices, requirePrices } from '../../adapters/openrouter/live-prices.js';
import type { LimitSpec } from '../../pipeline/batch/provider-limits.js';
import { RunJournal } from '../../pipeline/batch/run-journal.js';
import { checkRunId, requestOf, resumedRequest, type RunRequest } from '../../pipeline/batch/run-request.js';
import { describeStop, runExitCode } from '../../pipeline/batch/stop-report.js';
import { formatRowProblem, UserInputError } from '../../core/errors.js';
import { formatCost } from '../../report/report-html.js';
import { adapterSettings, type CommandContext } from '../context.js';

export interface RunFlags extends MatchSettings {
  /** Required unless resuming. */
  new?: string;
  images?: string;
  aspect: AspectRatio;
  size: SizeTier;
  variants: number;
  references: number;
  /** Products at once; default: enough to keep every cloud stage busy (2 offline). */
  concurrency?: number;
  json?: boolean;
  /** USD. */
  budget?: number;
  limit?: LimitSpec[];
  dryRun?: boolean;
  /** A run id to continue. */
  resume?: string;
  /** The --progress mode; without it, progress goes to the context's plain progress sink. */
  progress?: ProgressMode;
  /** `--model`: the cloud generator's model (also read globally into the context). */
  model?: string;
  /** `--preset`: marketplace presets to produce for every product (see `hitline presets`). */
  preset?: string[];
  /** `--staged`: scene first, then the product composited into it. */
  staged?: boolean;
  /** `--presets-file`: the seller's preset overrides and additions. */
  presetsFile?: string;
}

/** Which flags were typed on the command line (not defaults), for --resume's consistency check. */
export type GivenFlag = (name: keyof RunFlags) => boolean;

export async function runCommand(flags: RunFlags, ctx: CommandContext, given: GivenFlag = () => false): Promise<number> {
  const resolved = flags.resume ? await resumeFlags(flags, ctx, given) : flags;
  if (!resolved.new || !resolved.images) {
    throw new UserInputError('run needs --new <new_products.csv> and --images <folder>, or --resume <runId>', {
      hint: 'e.g. hitline run --new new_products.csv --images new_products/',
    });
  }
  if (flags.dryRun) return dryRun(resolved, ctx);
  const result = await executeRun(resolved, ctx, { interruptible: true });
  const stop = describeStop(result.summary, ctx.ws.root);
  if (flags.json) {
    ctx.stdout.write(JSON.stringify(result.summary, null, 2) + '\n');
    if (stop.length) process.stderr.write(stop.join('\n') + '\n');
  } else {
    ctx.stdout.write(describeRun(result) + (stop.length ? `\n${stop.join('\n')}\n` : ''));
  }
  return runExitCode(result.summary);
}

export async function executeRun(flags: RunFlags, ctx: CommandContext, options: { interruptible?: boolean } = {}): Promise<RunResult> {
  const runId = flags.resume ?? newRunId();
  const request = requestOf({ ...flags, new: flags.new!, images: flags.images!, model: flags.model ?? ctx.generatorModel, budget: flags.budget });
  const spentBefore = flags.resume ? await runSpend(ctx, runId) : 0;
  const engine = createBatchEngine({ budgetUsd: flags.budget, alreadySpentUsd: spentBefore });
  const settings = adapterSettings(ctx, runId, { generatorReferences: flags.references, generatorModel: request.model, client: engine.clientHooks });
  const embedder = createEmbedder(settings);
  const store = await openStore(ctx.ws, settings);
  const progress = flags.progress ? createBatchProgress(process.stderr, flags.progress, { spend: () => ({ spentUsd: engine.budget.spent, limitUsd: engine.budget.limitUsd }) }) : undefined;
  if (progress) engine.events = progress.sink;
  let stopHandlers: (() => void) | undefined;
  try {
    const analyzer = createAnalyzer(settings);
    const generator = createGenerator(settings);
    configureStages(engine, cloudModels(settings, { embedder: embedder.id, analyzer: analyzer.id, generator: generator.id }), flags.limit ?? []);
    if (flags.budget !== undefined && Object.keys(engine.stageModels).length > 0) await setBudgetPrices(engine, settings, flags.size, (m) => engine.events({ type: 'note', message: m }));
    if (options.interruptible) {
      stopHandlers = handleInterrupts(engine.control, {
        notify: (message) => engine.events({ type: 'note', message }),
        inFlight: () => engine.gate.stats().find((l) => l.name === 'openrouter')?.inFlight ?? 0,
      });
    }
    return await runPipeline({
      runId, resume: Boolean(flags.resume), request, engine, ledger: ctx.ledger, newCsv: flags.new!, imagesDir: flags.images!, workspace: ctx.ws, store,
      embedder, analyzer, generator, match: flags, aspectRatio: flags.aspect, sizeTier: flags.size, variants: flags.variants,
      generationReferences: flags.references, concurrency: flags.concurrency, progress: progress ? undefined : ctx.progress,
      afterProduct: flags.preset?.length
        ? presetDeliveryStep({
            presets: selectPresets(await loadPresets({ configFile: presetsFileFor(ctx, flags) }), flags.preset), generator, embedder, store,
            variants: flags.variants, staged: Boolean(flags.staged), references: flags.references,
            ...cloudChecks(settings, ctx.config.escalationModel),
          })
        : undefined,
    });
  } finally {
    stopHandlers?.();
    progress?.close();
    await store.close();
    await embedder.close?.();
  }
}

/** The OpenRouter model of each stage that runs in the cloud (adapter ids are "openrouter/<model>"). */
function cloudModels(s: AdapterSettings, ids: { embedder: string; analyzer: string; generator: string }): Partial<Record<PaidStage, string>> {
  const models: Partial<Record<PaidStage, string>> = {};
  const cloud = (id: string) => (id.startsWith('openrouter/') ? id.slice('openrouter/'.length) : undefined);
  // The embedder's id drops a ":free" suffix (same weights); the lane needs the model actually called.
  if (cloud(ids.embedder)) models.embed = s.config.models.embedding ?? OPENROUTER_MODELS.nemotronEmbed;
  if (cloud(ids.analyzer)) models.analyze = cloud(ids.analyzer);
  if (cloud(ids.generator)) models.generate = cloud(ids.generator);
  return models;
}

/** Token prices from GET /models (free), and a refusal to start when a stage's model has no price at all. */
async function setBudgetPrices(engine: BatchEngine, s: AdapterSettings, tier: SizeTier, note: (m: string) => void): Promise<void> {
  const { prices, source } = await livePrices(createOpenRouterClient({ ...s.config.openrouter }, s.env ?? process.env));
  Object.assign(engine.prices, prices);
  if (source !== 'GET /models') note(`prices for the budget: ${source}`);
  requirePrices(engine.stageModels, engine.prices, tier);
}

async function runSpend(ctx: CommandContext, runId: string): Promise<number> {
  const { entries } = await ctx.ledger.read();
  return summarizeCosts(entries.filter((e) => e.runId === runId)).total.cost;
}

/** --resume: the run's recorded inputs and settings; flags given again must agree with them. */
async function resumeFlags(flags: RunFlags, ctx: CommandContext, given: GivenFlag): Promise<RunFlags> {
  const runId = checkRunId(flags.resume!);
  const manifest = await RunJournal.readManifest<RunRequest>(path.join(ctx.ws.runsDir, runId));
  const typed: Partial<RunRequest> = {};
  for (const key of ['new', 'images', 'aspect', 'size', 'variants', 'references', 'top', 'perLeg', 'rrfK', 'minSales', 'preset', 'staged', 'presetsFile', 'budget'] as const) {
    if (given(key) && flags[key] !== undefined) (typed as Record<string, unknown>)[key] = flags[key];
  }
  const model = flags.model ?? ctx.generatorModel;
  if (model !== undefined) typed.model = model;
  const r = resumedRequest(manifest.request, typed, runId);
  return {
    ...flags, new: r.new, images: r.images, aspect: r.aspect, size: r.size, variants: r.variants, references: r.references,
    top: r.top, perLeg: r.perLeg, rrfK: r.rrfK, minSales: r.minSales, budget: r.budget, model: r.model,
    preset: r.preset ?? [], staged: r.staged, presetsFile: r.presetsFile,
  };
}

/** --dry-run: the plan from the stored results and the price table; no model is called, nothing is written. */
async function dryRun(flags: RunFlags, ctx: CommandContext): Promise<number> {
  const settings = adapterSettings(ctx, 'dry-run', { generatorReferences: flags.references, generatorModel: flags.model ?? ctx.generatorModel });
  const embedder = createEmbedder(settings);
  const store = await openStore(ctx.ws, settings);
  try {
    const analyzer = createAnalyzer(settings);
    const generator = createGenerator(settings);
    const plan = await planRun({
      newCsv: flags.new!, imagesDir: flags.images!, workspace: ctx.ws, store, embedder, analyzerId: analyzer.id, generatorId: generator.id,
      stageModels: cloudModels(settings, { embedder: embedder.id, analyzer: analyzer.id, generator: generator.id }), prices: createPriceTable(),
      match: flags, aspectRatio: flags.aspect, sizeTier: flags.size, variants: flags.variants, generationReferences: flags.references, budgetUsd: flags.budget,
    });
    ctx.stdout.write(flags.json ? JSON.stringify(plan, null, 2) + '\n' : describePlan(plan, { aspectRatio: flags.aspect, sizeTier: flags.size }));
    return plan.inputProblems.length > 0 ? 1 : 0;
  } finally {
    await store.close();
    await embedder.close?.();
  }
}

export function describeRun({ runDir, summary }: RunResult): string {
  const lines: string[] = [];
  const pending = summary.products.filter((p) => p.status === 'pending');
  for (const p of summary.products) {
    if (p.status === 'done') {
      const sizes = [...new Set(p.outputs.map((o) => `${o.width}×${o.height}`))].join(', ');
      lines.push(`✓ ${p.newId}: ${p.outputs.length} image(s) ${sizes}; top hits ${p.hits.map((h) => h.productId).join(', ')}`);
    } else if (p.status === 'failed') {
      lines.push(`✗ ${p.newId}: ${p.error}`);
    }
    if (p.status !== 'pending') {
      for (const w of p.warnings) lines.push(`    note: ${w}`);
      for (const o of p.outputs) for (const w of o.warnings) lines.push(`    ${o.file}: ${w}`);
    }
  }
  if (pending.length) {
    const shown = pending.slice(0, 12).map((p) => p.newId).join(', ');
    lines.push(`… ${pending.length} product(s) not done: ${shown}${pending.length > 12 ? `, and ${pending.length - 12} more` : ''}`);
  }
  for (const q of summary.inputProblems) lines.push(`✗ ${formatRowProblem(q)}`);
  const t = summary.totals;
  lines.push(
    '',
    `${t.done} of ${t.products} product(s) done, ${t.failed} failed${t.pending ? `, ${t.pending} not done` : ''}, ${t.images} image(s) in ${t.seconds.toFixed(1)} s; cost: ${formatCost(t.cost)}.`,
    `Report:        ${path.join(runDir, 'report.html')}`,
    `Contact sheet: ${path.join(runDir, 'contact-sheet.png')}`,
    `Summary:       ${path.join(runDir, 'summary.json')}`,
  );
  return lines.join('\n') + '\n';
}
