import { createEmbedder, openStore } from '../../compose/adapters.js';
import { ingestCatalog, type IngestReport } from '../../pipeline/ingest.js';
import { formatRowProblem } from '../../core/errors.js';
import { newRunId } from '../../pipeline/workspace.js';
import { catalogImageStorage, catalogOptions } from '../../compose/context.js';
import { adapterSettings, type CommandContext } from '../context.js';

export interface IngestFlags {
  catalog: string;
  images: string;
  json?: boolean;
  reindex?: boolean;
}

export async function ingestCommand(flags: IngestFlags, ctx: CommandContext): Promise<number> {
  const settings = adapterSettings(ctx, `ingest-${newRunId()}`);
  const embedder = createEmbedder(settings);
  const store = await openStore(ctx.ws, settings);
  try {
    const report = await ingestCatalog({
      catalogCsv: flags.catalog, imagesDir: flags.images, catalog: catalogOptions(ctx), store, embedder, progress: ctx.progress, reindex: flags.reindex, shareImagesTo: catalogImageStorage(ctx),
    });
    if (flags.json) ctx.printJson(report);
    else ctx.print(describeIngest(report, store.kind, ctx.ws.root));
    return report.problems.length > 0 ? 1 : 0;
  } finally {
    await store.close();
    await embedder.close?.();
    await ctx.ledger.flush();
  }
}

export function describeIngest(r: IngestReport, storeKind: string, workspace: string): string {
  const lines = [
    `Ingested ${r.rowsRead - r.problems.length} of ${r.rowsRead} row(s) in ${r.seconds.toFixed(1)} s: ` +
      `${r.added} added, ${r.updated} updated, ${r.unchanged} unchanged; ${r.embedded} image(s) embedded, ${r.reusedVectors} vector(s) reused.`,
    `The ${storeKind} store in ${workspace} now holds ${r.storeCount} product(s).`,
  ];
  if (r.problems.length > 0) {
    lines.push('', `${r.problems.length} row(s) were skipped (every other row was stored):`);
    for (const p of r.problems) lines.push(`  - ${formatRowProblem(p)}`);
    lines.push('Fix these rows and run the same command again: rows already stored are not embedded twice.');
  }
  for (const note of r.notes) lines.push(`note: ${note}`);
  return lines.join('\n') + '\n';
}
