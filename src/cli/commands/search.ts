import { createEmbedder, openStore } from '../../compose/adapters.js';
import { openStoreForQueries } from '../../pipeline/match.js';
import { newRunId } from '../../pipeline/workspace.js';
import type { Filter } from '../../core/filter.js';
import { fuseRrf } from '../../search/rrf.js';
import { keywordText } from '../../search/tokenize.js';
import type { LegHit } from '../../ports/vector-store.js';
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

/**
 * Finds catalog products by text. With a text-capable embedder (cloud mode) it is hybrid: the text's
 * embedding against the image vectors plus the keyword leg; offline it is the keyword leg alone, and says so.
 */
export async function searchCommand(text: string, flags: SearchFlags, ctx: CommandContext): Promise<number> {
  const settings = adapterSettings(ctx, `search-${newRunId()}`);
  const embedder = createEmbedder(settings);
  const store = await openStore(ctx.ws, settings);
  try {
    await openStoreForQueries(store, embedder);
    const filter: Filter = [];
    if (flags.category !== undefined) filter.push({ field: 'category', op: 'eq', value: flags.category });
    if (flags.minSales !== undefined) filter.push({ field: 'salesCount', op: 'gt', value: flags.minSales });
    const keywords = keywordText(text);
    const keywordHits = await store.keywordSearch(keywords, { filter, limit: flags.perLeg });
    let denseHits: LegHit[] = [];
    if (embedder.supportsText && embedder.embedTexts) {
      const [vector] = await embedder.embedTexts([text]);
      denseHits = await store.denseSearch(vector, { filter, limit: flags.perLeg });
    }
    const fused = fuseRrf([{ name: 'dense', ids: denseHits.map((h) => h.id) }, { name: 'keyword', ids: keywordHits.map((h) => h.id) }], flags.rrfK).slice(0, flags.top);
    const records = new Map((await store.get(fused.map((f) => f.id))).map((r) => [r.id, r]));
    const results = fused.map((f, i) => ({
      rank: i + 1, productId: f.id, score: f.score, denseRank: f.ranks.dense, keywordRank: f.ranks.keyword,
      category: records.get(f.id)?.category, description: records.get(f.id)?.description,
    }));
    const mode = embedder.supportsText ? 'hybrid (text embedding + keywords)' : 'keywords only (the offline embedder has no text side; set OPENROUTER_API_KEY for hybrid text search)';
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
