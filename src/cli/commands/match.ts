import { readNewProducts } from '../../catalog/read-catalog.js';
import { ImageProblemError, loadImage } from '../../catalog/load-image.js';
import { createEmbedder, openStore } from '../../compose/adapters.js';
import { catalogOptions, fusionSettings } from '../../compose/context.js';
import { EmbeddingCache } from '../../pipeline/embedding-cache.js';
import { legRanksText, matchProduct, openStoreForQueries, queryJson, type MatchSettings, type ProductMatch } from '../../pipeline/match.js';
import type { FusionMethod, FusionWeights } from '../../search/fusion-settings.js';
import { FileSystemError, HitlineError, formatRowProblem, fsProblemText, type RowProblem } from '../../core/errors.js';
import { newRunId } from '../../pipeline/workspace.js';
import { adapterSettings, type CommandContext } from '../context.js';

export interface MatchFlags extends Omit<MatchSettings, 'fusion'> {
  /** --fusion, --weight, --expansion, --expansion-votes: override config.json's "match". */
  fusion?: FusionMethod;
  weight?: Partial<FusionWeights>;
  expansion?: number;
  expansionVotes?: number;
  new: string;
  images: string;
  json?: boolean;
}

export async function matchCommand(flags: MatchFlags, ctx: CommandContext): Promise<number> {
  const settings = adapterSettings(ctx, `match-${newRunId()}`);
  const embedder = createEmbedder(settings);
  const store = await openStore(ctx.ws, settings);
  try {
    const { rows, problems, notes } = await readNewProducts(flags.new, flags.images, catalogOptions(ctx));
    await openStoreForQueries(store, embedder);
    // match only reads the workspace: on a read-only one it still works, and says the embeddings were not kept.
    let unwritable: FileSystemError | undefined;
    const cache = new EmbeddingCache(ctx.storage, embedder.id, embedder.dimension, { onWriteError: (err) => (unwritable ??= err) });
    const fusion = fusionSettings(ctx, {
      method: flags.fusion, weights: flags.weight,
      expansion: { ...(flags.expansion !== undefined && { neighbours: flags.expansion }), ...(flags.expansionVotes !== undefined && { minVotes: flags.expansionVotes }) },
    });
    const matchCtx = { store, embedder, cache, settings: { top: flags.top, perLeg: flags.perLeg, rrfK: flags.rrfK, minSales: flags.minSales, fusion } };
    const matches: ProductMatch[] = [];
    const allProblems: RowProblem[] = [...problems];
    ctx.progress.start('match', rows.length);
    for (const [i, r] of rows.entries()) {
      try {
        const image = await loadImage(r.imageAbsPath);
        matches.push(await matchProduct(matchCtx, r.value, image));
      } catch (err) {
        // The row's own fault (its image, a query the store refuses for it) is a problem of that row; a fault of
        // the workspace or a bug is not, and ends the command with its own message.
        if (!(err instanceof HitlineError) || err instanceof FileSystemError) throw err;
        allProblems.push({ file: flags.new, row: r.row, ...(err instanceof ImageProblemError ? { column: 'image_path' } : {}), message: err.message });
      }
      ctx.progress.update({ stage: 'match', done: i + 1, total: rows.length, failed: allProblems.length - problems.length });
    }
    ctx.progress.finish('match');
    if (unwritable) notes.push(`the photos' embeddings were not cached (${fsProblemText(unwritable)} on ${unwritable.path}), so the next match embeds them again`);
    if (flags.json) ctx.printJson(matchJson(matches, allProblems, notes));
    else ctx.print(describeMatches(matches, allProblems, notes));
    return allProblems.length > 0 ? 1 : 0;
  } finally {
    await store.close();
    await embedder.close?.();
    await ctx.ledger.flush();
  }
}

export function matchJson(matches: ProductMatch[], problems: RowProblem[], notes: string[] = []) {
  return {
    matches: matches.map((m) => ({
      newId: m.newId,
      query: queryJson(m),
      hits: m.hits.map((h) => ({ rank: h.rank, productId: h.productId, score: h.score, denseRank: h.denseRank, keywordRank: h.keywordRank, ranks: h.ranks })),
      ...(m.shortfall ? { shortfall: m.shortfall } : {}),
    })),
    problems,
    ...(notes.length ? { notes } : {}),
  };
}

function describeMatches(matches: ProductMatch[], problems: RowProblem[], notes: string[]): string {
  const lines: string[] = [];
  for (const m of matches) {
    lines.push(`${m.newId}  (keywords: ${m.keywords || '–'})`, `  ${describeQuery(m)}`);
    if (m.hits.length === 0) lines.push('  no hits');
    for (const h of m.hits) {
      lines.push(`  ${h.rank}. ${h.productId.padEnd(12)} fused ${h.score.toFixed(4)}  ${h.product.category} · sold ${h.product.salesCount}  (${legRanksText(h)})`);
    }
    if (m.shortfall) lines.push(`  note: ${m.shortfall}`);
  }
  if (problems.length > 0) {
    lines.push('', `${problems.length} row(s) could not be matched:`);
    for (const p of problems) lines.push(`  - ${formatRowProblem(p)}`);
  }
  for (const note of notes) lines.push(`note: ${note}`);
  return lines.join('\n') + '\n';
}

/** "weighted-rrf: dense 1, keyword auto, ...; keyword weight 0.10 (IDF mass 5.2); expansion: shoe×3 nike×2". */
function describeQuery(m: ProductMatch): string {
  const t = m.trace;
  const kw = `keyword weight ${t.keywordWeight.toFixed(2)}${t.informativeness === null ? '' : ` (IDF mass ${t.informativeness.toFixed(1)})`}`;
  const expansion = t.expansion.map((e) => `${e.term}×${e.votes}`).join(' ');
  return `${t.fusion}; ${kw}${expansion ? `; expansion: ${expansion}` : ''}`;
}
