/**
 * run: for every new product, match → analyze → generate, then write the run folder:
 * <workspace>/runs/<runId>/<product>/promo-<n>.png, summary.json, report.html and contact-sheet.png.
 * A product that fails is recorded with its reason; the others go on.
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { NewProduct } from '../catalog/types.js';
import { readNewProducts } from '../catalog/read-catalog.js';
import { loadImage } from '../catalog/load-image.js';
import type { Embedder } from '../embed/embedder.js';
import type { ReferenceImage, StyleAnalyzer } from '../analyze/style-analyzer.js';
import type { StyleBrief } from '../analyze/style-brief.js';
import type { ImageGenerator } from '../generate/image-generator.js';
import type { AspectRatio, SizeTier } from '../generate/output-sizes.js';
import { buildGenerationPrompt } from '../generate/prompt.js';
import type { VectorStore } from '../store/vector-store.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { quietProgress, type ProgressSink } from '../util/progress.js';
import { EmbeddingCache } from './embedding-cache.js';
import { matchProduct, openStoreForQueries, type MatchContext, type MatchSettings, type ProductMatch } from './match.js';
import type { CostLine, ProductSummary, RunSummary, SummaryHit } from './run-summary.js';
import { summarizeCosts, type CostLedger, type CostTotals } from './cost-ledger.js';
import { StageCache, stageKey } from './stage-cache.js';
import { newRunId, safeFileStem, type Workspace } from './workspace.js';
import { writeRunReport } from '../render/report-html.js';
import { writeContactSheet } from '../render/contact-sheet.js';

export interface RunOptions {
  newCsv: string;
  imagesDir: string;
  workspace: Workspace;
  store: VectorStore;
  embedder: Embedder;
  analyzer: StyleAnalyzer;
  generator: ImageGenerator;
  match: MatchSettings;
  aspectRatio: AspectRatio;
  sizeTier: SizeTier;
  /** Images per product. */
  variants?: number;
  /** How many of the top hits are passed to the generator as references. */
  generationReferences?: number;
  /** Products processed at once. */
  concurrency?: number;
  progress?: ProgressSink;
  runId?: string;
  maxPixels?: number;
  /** Where paid calls were recorded; the summary reads this run's costs back from it. */
  ledger?: CostLedger;
}

export interface RunResult {
  runDir: string;
  summary: RunSummary;
}

export async function runPipeline(options: RunOptions): Promise<RunResult> {
  const startedAt = new Date();
  const progress = options.progress ?? quietProgress;
  const runId = options.runId ?? newRunId(startedAt);
  const runDir = path.join(options.workspace.runsDir, runId);
  await mkdir(runDir, { recursive: true });

  const { rows, problems } = await readNewProducts(options.newCsv, options.imagesDir);
  await openStoreForQueries(options.store, options.embedder);
  const ctx: MatchContext = {
    store: options.store,
    embedder: options.embedder,
    cache: new EmbeddingCache(options.workspace.cacheDir, options.embedder.id, options.embedder.dimension),
    settings: options.match,
  };
  const stageCache = new StageCache(options.workspace.cacheDir);

  progress.start('run', rows.length);
  let done = 0;
  let failed = 0;
  const products = await mapConcurrent(rows, options.concurrency ?? 2, async (r) => {
    const summary = await runOneProduct(r.value, r.imageAbsPath, { ...options, runDir, ctx, stageCache });
    done += 1;
    if (summary.status === 'failed') failed += 1;
    progress.update({ stage: 'run', done, total: rows.length, failed });
    return summary;
  });

  const finishedAt = new Date();
  const costs = await runCosts(options.ledger, runId);
  for (const p of products) p.cost = costLine(costs.byProduct[p.newId], p.outputs.length);
  const imageCount = products.reduce((n, p) => n + p.outputs.length, 0);
  const summary: RunSummary = {
    runId,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    settings: {
      aspectRatio: options.aspectRatio, sizeTier: options.sizeTier, variants: options.variants ?? 1,
      top: options.match.top, perLeg: options.match.perLeg, rrfK: options.match.rrfK, minSales: options.match.minSales,
    },
    adapters: { embedder: options.embedder.id, store: options.store.kind, analyzer: options.analyzer.id, generator: options.generator.id },
    products,
    inputProblems: problems,
    totals: {
      products: products.length,
      done: products.filter((p) => p.status === 'done').length,
      failed: products.filter((p) => p.status === 'failed').length,
      images: imageCount,
      seconds: (finishedAt.getTime() - startedAt.getTime()) / 1000,
      cost: costLine(costs.total, imageCount),
    },
  };
  await writeFileAtomic(path.join(runDir, 'summary.json'), JSON.stringify(summary, null, 2));
  await writeRunReport(runDir, summary);
  await writeContactSheet(runDir, summary);
  progress.finish('run', `${summary.totals.done} done, ${summary.totals.failed} failed, ${summary.totals.images} image(s)`);
  return { runDir, summary };
}

interface ProductContext extends RunOptions {
  runDir: string;
  ctx: MatchContext;
  stageCache: StageCache;
}

