import path from 'node:path';
import { buildDemoCatalog } from '../../demo/index.js';
import { createEmbedder, openStore } from '../../compose/adapters.js';
import { ingestCatalog } from '../../pipeline/ingest.js';
import { DEFAULT_MATCH_SETTINGS } from '../../pipeline/match.js';
import { formatSeconds } from '../../util/progress.js';
import { newRunId } from '../../pipeline/workspace.js';
import { adapterSettings, type CommandContext } from '../context.js';
import { describeRun, executeRun } from './run.js';

/** Builds a drawn sample catalog in the workspace, ingests it and runs the whole pipeline on it. */
export async function demoCommand(ctx: CommandContext): Promise<number> {
  const times: Record<string, number> = {};
  const t0 = performance.now();
  ctx.progress.note(`Drawing a sample catalog in ${path.join(ctx.ws.root, 'demo-catalog')} ...`);
  const demo = await buildDemoCatalog(path.join(ctx.ws.root, 'demo-catalog'));
  times.catalog = (performance.now() - t0) / 1000;

  const t1 = performance.now();
  const settings = adapterSettings({ ...ctx, offline: true }, `demo-${newRunId()}`);
  const embedder = createEmbedder(settings);
  const store = await openStore(ctx.ws, settings);
  try {
    const report = await ingestCatalog({ catalogCsv: demo.catalogCsv, imagesDir: demo.imagesDir, store, embedder, progress: ctx.progress });
    if (report.problems.length > 0) throw new Error(`the demo catalog had ${report.problems.length} bad row(s); this is a bug`);
  } finally {
    await store.close();
    await embedder.close?.();
  }
  times.ingest = (performance.now() - t1) / 1000;

  const t2 = performance.now();
  const result = await executeRun(
    {
      ...DEFAULT_MATCH_SETTINGS, new: demo.newCsv, images: demo.newImagesDir, aspect: '3:4', size: '1K',
      variants: 2, references: 1, concurrency: 2,
    },
    { ...ctx, offline: true },
  );
  times.run = (performance.now() - t2) / 1000;
  ctx.print(describeRun(result));
  ctx.print(
    `\nDemo: ${demo.hitCount} hits and ${demo.newCount} new products; ` +
      Object.entries(times).map(([k, v]) => `${k} ${formatSeconds(v)}`).join(', ') +
      `.\nOpen the report in a browser: file://${path.join(result.runDir, 'report.html')}\n`,
  );
  return result.summary.totals.failed > 0 ? 1 : 0;
}
