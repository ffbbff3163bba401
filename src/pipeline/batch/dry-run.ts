/**
 * `run --dry-run`: what a run would do and cost, without calling any model. For each product it follows
 * the stage keys as far as stored results reach: an embedding in the cache lets the match run (a local
 * store query), a stored brief gives the prompt and so the generation keys. A stage whose result is stored
 * is reused; everything after the first missing result is a call to make. Costs come from the price table.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { BlobStorage } from '../../ports/blob-storage.js';
import { readNewProducts, type CatalogReadOptions } from '../../catalog/read-catalog.js';
import type { NewProduct } from '../../core/product.js';
import type { ReferenceImage } from '../../ports/style-analyzer.js';
import type { StyleBrief } from '../../core/style-brief.js';
import type { Embedder } from '../../ports/embedder.js';
import type { AspectRatio, SizeTier } from '../../core/output-sizes.js';
import { buildGenerationPrompt } from '../generation-prompt.js';
import type { CallPricing, CallShape } from '../../ports/call-pricing.js';
import type { PaidStage } from '../../core/usage.js';
import type { VectorStore } from '../../ports/vector-store.js';
import type { RowProblem } from '../../core/errors.js';
import { EmbeddingCache } from '../embedding-cache.js';
import { matchProduct, openStoreForQueries, type MatchSettings } from '../match.js';
import { StageCache } from '../stage-cache.js';
import type { Workspace } from '../workspace.js';
import { usd } from './budget.js';
import { analyzeKey, generateKey } from './product-flow.js';

export interface DryRunOptions {
  newCsv: string;
  imagesDir: string;
  /** How new_products.csv is read (symbolic links leading outside the images folder). */
  catalog?: CatalogReadOptions;
  workspace: Workspace;
  /** Where stage results and embeddings are stored. */
  storage: BlobStorage;
  store: VectorStore;
  embedder: Embedder;
  analyzerId: string;
  generatorId: string;
  /** The model of each paid stage (a stage not listed runs offline, for free). */
  stageModels: Partial<Record<PaidStage, string>>;
  pricing: CallPricing;
  match: MatchSettings;
  aspectRatio: AspectRatio;
  sizeTier: SizeTier;
  variants: number;
  generationReferences: number;
  budgetUsd?: number;
}

export interface StagePlan {
  /** Calls to make. */
  calls: number;
  /** Results already stored, reused for free. */
  reused: number;
  /** The OpenRouter model, or "local". */
  model: string;
  /** Typical cost of the calls to make (USD); undefined when a price is unknown. */
  estimatedUsd?: number;
  /** The most they can cost. */
  worstUsd?: number;
}

export interface RunPlan {
  products: number;
  inputProblems: RowProblem[];
  stages: Record<PaidStage, StagePlan>;
  estimatedUsd?: number;
  worstUsd?: number;
  /** Models whose price the table does not have. */
  unknownPrices: string[];
  budgetUsd?: number;
  /** Products the budget covers at their worst case, when a budget was given. */
  productsWithinBudget?: number;
}

/** An analysis call: three reference images and the instruction, at most this many output tokens. */
const ANALYZE_IMAGES = 3;
const ANALYZE_MAX_OUTPUT = 1_500;
const PROMPT_CHARS = 4_000;