async function runOneProduct(product: NewProduct, imageAbsPath: string, o: ProductContext): Promise<ProductSummary> {
  const summary: ProductSummary = {
    newId: product.newId, status: 'failed', product, imagePath: imageAbsPath, hits: [], outputs: [], timings: {}, warnings: [],
    cost: costLine(undefined, 0),
  };
  const timed = async <T>(stage: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      summary.timings[stage] = round((performance.now() - t0) / 1000);
    }
  };
  let stage = 'read image';
  try {
    const image = await loadImage(imageAbsPath, { maxPixels: o.maxPixels });
    stage = 'match';
    const match = await timed('match', () => matchProduct(o.ctx, product, image));
    Object.assign(summary, { keywords: match.keywords, filter: match.filter, shortfall: match.shortfall, hits: summaryHits(match) });
    if (match.shortfall) summary.warnings.push(match.shortfall);
    if (match.hits.length === 0) throw new Error(`no hit product to learn a style from: ${match.shortfall}`);

    const references = await loadReferences(match, summary.warnings);
    stage = 'analyze';
    const refKey = references.map((r) => ({ id: r.product.id, hash: r.product.imageHash }));
    const brief = await timed('analyze', async () => {
      const key = stageKey('analyze', { analyzer: o.analyzer.id, product: productFields(product), refs: refKey });
      const cached = await o.stageCache.getJson<StyleBrief>('analyze', key);
      if (cached) return cached;
      const fresh = await o.analyzer.analyze({ product, references });
      await o.stageCache.putJson('analyze', key, fresh);
      return fresh;
    });
    summary.brief = brief;

    stage = 'generate';
    const genRefs = references.slice(0, Math.max(1, o.generationReferences ?? 1));
    const prompt = buildGenerationPrompt({ product, brief, referenceCount: genRefs.length });
    summary.prompt = prompt;
    const productDir = path.join(o.runDir, safeFileStem(product.newId));
    await timed('generate', async () => {
      for (let variant = 1; variant <= (o.variants ?? 1); variant += 1) {
        const key = stageKey('generate', {
          generator: o.generator.id, productImage: image.contentHash, refs: genRefs.map((r) => ({ id: r.product.id, hash: r.product.imageHash })),
          prompt, aspect: o.aspectRatio, size: o.sizeTier, variant,
        });
        let images = await o.stageCache.getImages('generate', key);
        const cached = images !== undefined;
        if (!images) {
          const result = await o.generator.generate({
            product, productImage: image.bytes, references: genRefs, brief, prompt, aspectRatio: o.aspectRatio, sizeTier: o.sizeTier, variant,
          });
          images = result.images.map((img) => ({ bytes: img.bytes, meta: { mime: img.mime, width: img.width, height: img.height, warnings: img.warnings } }));
          await o.stageCache.putImages('generate', key, images);
        }
        for (const [k, img] of images.entries()) {
          const ext = img.meta.mime === 'image/jpeg' ? 'jpg' : img.meta.mime === 'image/webp' ? 'webp' : 'png';
          const name = images.length > 1 ? `promo-${variant}-${k + 1}.${ext}` : `promo-${variant}.${ext}`;
          await writeFileAtomic(path.join(productDir, name), img.bytes);
          summary.outputs.push({
            file: path.relative(o.runDir, path.join(productDir, name)), variant,
            width: img.meta.width as number, height: img.meta.height as number, cached, warnings: (img.meta.warnings as string[]) ?? [],
          });
        }
      }
    });
    summary.status = 'done';
  } catch (err) {
    summary.error = `${stage}: ${err instanceof Error ? err.message : String(err)}`;
  }
  return summary;
}

async function loadReferences(match: ProductMatch, warnings: string[]): Promise<ReferenceImage[]> {
  const refs: ReferenceImage[] = [];
  for (const hit of match.hits) {
    try {
      refs.push({ product: hit.product, bytes: await readFile(hit.product.imagePath) });
    } catch {
      warnings.push(`hit ${hit.productId}: its image ${hit.product.imagePath} can no longer be read; re-run ingest`);
    }
  }
  if (refs.length === 0) throw new Error('none of the matched hits has a readable image');
  return refs;
}

function summaryHits(match: ProductMatch): SummaryHit[] {
  return match.hits.map((h) => ({
    rank: h.rank, productId: h.productId, score: h.score, denseRank: h.denseRank, keywordRank: h.keywordRank,
    category: h.product.category, salesCount: h.product.salesCount, description: h.product.description, imagePath: h.product.imagePath,
  }));
}

function productFields(p: NewProduct): unknown {
  return { category: p.category, style: p.style, season: p.season, promptHint: p.promptHint, attributes: p.attributes };
}

async function runCosts(ledger: CostLedger | undefined, runId: string) {
  if (!ledger) return summarizeCosts([]);
  await ledger.flush();
  const { entries } = await ledger.read();
  return summarizeCosts(entries.filter((e) => e.runId === runId));
}

function costLine(totals: CostTotals | undefined, images: number): CostLine {
  const usd = totals?.cost ?? 0;
  return { usd, calls: totals?.calls ?? 0, callsWithoutCost: totals?.callsWithoutCost ?? 0, perImage: images > 0 ? usd / images : null };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Runs `fn` over items with at most `limit` in flight, keeping the input order in the result. */
export async function mapConcurrent<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
