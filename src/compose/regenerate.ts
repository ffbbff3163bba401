/**
 * A new image for one output of a finished product (the review action "regenerate"): the next free variant
 * of its preset, or of its promo image, made by the run's generator or by the escalation model. It runs as
 * one paid call of the batch engine (lanes, budget and cost ledger as in a run), from what the product's
 * record already holds (its hits, brief and prompt): nothing before generation is paid again.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UserInputError } from '../core/errors.js';
import type { ProductSummary, SummaryOutput } from '../core/run-summary.js';
import { createBatchEngine, configureStages, requirePrices } from '../pipeline/batch/engine.js';
import { withPaidCall } from '../pipeline/batch/paid-call.js';
import type { RunRequest } from '../pipeline/batch/run-request.js';
import { generateKey } from '../pipeline/batch/product-flow.js';
import { presetDeliveryStep, type ProductSummaryWithPresets } from '../pipeline/preset-delivery.js';
import { StageCache } from '../pipeline/stage-cache.js';
import type { BlobStorage } from '../ports/blob-storage.js';
import { catalogReferences } from '../pipeline/catalog-images.js';
import { safeFileStem } from '../pipeline/workspace.js';
import { loadPresets, selectPresets } from '../presets/index.js';
import type { ReferenceImage } from '../ports/style-analyzer.js';
import type { ImageGenerator } from '../ports/image-generator.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { createCallPricing, createEmbedder, createGenerator, deliveryChecks, openStore } from './adapters.js';
import { adapterSettings, presetsFileFor, type HitlineContext } from './context.js';

export type RegenerateTarget = { kind: 'preset'; preset: string } | { kind: 'promo' };

export interface RegenerateOptions {
  runId: string;
  runDir: string;
  /** The run's batch request (size, ratio, references, model, presets file). */
  request: RunRequest;
  product: ProductSummaryWithPresets;
  target: RegenerateTarget;
  /** Use config `escalationModel` instead of the run's generator. */
  escalate: boolean;
  budgetUsd?: number;
}

export interface RegenerateResult {
  /** The product's record with the new output added. */
  product: ProductSummaryWithPresets;
  /** The new output (its file is relative to the run folder). */
  output: SummaryOutput;
}

export async function regenerateOutput(ctx: HitlineContext, o: RegenerateOptions): Promise<RegenerateResult> {
  const p = o.product;
  if (p.status !== 'done' || !p.brief) throw new UserInputError(`product ${p.newId} has no finished images to regenerate`, { hint: 'Resume the run to finish it first.' });
  const pricing = createCallPricing();
  const engine = createBatchEngine({ budgetUsd: o.budgetUsd, pricing });
  const settings = adapterSettings(ctx, o.runId, { generatorReferences: o.request.references, generatorModel: o.request.model, client: engine.clientHooks });
  const generator = o.escalate ? escalationGenerator(settings) : createGenerator(settings);
  configureStages(engine, generator.paid ? { generate: generator.model } : {});
  if (o.budgetUsd !== undefined && generator.paid) {
    await pricing.refresh(settings);
    requirePrices(engine, o.request.size);
  }
  const embedder = createEmbedder(settings);
  const store = await openStore(ctx.ws, settings);
  try {
    await store.open({ embedderId: embedder.id, dimension: embedder.dimension });
    const references = await referencesOf(p, store, o.request.references, ctx.storage);
    const paid = <T>(fn: () => Promise<T>) =>
      withPaidCall({ stage: 'generate', productId: p.newId, worstUsd: engine.worstCase('generate', { images: 1 + references.length, textChars: 20_000, imageSize: o.request.size }) }, engine.control.cancelSignal, fn);
    if (o.target.kind === 'promo') {
      const output = await newPromoImage(ctx, o, generator, references, paid);
      return { product: { ...p, outputs: [...p.outputs, output] }, output };
    }
    const preset = o.target.preset;
    const presets = selectPresets(await loadPresets({ configFile: presetsFileFor(ctx.ws, o.request.presetsFile) }), [preset]);
    const firstVariant = 1 + Math.max(0, ...(p.presets ?? []).filter((r) => r.preset === preset).map((r) => r.variant));
    const scratch: ProductSummaryWithPresets = { ...p, outputs: [], warnings: [], presets: [] };
    const step = presetDeliveryStep({
      presets, generator, embedder, store, catalogImages: ctx.storage, variants: 1, firstVariant, staged: Boolean(o.request.staged), references: o.request.references,
      visionCheckerFor: deliveryChecks(settings).visionCheckerFor,
    });
    await paid(() => step(scratch, { runDir: o.runDir }));
    const output = scratch.outputs[0];
    if (!output) throw new UserInputError(`no new image of ${preset} could be made for ${p.newId}: ${scratch.warnings.join('; ') || 'unknown reason'}`);
    return {
      product: { ...p, outputs: [...p.outputs, ...scratch.outputs], presets: [...(p.presets ?? []), ...(scratch.presets ?? [])], warnings: [...p.warnings, ...scratch.warnings] },
      output,
    };
  } finally {
    await store.close();
    await embedder.close?.();
    await ctx.ledger.flush();
  }
}

