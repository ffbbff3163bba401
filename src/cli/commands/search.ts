import { createEmbedder, openStore } from '../../compose/adapters.js';
import { openStoreForQueries } from '../../pipeline/match.js';
import { newRunId } from '../../pipeline/workspace.js';
import type { Filter } from '../../core/filter.js';
import { searchCatalogText } from '../../pipeline/text-search.js';
import { terminalSafe } from '../../util/terminal-text.js';
import { adapterSettings, type CommandContext } from '../context.js';

export interface SearchFlags {
  top: number;
  perLeg: number;
  rrfK: number;
  category?: string;
  minSales?: number;
  json?: boolean;
}

/** Finds catalog products by text (pipeline/text-search.ts) and prints them. */
export async function searchCommand(text: string, flags: SearchFlags, ctx: CommandContext): Promise<number> {
  const settings = adapterSettings(ctx, `search-${newRunId()}`);
  const embedder = createEmbedder(settings);
  const store = await openStore(ctx.ws, settings);
  try {
    await openStoreForQueries(store, embedder);
    const filter: Filter = [];
    if (flags.category !== undefined) filter.push({ field: 'category', op: 'eq', value: flags.category });
    if (flags.minSales !== undefined) filter.push({ field: 'salesCount', op: 'gt', value: flags.minSales });
    const found = await searchCatalogText(store, embedder, text, { top: flags.top, perLeg: flags.perLeg, rrfK: flags.rrfK, filter });
    const { keywords, mode } = found;
    const results = found.results.map(({ product, ...r }) => ({ ...r, category: product?.category, description: product?.description }));
    if (flags.json) {
      ctx.printJson({ query: text, keywords, mode, results });
    } else {
      const lines = [`${results.length} result(s) for "${text}", ${mode}:`];
      for (const r of results) lines.push(`  ${r.rank}. ${r.productId.padEnd(12)} ${r.score.toFixed(4)}  ${r.category ?? ''}  ${terminalSafe(r.description ?? '').slice(0, 70)}`);
      ctx.print(lines.join('\n') + '\n');
    }
    return 0;
  } finally {
    await store.close();
    await embedder.close?.();
    await ctx.ledger.flush();
  }
}
