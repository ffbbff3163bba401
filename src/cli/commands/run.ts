import path from 'node:path';
import type { AspectRatio, SizeTier } from '../../generate/output-sizes.js';
import { createAnalyzer, createEmbedder, createGenerator, openStore } from '../../pipeline/adapters.js';
import type { MatchSettings } from '../../pipeline/match.js';
import { runPipeline, type RunResult } from '../../pipeline/run.js';
import { formatRowProblem } from '../../util/errors.js';
import { formatCost } from '../../render/report-html.js';
import { newRunId } from '../../pipeline/workspace.js';
import { adapterSettings, type CommandContext } from '../context.js';

export interface RunFlags extends MatchSettings {
  new: string;
  images: string;
  aspect: AspectRatio;
  size: SizeTier;
  variants: number;
  references: number;
  concurrency: number;
  json?: boolean;
}

export async function runCommand(flags: RunFlags, ctx: CommandContext): Promise<number> {
  const result = await executeRun(flags, ctx);
  ctx.stdout.write(flags.json ? JSON.stringify(result.summary, null, 2) + '\n' : describeRun(result));
  return result.summary.totals.failed > 0 || result.summary.inputProblems.length > 0 ? 1 : 0;
}

export async function executeRun(flags: RunFlags, ctx: CommandContext): Promise<RunResult> {
  const runId = newRunId();
  const settings = adapterSettings(ctx, runId, { generatorReferences: flags.references });
  const embedder = createEmbedder(settings);
  const store = await openStore(ctx.ws, settings);
  try {
    return await runPipeline({
      runId, ledger: ctx.ledger, newCsv: flags.new, imagesDir: flags.images, workspace: ctx.ws, store, embedder,
      analyzer: createAnalyzer(settings), generator: createGenerator(settings),
      match: flags, aspectRatio: flags.aspect, sizeTier: flags.size, variants: flags.variants,
      generationReferences: flags.references, concurrency: flags.concurrency, progress: ctx.progress,
    });
  } finally {
    await store.close();
    await embedder.close?.();
  }
}

export function describeRun({ runDir, summary }: RunResult): string {
  const lines: string[] = [];
  for (const p of summary.products) {
    if (p.status === 'done') {
      const sizes = [...new Set(p.outputs.map((o) => `${o.width}×${o.height}`))].join(', ');
      lines.push(`✓ ${p.newId}: ${p.outputs.length} image(s) ${sizes}; top hits ${p.hits.map((h) => h.productId).join(', ')}`);
    } else {
      lines.push(`✗ ${p.newId}: ${p.error}`);
    }
    for (const w of p.warnings) lines.push(`    note: ${w}`);
    for (const o of p.outputs) for (const w of o.warnings) lines.push(`    ${o.file}: ${w}`);
  }
  for (const q of summary.inputProblems) lines.push(`✗ ${formatRowProblem(q)}`);
  const t = summary.totals;
  lines.push(
    '',
    `${t.done} of ${t.products} product(s) done, ${t.failed} failed, ${t.images} image(s) in ${t.seconds.toFixed(1)} s; cost: ${formatCost(t.cost)}.`,
    `Report:        ${path.join(runDir, 'report.html')}`,
    `Contact sheet: ${path.join(runDir, 'contact-sheet.png')}`,
    `Summary:       ${path.join(runDir, 'summary.json')}`,
  );
  return lines.join('\n') + '\n';
}
