/**
 * One new product through match → analyze → generate, as the batch engine runs it:
 * - every paid call runs as a PaidCall (so the client hooks apply the limits and the budget to it) with a
 *   signal that a hard cancel aborts;
 * - analysis and generation results are read from the stage cache when their key (everything that
 *   determines them) is there, and stored atomically as soon as they arrive; two products with the same
 *   key share one call (single flight);
 * - a failure another attempt can fix is retried a few times; one that cannot is the product's failure;
 *   a stop (budget, Ctrl-C, no credits) leaves the product pending, to be picked up by a resume.
 */
import path from 'node:path';
import type { LoadedImage, NewProduct } from '../../core/product.js';
import { loadImage } from '../../catalog/load-image.js';
import type { ReferenceImage, StyleAnalyzer } from '../../ports/style-analyzer.js';
import type { StyleBrief } from '../../core/style-brief.js';
import type { ImageGenerator } from '../../ports/image-generator.js';
import type { AspectRatio, SizeTier } from '../../core/output-sizes.js';
import { buildGenerationPrompt } from '../generation-prompt.js';
import type { PaidStage } from '../../core/usage.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { matchProduct, queryJson, type MatchContext, type ProductMatch } from '../match.js';
import type { ProductSummary, SummaryHit, SummaryOutput } from '../../core/run-summary.js';
import { stageKey, type CachedImage, type StageCache } from '../stage-cache.js';
import { readCatalogImage } from '../catalog-images.js';
import type { BlobStorage } from '../../ports/blob-storage.js';
import { safeFileStem } from '../workspace.js';
import type { BatchEventSink, BatchStage } from './batch-events.js';
import { failureAction } from './failure-policy.js';
import { withPaidCall } from './paid-call.js';
import { RunStoppedError, type RunControl } from './run-control.js';
import type { Flights } from './single-flight.js';

export interface ProductFlowSettings {
  runDir: string;
  match: MatchContext;
  stageCache: StageCache;
  /** Where catalog photos are found when their path cannot be read here (pipeline/catalog-images.ts). */
  catalogImages: BlobStorage;
  analyzer: StyleAnalyzer;
  generator: ImageGenerator;
  aspectRatio: AspectRatio;
  sizeTier: SizeTier;
  variants: number;
  /** How many of the top hits are passed to the generator as references. */
  generationReferences: number;
  maxPixels?: number;
}

export interface ProductFlowEngine {
  control: RunControl;
  flights: Flights;
  events: BatchEventSink;
  /** Extra attempts of a stage call after a failure another attempt can fix. */
  stageRetries: number;
  /** An upper bound on one attempt of a stage call (reserved against the budget before the request is built). */
  worstCase?(stage: PaidStage, request: { images: number; textChars: number; imageSize?: SizeTier }): number | undefined;
  /** The OpenRouter model of each cloud stage; a stage not listed runs an offline adapter. */
  stageModels?: Partial<Record<PaidStage, string>>;
  /** Runs an offline adapter's call within the machine's share of CPU-bound work. */
  runLocal?<T>(fn: () => Promise<T>): Promise<T>;
}

export interface ProductOutcome {
  summary: ProductSummary;
  /** The stage it was in when it failed or stopped. */
  stage: string;
  /** sha256 of the product photo, when it could be read. */
  imageHash?: string;
}

