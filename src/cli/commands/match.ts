import { readNewProducts } from '../../catalog/read-catalog.js';
import { loadImage } from '../../catalog/load-image.js';
import { createEmbedder, openStore } from '../../compose/adapters.js';
import { EmbeddingCache } from '../../pipeline/embedding-cache.js';
import { matchProduct, openStoreForQueries, type MatchSettings, type ProductMatch } from '../../pipeline/match.js';
import { formatRowProblem, type RowProblem } from '../../core/errors.js';
import { newRunId } from '../../pipeline/workspace.js';
import { adapterSettings, type CommandContext } from '../context.js';

export interface MatchFlags extends MatchSettings {
  new: string;
  images: string;
  json?: boolean;
}

export async function matchCommand(flags: MatchFlags, ctx: CommandContext): Promise<number> {
  const settings = adapterSettings(ctx, `match-${newRunId()}`);
  const embedder = createEmbedder(settings);
  const store = await openStore(ctx.ws, settings);
  try {
    const { rows, problems } = await readNewProducts(flags.new, flags.images);
    await openStoreForQueries(store, embedder);
    const matchCtx = { store, embedder, cache: new EmbeddingCache(ctx.ws.cacheDir, embedder.id, embedder.dimension), settings: flags };
    const matches: ProductMatch[] = [];
    const allProblems: RowProblem[] = [...problems];
    ctx.progress.start('match', rows.length);
    for (const [i, r] of rows.entries()) {
      try {
        const image = await loadImage(r.imageAbsPath);
        matches.push(await matchProduct(matchCtx, r.value, image));
      } catch (err) {
        allProblems.push({ file: flags.new, row: r.row, column: 'image_path', message: err instanceof Error ? err.message : String(err) });
      }
      ctx.progress.update({ stage: 'match', done: i + 1, total: rows.length, failed: allProblems.length - problems.length });
    }
    ctx.progress.finish('match');
    ctx.stdout.write(flags.json ? JSON.stringify(matchJson(matches, allProblems), null, 2) + '\n' : describeMatches(matches, allProblems));
    return allProblems.length > 0 ? 1 : 0;
  } finally {
    await store.close();
    await embedder.close?.();
    await ctx.ledger.flush();
  }
}

export function matchJson(matches: ProductMatch[], problems: RowProblem[]) {
  return {
    matches: matches.map((m) => ({
      newId: m.newId,
      hits: m.hits.map((h) => ({ rank: h.rank, productId: h.productId, score: h.score, denseRank: h.denseRank, keywordRank: h.keywordRank })),
      ...(m.shortfall ? { shortfall: m.shortfall } : {}),
    })),
    problems,
  };
}

function describeMatches(matches: ProductMatch[], problems: RowProblem[]): string {
  const lines: string[] = [];
  for (const m of matches) {
    lines.push(`${m.newId}  (keywords: ${m.keywords || '–'})`);
    if (m.hits.length === 0) lines.push('  no hits');
    for (const h of m.hits) {
      lines.push(
        `  ${h.rank}. ${h.productId.padEnd(12)} fused ${h.score.toFixed(4)}  dense ${fmtRank(h.denseRank)}  keyword ${fmtRank(h.keywordRank)}` +
          `  ${h.product.category} · sold ${h.product.salesCount}`,
      );
    }
    if (m.shortfall) lines.push(`  note: ${m.shortfall}`);
  }
  if (problems.length > 0) {
    lines.push('', `${problems.length} row(s) could not be matched:`);
    for (const p of problems) lines.push(`  - ${formatRowProblem(p)}`);
  }
  return lines.join('\n') + '\n';
}

const fmtRank = (r: number | null) => (r === null ? '  –' : `#${String(r).padEnd(2)}`);