function escalationGenerator(settings: ReturnType<typeof adapterSettings>): ImageGenerator {
  const g = deliveryChecks(settings).escalationGenerator;
  if (!g) {
    throw new UserInputError('there is no escalation model to regenerate with', {
      hint: 'Set "escalationModel" (e.g. google/gemini-3-pro-image-preview) in the tenant\'s config.json; it applies when generation runs on OpenRouter.',
    });
  }
  return g;
}

/** The product's matched hits as references, read from the store (their images may have moved since). */
async function referencesOf(p: ProductSummary, store: Awaited<ReturnType<typeof openStore>>, count: number, storage: BlobStorage): Promise<ReferenceImage[]> {
  const ids = p.hits.slice(0, Math.max(1, count)).map((h) => h.productId);
  const refs = await catalogReferences(store, ids, storage);
  if (refs.length === 0) throw new UserInputError(`none of ${p.newId}'s matched hits is still in the catalog`, { hint: 'Run the product again in a new run.' });
  return refs;
}

/** The next promo variant, through the stage cache (a repeated request, or one after a crash, is not paid twice). */
async function newPromoImage(
  ctx: HitlineContext, o: RegenerateOptions, generator: ImageGenerator, references: ReferenceImage[], paid: <T>(fn: () => Promise<T>) => Promise<T>,
): Promise<SummaryOutput> {
  const p = o.product;
  const variant = 1 + Math.max(0, ...p.outputs.filter((x) => /(^|\/)promo-\d+/.test(x.file)).map((x) => x.variant));
  const productImage = await readFile(p.imagePath);
  const contentHash = createHash('sha256').update(productImage).digest('hex');
  const prompt = p.prompt ?? '';
  const cache = new StageCache(ctx.storage);
  const key = generateKey(generator.id, { contentHash }, references, prompt, o.request.aspect, o.request.size, variant);
  let images = await cache.getImages('generate', key);
  if (!images) {
    const result = await paid(() => generator.generate({
      product: p.product, productImage, references, brief: p.brief!, prompt, aspectRatio: o.request.aspect, sizeTier: o.request.size, variant,
    }));
    images = result.images.map((img) => ({ bytes: img.bytes, meta: { mime: img.mime, width: img.width, height: img.height, warnings: img.warnings } }));
    await cache.putImages('generate', key, images);
  }
  const img = images[0];
  if (!img) throw new UserInputError(`${generator.id} returned no image for ${p.newId}`, { hint: 'Try again.' });
  const ext = img.meta.mime === 'image/jpeg' ? 'jpg' : img.meta.mime === 'image/webp' ? 'webp' : 'png';
  const file = path.join(safeFileStem(p.newId), `promo-${variant}.${ext}`);
  await writeFileAtomic(path.join(o.runDir, file), img.bytes);
  return { file, variant, width: img.meta.width as number, height: img.meta.height as number, cached: false, warnings: (img.meta.warnings as string[]) ?? [] };
}