export async function runProduct(product: NewProduct, imageAbsPath: string, s: ProductFlowSettings, engine: ProductFlowEngine): Promise<ProductOutcome> {
  const started = performance.now();
  const summary: ProductSummary = {
    newId: product.newId, status: 'failed', product, imagePath: imageAbsPath, hits: [], outputs: [], timings: {}, warnings: [],
    cost: { usd: 0, calls: 0, callsWithoutCost: 0, perImage: null },
  };
  const id = product.newId;
  let stage: string = 'read image';
  let image: LoadedImage | undefined;

  /** Runs a stage: refuses when the run is stopping, times it, reports it. */
  const runStage = async <T>(name: BatchStage, fn: () => Promise<{ value: T; cached: boolean }>): Promise<T> => {
    engine.control.throwIfStopped();
    stage = name;
    engine.events({ type: 'stage-start', stage: name, productId: id });
    const t0 = performance.now();
    try {
      const { value, cached } = await fn();
      const seconds = round((performance.now() - t0) / 1000);
      engine.events({ type: 'stage-done', stage: name, productId: id, seconds, cached });
      return value;
    } finally {
      summary.timings[name] = round((performance.now() - t0) / 1000);
    }
  };

  /** One paid call, attempted again while the failure is one another attempt can fix. */
  const paid = async <T>(name: BatchStage, paidStage: PaidStage, request: { images: number; textChars: number }, fn: (signal: AbortSignal) => Promise<T>): Promise<T> => {
    const worstUsd = engine.worstCase?.(paidStage, { ...request, imageSize: s.sizeTier });
    const local = engine.runLocal && !engine.stageModels?.[paidStage] ? engine.runLocal.bind(engine) : undefined;
    const once = () => withPaidCall({ stage: paidStage, productId: id, worstUsd }, engine.control.cancelSignal, fn);
    for (let attempt = 1; ; attempt++) {
      try {
        return await (local ? local(once) : once());
      } catch (err) {
        if (failureAction(err).action !== 'retry' || attempt > engine.stageRetries) throw err;
        engine.control.throwIfStopped();
        engine.events({ type: 'stage-retry', stage: name, productId: id, attempt, error: messageOf(err) });
      }
    }
  };

  try {
    image = await loadImage(imageAbsPath, { maxPixels: s.maxPixels });
    const loaded = image;
    const match = await runStage('match', async () => ({
      value: await paid('match', 'embed', { images: 1, textChars: EMBED_TEXT_CHARS }, () => matchProduct(s.match, product, loaded)),
      cached: false,
    }));
    Object.assign(summary, { keywords: match.keywords, filter: match.filter, query: queryJson(match), shortfall: match.shortfall, hits: summaryHits(match) });
    if (match.shortfall) summary.warnings.push(match.shortfall);
    if (match.hits.length === 0) throw new Error(`no hit product to learn a style from: ${match.shortfall}`);
    const references = await loadReferences(match, summary.warnings, s.catalogImages);

    // What the analyzer normalised in its answer is kept next to the brief, so a re-run that reads the brief
    // back (or a product sharing its call) reports it too.
    const briefKey = analyzeKey(s.analyzer.id, product, references);
    const brief = await runStage('analyze', () =>
      cachedJson<StyleBrief>(s.stageCache, engine.flights, 'analyze', briefKey, async () => {
        let warnings: string[] = [];
        const made = await paid('analyze', 'analyze', { images: references.length, textChars: analyzeTextBound(product) }, (signal) => {
          warnings = [];
          return s.analyzer.analyze({ product, references, signal, onWarning: (message) => warnings.push(message) });
        });
        if (warnings.length) await s.stageCache.putJson(ANALYZE_WARNINGS, briefKey, warnings);
        return made;
      }),
    );
    summary.brief = brief;
    summary.warnings.push(...((await s.stageCache.getJson<string[]>(ANALYZE_WARNINGS, briefKey)) ?? []));

    const genRefs = references.slice(0, Math.max(1, s.generationReferences));
    const prompt = buildGenerationPrompt({ product, brief, referenceCount: genRefs.length });
    summary.prompt = prompt;
    const productDir = path.join(s.runDir, safeFileStem(id));
    const variants = Array.from({ length: s.variants }, (_, i) => i + 1);
    const perVariant = await runStage('generate', async () => {
      const results = await Promise.all(
        variants.map((variant) =>
          cachedImages(s.stageCache, engine.flights, generateKey(s.generator.id, loaded, genRefs, prompt, s.aspectRatio, s.sizeTier, variant), () =>
            paid('generate', 'generate', { images: 1 + genRefs.length, textChars: 2 * prompt.length + REQUEST_FRAME_CHARS }, async (signal) => {
              const result = await s.generator.generate({
                product, productImage: loaded.bytes, references: genRefs, brief, prompt, aspectRatio: s.aspectRatio, sizeTier: s.sizeTier, variant, signal,
              });
              return result.images.map((img) => ({ bytes: img.bytes, meta: { mime: img.mime, width: img.width, height: img.height, warnings: img.warnings } }));
            }),
          ),
        ),
      );
      return { value: results, cached: results.every((r) => r.cached) };
    });
    for (const [i, { value: images, cached }] of perVariant.entries()) {
      summary.outputs.push(...(await writeOutputs(s.runDir, productDir, variants[i], images, cached)));
    }
    summary.status = 'done';
  } catch (err) {
    const action = failureAction(err);
    if (action.action === 'stop') engine.control.stop(action.reason, messageOf(err));
    if (action.action === 'leave' || action.action === 'stop') {
      summary.status = 'pending';
      summary.error = `not finished: ${err instanceof RunStoppedError || action.action === 'stop' ? messageOf(err) : `${stage}: ${messageOf(err)}`}`;
    } else {
      summary.error = `${stage}: ${messageOf(err)}`;
    }
  }
  summary.timings.total = round((performance.now() - started) / 1000);
  return { summary, stage, imageHash: image?.contentHash };
}

