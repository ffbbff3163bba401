import path from 'node:path';
import type { AspectRatio, SizeTier } from '../../core/output-sizes.js';
import { formatRowProblem, UserInputError } from '../../core/errors.js';
import { planBatch, runBatch, describePlan } from '../../compose/run.js';
import { connectQueue, queueUrlFrom } from '../../compose/queue/index.js';
import type { BatchEngine } from '../../pipeline/batch/engine.js';
import type { MatchSettings } from '../../pipeline/match.js';
import type { RunResult } from '../../pipeline/run.js';
import { ensureWorkspace, newRunId } from '../../pipeline/workspace.js';
import { createBatchProgress } from '../../pipeline/batch/batch-progress.js';
import type { ProgressMode } from '../../util/progress.js';
import { handleInterrupts } from '../../pipeline/batch/interrupt.js';
import { OPENROUTER_LANE, type LimitSpec } from '../../pipeline/batch/provider-limits.js';
import { RunJournal } from '../../pipeline/batch/run-journal.js';
import { checkRunId, requestOf, resumedRequest, type RunRequest } from '../../pipeline/batch/run-request.js';
import { describeStop, runExitCode } from '../../pipeline/batch/stop-report.js';
import { formatCost } from '../../report/report-html.js';
import type { CommandContext } from '../context.js';

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
  /** `--queue` (else HITLINE_QUEUE): the products are made by `hitline worker` processes. */
  queue?: string;
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
  await ensureWorkspace(ctx.ws); // opened read-only until it was known not to be a dry run
  const result = await executeRun(resolved, ctx, { interruptible: true });
  const stop = describeStop(result.summary, ctx.ws.root);
  if (flags.json) {
    ctx.printJson(result.summary);
    if (stop.length) ctx.printErr(stop.join('\n') + '\n');
  } else {
    ctx.print(describeRun(result) + (stop.length ? `\n${stop.join('\n')}\n` : ''));
  }
  return runExitCode(result.summary);
}

export async function executeRun(flags: RunFlags, ctx: CommandContext, options: { interruptible?: boolean } = {}): Promise<RunResult> {
  const runId = flags.resume ?? newRunId();
  const request = requestOf({ ...flags, new: flags.new!, images: flags.images!, model: flags.model ?? ctx.generatorModel, budget: flags.budget });
  let engine: BatchEngine | undefined;
  const display = flags.progress
    ? createBatchProgress(process.stderr, flags.progress, { spend: () => ({ spentUsd: engine?.budget.spent ?? 0, limitUsd: engine?.budget.limitUsd }) })
    : undefined;
  const queueUrl = queueUrlFrom(flags.queue, ctx.env);
  const connection = queueUrl ? await connectQueue(queueUrl, (message) => process.stderr.write(`${message}\n`)) : undefined;
  try {
    return await runBatch(ctx, {
      runId, resume: Boolean(flags.resume), request, concurrency: flags.concurrency, limits: flags.limit, fleet: connection ? { connection } : undefined,
      events: display?.sink, progress: display ? undefined : ctx.progress,
      onEngine: (made) => {
        engine = made;
        if (!options.interruptible) return;
        return handleInterrupts(made.control, {
          notify: (message) => made.events({ type: 'note', message }),
          inFlight: () => made.gate.stats().find((l) => l.name === OPENROUTER_LANE)?.inFlight ?? 0,
        });
      },
    });
  } finally {
    display?.close();
    await connection?.close();
  }
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
  const request = requestOf({ ...flags, new: flags.new!, images: flags.images!, model: flags.model ?? ctx.generatorModel, budget: flags.budget });
  const plan = await planBatch(ctx, request);
  if (flags.json) ctx.printJson(plan);
  else ctx.print(describePlan(plan, { aspectRatio: flags.aspect, sizeTier: flags.size }));
  return plan.inputProblems.length > 0 ? 1 : 0;
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
  for (const note of summary.inputNotes ?? []) lines.push(`note: ${note}`);
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