export async function planRun(o: DryRunOptions): Promise<RunPlan> {
  const { rows, problems } = await readNewProducts(o.newCsv, o.imagesDir, o.catalog);
  await openStoreForQueries(o.store, o.embedder);
  const embeddings = new EmbeddingCache(o.storage, o.embedder.id, o.embedder.dimension);
  const stageCache = new StageCache(o.storage);
  const counts: Record<PaidStage, { calls: number; reused: number }> = { embed: { calls: 0, reused: 0 }, analyze: { calls: 0, reused: 0 }, generate: { calls: 0, reused: 0 } };
  // Matching reads only the cache; a dry run never calls the embedder.
  const noCalls: Embedder = { ...o.embedder, embedImages: () => Promise.reject(new Error('a dry run must not embed')) };

  for (const r of rows) {
    const bytes = await readFile(r.imageAbsPath);
    const contentHash = createHash('sha256').update(bytes).digest('hex');
    const known = await planProduct(r.value, contentHash);
    if (known < 1) counts.embed.calls += 1;
    else counts.embed.reused += 1;
    if (known < 2) counts.analyze.calls += 1;
    else counts.analyze.reused += 1;
  }

  /** How far stored results reach: 0 nothing, 1 the embedding, 2 the brief (generations counted here). */
  async function planProduct(product: NewProduct, contentHash: string): Promise<number> {
    const generations = o.variants;
    if (!(await embeddings.get(contentHash))) {
      counts.generate.calls += generations;
      return 0;
    }
    const match = await matchProduct({ store: o.store, embedder: noCalls, cache: embeddings, settings: o.match }, product, {
      absPath: '', bytes: Buffer.alloc(0), contentHash, width: 0, height: 0, format: 'jpeg',
    });
    const references: ReferenceImage[] = match.hits.map((h) => ({ product: h.product, bytes: Buffer.alloc(0) }));
    const brief = references.length ? await stageCache.getJson<StyleBrief>('analyze', analyzeKey(o.analyzerId, product, references)) : undefined;
    if (!brief) {
      counts.generate.calls += generations;
      return 1;
    }
    const genRefs = references.slice(0, Math.max(1, o.generationReferences));
    const prompt = buildGenerationPrompt({ product, brief, referenceCount: genRefs.length });
    for (let variant = 1; variant <= generations; variant++) {
      const stored = await stageCache.getImages('generate', generateKey(o.generatorId, { contentHash }, genRefs, prompt, o.aspectRatio, o.sizeTier, variant));
      if (stored) counts.generate.reused += 1;
      else counts.generate.calls += 1;
    }
    return 2;
  }

  const unknownPrices = new Set<string>();
  const price = (stage: PaidStage, calls: number): StagePlan => {
    const model = o.stageModels[stage];
    const plan: StagePlan = { ...counts[stage], model: model ?? 'local' };
    if (!model) return { ...plan, estimatedUsd: 0, worstUsd: 0 };
    const each = perCall(stage, model, o);
    if (each.estimated === undefined || each.worst === undefined) {
      if (calls > 0) unknownPrices.add(model);
      return plan;
    }
    return { ...plan, estimatedUsd: round6(each.estimated * calls), worstUsd: round6(each.worst * calls) };
  };
  const stages = { embed: price('embed', counts.embed.calls), analyze: price('analyze', counts.analyze.calls), generate: price('generate', counts.generate.calls) };
  const all = Object.values(stages);
  const plan: RunPlan = { products: rows.length, inputProblems: problems, stages, unknownPrices: [...unknownPrices] };
  if (all.every((s) => s.estimatedUsd !== undefined)) {
    plan.estimatedUsd = round6(all.reduce((n, s) => n + s.estimatedUsd!, 0));
    plan.worstUsd = round6(all.reduce((n, s) => n + s.worstUsd!, 0));
  }
  if (o.budgetUsd !== undefined) {
    plan.budgetUsd = o.budgetUsd;
    // A product that needs everything: one embedding, one analysis, one generation per variant.
    const worst = (['embed', 'analyze', 'generate'] as const).map((st) => (o.stageModels[st] ? perCall(st, o.stageModels[st]!, o).worst : 0));
    if (worst.every((w) => w !== undefined)) {
      const perProduct = worst[0]! + worst[1]! + o.variants * worst[2]!;
      const needingWork = counts.analyze.calls + counts.generate.calls > 0 ? rows.length : 0;
      plan.productsWithinBudget = perProduct > 0 ? Math.min(needingWork, Math.floor(o.budgetUsd / perProduct)) : needingWork;
    }
  }
  return plan;
}

/** Typical and worst-case price of one call of a stage. */
function perCall(stage: PaidStage, model: string, o: DryRunOptions): { estimated?: number; worst?: number } {
  const shape: CallShape =
    stage === 'embed' ? { images: 1, textChars: 0 }
    : stage === 'analyze' ? { images: ANALYZE_IMAGES, textChars: PROMPT_CHARS, maxOutputTokens: ANALYZE_MAX_OUTPUT }
    : { images: 1 + Math.max(1, o.generationReferences), textChars: PROMPT_CHARS, imageSize: o.sizeTier };
  return { estimated: o.pricing.typical(stage, model, shape), worst: o.pricing.worstCase(stage, model, shape) };
}

export function describePlan(plan: RunPlan, o: { aspectRatio: AspectRatio; sizeTier: SizeTier }): string {
  const money = (n: number | undefined) => (n === undefined ? 'unknown' : usd(n));
  const line = (label: string, s: StagePlan, what: string) =>
    `  ${label.padEnd(9)} ${String(s.calls).padStart(5)} call(s) ${s.model === 'local' ? '(local, free)' : `to ${s.model}`}${what}` +
    `${s.reused ? `; ${s.reused} reused from earlier runs` : ''}${s.model !== 'local' ? `; about ${money(s.estimatedUsd)}` : ''}`;
  const lines = [
    'Dry run: nothing was called and nothing was written.',
    `Plan for ${plan.products} product(s)${plan.inputProblems.length ? ` (${plan.inputProblems.length} unreadable row(s) skipped)` : ''}:`,
    line('match', plan.stages.embed, ' (embed the product photo, then search the store)'),
    line('analyze', plan.stages.analyze, ' (style brief from the top hits)'),
    line('generate', plan.stages.generate, ` (${o.aspectRatio} at ${o.sizeTier})`),
    plan.estimatedUsd !== undefined
      ? `Estimated cost: ${usd(plan.estimatedUsd)} (at most ${usd(plan.worstUsd!)} if every call cost its worst case); prices from hitline's 2026 price table.`
      : `Estimated cost: unknown; no price for ${plan.unknownPrices.join(', ')}.`,
  ];
  if (plan.budgetUsd !== undefined) {
    lines.push(
      plan.worstUsd !== undefined && plan.worstUsd <= plan.budgetUsd
        ? `Budget ${usd(plan.budgetUsd)}: enough for the whole plan.`
        : `Budget ${usd(plan.budgetUsd)}: ${plan.productsWithinBudget !== undefined ? `covers about ${plan.productsWithinBudget} product(s) at worst-case prices; ` : ''}the run would stop there and say how to resume.`,
    );
  }
  return lines.join('\n') + '\n';
}

function round6(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