/** The stage-cache entry holding what the analyzer normalised in the answer a brief came from. */
const ANALYZE_WARNINGS = 'analyze-warnings';

/** JSON around the images and the text of a request (keys, model id, options). */
const REQUEST_FRAME_CHARS = 2_000;
const EMBED_TEXT_CHARS = 400;

/**
 * Text of an analysis request, bounded from above: the analyzer's instruction and the style brief schema
 * (well under 12,000 characters), plus the product's own fields, counted twice for JSON escaping.
 */
function analyzeTextBound(p: NewProduct): number {
  const fields = [p.category, p.style, p.season, p.promptHint, ...Object.values(p.attributes)].reduce((n, f) => n + f.length, 0);
  return 12_000 + 2 * fields + REQUEST_FRAME_CHARS;
}

/** The analysis key: the analyzer, the product's fields, and the references by id and content hash. */
export function analyzeKey(analyzerId: string, product: NewProduct, references: readonly ReferenceImage[]): string {
  return stageKey('analyze', { analyzer: analyzerId, product: productFields(product), refs: refKey(references) });
}

/** The generation key: the generator, the product photo's hash, references, prompt, aspect ratio, size tier and variant. */
export function generateKey(
  generatorId: string, image: Pick<LoadedImage, 'contentHash'>, references: readonly ReferenceImage[], prompt: string,
  aspect: AspectRatio, size: SizeTier, variant: number,
): string {
  return stageKey('generate', { generator: generatorId, productImage: image.contentHash, refs: refKey(references), prompt, aspect, size, variant });
}

function refKey(references: readonly ReferenceImage[]) {
  return references.map((r) => ({ id: r.product.id, hash: r.product.imageHash }));
}

function productFields(p: NewProduct): unknown {
  return { category: p.category, style: p.style, season: p.season, promptHint: p.promptHint, attributes: p.attributes };
}

async function cachedJson<T>(cache: StageCache, flights: Flights, stage: string, key: string, compute: () => Promise<T>): Promise<{ value: T; cached: boolean }> {
  const hit = await cache.getJson<T>(stage, key);
  if (hit !== undefined) return { value: hit, cached: true };
  return flights.run(`${stage}/${key}`, async () => {
    const again = await cache.getJson<T>(stage, key); // another product may have just stored it
    if (again !== undefined) return { value: again, cached: true };
    const value = await compute();
    await cache.putJson(stage, key, value);
    return { value, cached: false };
  });
}

async function cachedImages(cache: StageCache, flights: Flights, key: string, compute: () => Promise<CachedImage[]>): Promise<{ value: CachedImage[]; cached: boolean }> {
  const hit = await cache.getImages('generate', key);
  if (hit) return { value: hit, cached: true };
  return flights.run(`generate/${key}`, async () => {
    const again = await cache.getImages('generate', key);
    if (again) return { value: again, cached: true };
    const value = await compute();
    await cache.putImages('generate', key, value);
    return { value, cached: false };
  });
}

async function writeOutputs(runDir: string, productDir: string, variant: number, images: CachedImage[], cached: boolean): Promise<SummaryOutput[]> {
  const outputs: SummaryOutput[] = [];
  for (const [k, img] of images.entries()) {
    const ext = img.meta.mime === 'image/jpeg' ? 'jpg' : img.meta.mime === 'image/webp' ? 'webp' : 'png';
    const name = images.length > 1 ? `promo-${variant}-${k + 1}.${ext}` : `promo-${variant}.${ext}`;
    await writeFileAtomic(path.join(productDir, name), img.bytes);
    outputs.push({
      file: path.relative(runDir, path.join(productDir, name)), variant,
      width: img.meta.width as number, height: img.meta.height as number, cached, warnings: (img.meta.warnings as string[]) ?? [],
    });
  }
  return outputs;
}

async function loadReferences(match: ProductMatch, warnings: string[], storage: BlobStorage): Promise<ReferenceImage[]> {
  const refs: ReferenceImage[] = [];
  for (const hit of match.hits) {
    try {
      refs.push({ product: hit.product, bytes: await readCatalogImage(hit.product, storage) });
    } catch {
      warnings.push(`hit ${hit.productId}: its image ${hit.product.imagePath} can no longer be read; re-run ingest`);
    }
  }
  if (refs.length === 0) throw new Error('none of the matched hits has a readable image');
  return refs;
}

function summaryHits(match: ProductMatch): SummaryHit[] {
  return match.hits.map((h) => ({
    rank: h.rank, productId: h.productId, score: h.score, denseRank: h.denseRank, keywordRank: h.keywordRank, ranks: h.ranks,
    category: h.product.category, salesCount: h.product.salesCount, description: h.product.description, imagePath: h.product.imagePath,
  }));
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
