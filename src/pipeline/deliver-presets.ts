/**
 * deliverPresets: for one new product, every requested marketplace preset, ready to upload, each with its
 * quality checks. Written as `<preset>-<n>.<ext>` in the product's folder.
 *
 * - cutout presets (amazon-main, tiktok-main): the real photo cut out onto exact white, never generated; a
 *   refusal with reasons when the cut-out is unreliable.
 * - generated presets: the generator is asked for the nearest supported ratio and a covering size tier; the
 *   result is fitted to the exact pixels around the product, copy is drawn on where the preset allows text,
 *   provenance metadata is written, and the checks run on the encoded file. A failing image climbs the ladder:
 *   one retry with strengthened constraints, then the escalation generator (the Pro model) if one is given,
 *   then it is kept and marked failed-review, never passed silently.
 * - staged mode: scene first without the product, then the real cut-out composited into it (offline
 *   generator) or scene and product sent to the model together (cloud generator).
 */
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { ReferenceImage } from '../ports/style-analyzer.js';
import type { StyleBrief } from '../core/style-brief.js';
import type { NewProduct } from '../core/product.js';
import type { Embedder } from '../ports/embedder.js';
import type { GenerateRequest, GenerateResult, GeneratedImage, ImageGenerator } from '../ports/image-generator.js';
import { cutOutProduct, type CutOut } from '../imaging/cutout.js';
import { buildGenerationPrompt, oneLine } from './generation-prompt.js';
import { presetExtension, type Preset } from '../presets/preset.js';
import { buildXmpPacket, mayShowSyntheticPerson, type DigitalSourceTypeName } from '../presets/delivery/ai-metadata.js';
import { encodeForPreset } from '../presets/delivery/encode-for-preset.js';
import { chooseGenerationSize, fitToPreset, type GenerationSize } from '../presets/delivery/fit-to-preset.js';
import { decodeRgb, type FractionBox, type RawRgb } from '../imaging/image-stats.js';
import { MainImageRefusedError, renderMainImage } from '../presets/delivery/main-image.js';
import { checkProductFidelity, locateReferenceProduct, prepareProductReference, type FidelityThresholds, type ProductReference } from '../presets/delivery/product-fidelity.js';
import { copyFromAttributes, copyProblems, isEmptyCopy, COPY_FIELDS, type ProductCopy } from '../presets/delivery/product-copy.js';
import {
  allPassed, checkEncodedFile, checkFill, checkTextContrast, checkWhiteBackground, decodeForChecks, visionQualityCheck,
  type QualityCheck,
} from '../presets/delivery/quality-checks.js';
import type { VisionChecker } from '../ports/vision-checker.js';
import { drawTextOverlay, type DrawnText } from '../presets/delivery/text-overlay.js';
import type { ProductRecord } from '../ports/vector-store.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { HitlineError } from '../core/errors.js';

export interface DeliverPresetsRequest {
  product: NewProduct;
  /** The new product's photo, file bytes. */
  productImage: Buffer;
  /** Matched hits, best first (all are passed to the generator; slice before calling to send fewer). */
  references: readonly ReferenceImage[];
  brief: StyleBrief;
  /** Copy to draw; default: the product's extra CSV columns (title, title_zh, price, badge). */
  copy?: ProductCopy;
  presets: readonly Preset[];
  generator: ImageGenerator;
  /** The last rung of the ladder (e.g. the Pro model), only when the seller's config allows it. */
  escalationGenerator?: ImageGenerator;
  /** For the product-similarity check; without it only the colour check measures fidelity. */
  embedder?: Embedder;
  /** Optional vision-model check; none offline. */
  visionChecker?: VisionChecker;
  /** The product's folder in the run. */
  outputDir: string;
  /** Images per generated preset (default 1). Cutout presets make one: every variant would be identical. */
  variants?: number;
  /** The number of the first variant (default 1); a regeneration asks for the next free one. */
  firstVariant?: number;
  staged?: boolean;
  thresholds?: Partial<FidelityThresholds>;
  /** Force the contains-synthetic-performer tag on or off; default: when a generative model was asked for a person. */
  syntheticPerformer?: boolean;
  /** Replaces `generator.generate(request)`, e.g. to go through the run's stage cache. */
  generateWith?: (generator: ImageGenerator, request: GenerateRequest) => Promise<GenerateResult>;
  /** Called after each image is settled (for progress). */
  onImage?: (record: PresetImageRecord) => void;
  signal?: AbortSignal;
}

export type PresetImageStatus = 'passed' | 'failed-review' | 'refused' | 'error';

export interface AttemptRecord {
  /** 1-based rung of the ladder. */
  attempt: number;
  generator: string;
  strengthened: boolean;
  staged: boolean;
  aspectRatio?: string;
  sizeTier?: string;
  /** The variant number the generator was asked for (retries ask for a new one, so a deterministic generator varies too). */
  requestVariant?: number;
  /** Names of the checks that failed (empty: all passed). */
  failed: string[];
  error?: string;
  operations: string[];
  seconds: number;
}

export interface PresetImageRecord {
  preset: string;
  variant: number;
  /** File name inside outputDir; null when nothing was written (refused, error). */
  file: string | null;
  status: PresetImageStatus;
  width: number;
  height: number;
  format: Preset['format'];
  bytes: number;
  /** How the image was made. */
  source: 'cutout' | 'generated' | 'staged';
  sourceType: DigitalSourceTypeName | null;
  syntheticPerformer: boolean;
  /** The checks of the kept image. */
  checks: QualityCheck[];
  attempts: AttemptRecord[];
  text: Array<Pick<DrawnText, 'role' | 'lines' | 'fontPx' | 'contrast' | 'panel'>>;
  warnings: string[];
  /** Wall time for this image, all attempts included. */
  seconds: number;
  /** Why it was refused or failed, and what to do. */
  reason?: string;
  hint?: string;
}

export interface DeliverPresetsResult {
  outputs: PresetImageRecord[];
  /** Product-level notes (copy problems, unreliable cut-out for fidelity). */
  warnings: string[];
}

/**
 * Failures a new generation can fix (the picture itself was wrong). Size, ratio, format and metadata failures
 * are hitline's own and would repeat, so they never buy another paid attempt.
 */
export const REGENERATION_FIXES = new Set(['product-colour', 'product-similarity', 'vision', 'text-contrast', 'file-size']);

/** A product-region match below this is treated as "not found": the fit keeps the centre instead. */
const MIN_LOCATE_CONFIDENCE = 0.35;

export async function deliverPresets(request: DeliverPresetsRequest): Promise<DeliverPresetsResult> {
  await mkdir(request.outputDir, { recursive: true });
  const warnings: string[] = [];
  const copy = cleanCopy(request.copy ?? copyFromAttributes(request.product.attributes), warnings);
  const cutout = await cutOutProduct(request.productImage);
  const needsReference = request.presets.some((p) => p.source === 'generated');
  const reference = needsReference ? await prepareProductReference(request.productImage, { cutout, embedder: request.embedder }) : undefined;
  if (reference) warnings.push(...reference.warnings);
  const ctx: DeliveryContext = { request, copy, cutout, reference, memo: new Map() };

  const outputs: PresetImageRecord[] = [];
  for (const preset of request.presets) {
    const count = preset.source === 'cutout' ? 1 : Math.max(1, Math.floor(request.variants ?? 1));
    const first = Math.max(1, Math.floor(request.firstVariant ?? 1));
    for (let variant = first; variant < first + count; variant++) {
      request.signal?.throwIfAborted();
      const record = preset.source === 'cutout' ? await deliverMainImage(ctx, preset, variant) : await deliverGenerated(ctx, preset, variant);
      outputs.push(record);
      request.onImage?.(record);
    }
  }
  return { outputs, warnings };
}

interface DeliveryContext {
  request: DeliverPresetsRequest;
  copy: ProductCopy;
  cutout: CutOut;
  reference?: ProductReference;
  /** Generations shared between presets asking for the same ratio, tier, prompt and variant. */
  memo: Map<string, Promise<GenerateResult>>;
}

function cleanCopy(copy: ProductCopy, warnings: string[]): ProductCopy {
  const problems = copyProblems(copy);
  if (problems.length === 0) return copy;
  const cleaned: ProductCopy = {};
  for (const field of COPY_FIELDS) {
    const bad = problems.filter((p) => p.startsWith(`${field} `));
    if (bad.length) warnings.push(`copy not drawn: ${bad.join('; ')}`);
    else if (copy[field]) cleaned[field] = copy[field];
  }
  return cleaned;
}

// ---------------------------------------------------------------------------------------------
// Main images

async function deliverMainImage(ctx: DeliveryContext, preset: Preset, variant: number): Promise<PresetImageRecord> {
  const t0 = performance.now();
  const base = emptyRecord(preset, variant, 'cutout');
  try {
    const main = await renderMainImage(ctx.request.productImage, preset, { cutout: ctx.cutout });
    const provenance = { sourceType: 'algorithmicallyEnhanced' as const, syntheticPerformer: false };
    const encoded = await encodeForPreset(main.image, preset, { xmp: buildXmpPacket({ ...provenance, description: 'Product photo with its backdrop replaced by white' }) });
    const decoded = await decodeForChecks(encoded.bytes);
    const checks = [
      ...(await checkEncodedFile(encoded.bytes, preset, provenance)),
      checkWhiteBackground(decoded, { productMask: main.productMask }),
      checkFill(decoded, preset.minFill),
    ];
    const file = fileName(preset, variant);
    await writeFileAtomic(path.join(ctx.request.outputDir, file), encoded.bytes);
    const seconds = since(t0);
    return {
      ...base, file, status: allPassed(checks) ? 'passed' : 'failed-review', bytes: encoded.bytes.length, sourceType: provenance.sourceType, checks,
      attempts: [{ attempt: 1, generator: 'cutout', strengthened: false, staged: false, failed: failedNames(checks), operations: [`cut-out (${main.cutout.method}) on exact white at ${(main.fill * 100).toFixed(1)}% fill`], seconds }],
      warnings: [...main.warnings, ...(encoded.encodes > 1 ? [`re-encoded at quality ${encoded.quality} to stay under the file-size limit`] : [])],
      seconds,
    };
  } catch (error) {
    if (error instanceof MainImageRefusedError) {
      return { ...base, status: 'refused', reason: error.message, hint: error.hint, seconds: since(t0) };
    }
    return errorRecord(base, error, t0);
  }
}

// ---------------------------------------------------------------------------------------------
// Generated images and the ladder

interface Rung {
  generator: ImageGenerator;
  strengthened: boolean;
}

interface AttemptOutcome {
  bytes: Buffer;
  checks: QualityCheck[];
  text: PresetImageRecord['text'];
  sourceType: DigitalSourceTypeName;
  syntheticPerformer: boolean;
  warnings: string[];
  source: 'generated' | 'staged';
}

async function deliverGenerated(ctx: DeliveryContext, preset: Preset, variant: number): Promise<PresetImageRecord> {
  const t0 = performance.now();
  const { request } = ctx;
  const rungs: Rung[] = [
    { generator: request.generator, strengthened: false },
    { generator: request.generator, strengthened: true },
    ...(request.escalationGenerator ? [{ generator: request.escalationGenerator, strengthened: true }] : []),
  ];
  const attempts: AttemptRecord[] = [];
  let kept: { outcome: AttemptOutcome; attempt: number } | undefined;
  let lastError: unknown;
  for (const [i, rung] of rungs.entries()) {
    const attempt = i + 1;
    const ta = performance.now();
    // Retries ask for a different variant so a deterministic generator does not repeat the same image.
    const requestVariant = attempt === 1 ? variant : variant + 100 * (attempt - 1);
    const record: AttemptRecord = { attempt, generator: rung.generator.id, strengthened: rung.strengthened, staged: Boolean(request.staged), requestVariant, failed: [], operations: [], seconds: 0 };
    attempts.push(record);
    try {
      const outcome = await runAttempt(ctx, preset, rung, requestVariant, record);
      record.failed = failedNames(outcome.checks);
      record.seconds = since(ta);
      if (!kept || record.failed.length <= failedNames(kept.outcome.checks).length) kept = { outcome, attempt };
      if (!record.failed.some((name) => REGENERATION_FIXES.has(name))) break;
    } catch (error) {
      request.signal?.throwIfAborted();
      if (!(error instanceof Error)) throw error;
      record.error = error.message;
      record.seconds = since(ta);
      lastError = error;
    }
  }
  const base = emptyRecord(preset, variant, request.staged ? 'staged' : 'generated');
  if (!kept) return { ...errorRecord(base, lastError, t0), attempts };
  const file = fileName(preset, variant);
  await writeFileAtomic(path.join(request.outputDir, file), kept.outcome.bytes);
  const passed = allPassed(kept.outcome.checks);
  const keptNote = attempts.length > 1 ? [`kept attempt ${kept.attempt} of ${attempts.length}`] : [];
  return {
    ...base, file, status: passed ? 'passed' : 'failed-review', bytes: kept.outcome.bytes.length, source: kept.outcome.source,
    sourceType: kept.outcome.sourceType, syntheticPerformer: kept.outcome.syntheticPerformer, checks: kept.outcome.checks, attempts,
    text: kept.outcome.text, warnings: [...kept.outcome.warnings, ...keptNote], seconds: since(t0),
    ...(passed ? {} : {
      reason: `failed ${failedNames(kept.outcome.checks).join(', ')} after ${attempts.length} attempt${attempts.length > 1 ? 's' : ''}`,
      hint: request.escalationGenerator
        ? 'Review the image before uploading it; a better product photo or prompt hint usually helps.'
        : 'Review the image before uploading it; allowing the Pro model as a last attempt, a better product photo or a prompt hint may help.',
    }),
  };
}

async function runAttempt(ctx: DeliveryContext, preset: Preset, rung: Rung, requestVariant: number, record: AttemptRecord): Promise<AttemptOutcome> {
  const { request } = ctx;
  const reference = ctx.reference as ProductReference;
  const size = chooseGenerationSize(preset, rung.generator);
  record.aspectRatio = size.aspectRatio;
  record.sizeTier = size.sizeTier;
  const warnings: string[] = [];
  if (!size.covers) warnings.push(`${rung.generator.id} cannot make ${size.aspectRatio} large enough for ${preset.width}×${preset.height}; the largest tier (${size.sizeTier}) was upscaled`);

  const made = request.staged ? await stagedImage(ctx, preset, rung, size, requestVariant, record) : await generatedImage(ctx, rung, size, requestVariant, record);
  warnings.push(...made.image.warnings);

  // Fit to exact pixels around the product.
  let productBox = made.productBox;
  if (!productBox) {
    const located = locateReferenceProduct(await decodeRgb(made.image.bytes, 512), reference);
    if (located.confidence >= MIN_LOCATE_CONFIDENCE) productBox = located.box;
    else warnings.push(`the product could not be located in the generated image (colour match ${located.confidence.toFixed(2)}); the crop keeps the centre`);
  }
  const fitted = await fitToPreset(made.image.bytes, preset, { productBox });
  record.operations.push(...fitted.operations);
  warnings.push(...fitted.warnings);

  // Copy, where the preset allows text.
  let image: RawRgb = fitted.image;
  let drawn: DrawnText[] = [];
  if (preset.text !== 'none' && !isEmptyCopy(ctx.copy)) {
    const overlay = drawTextOverlay(image, preset, ctx.copy, { avoid: fitted.productBox });
    image = overlay.image;
    drawn = overlay.drawn;
    warnings.push(...overlay.warnings);
  }

  // Provenance and encoding.
  const syntheticPerformer = request.syntheticPerformer
    ?? mayShowSyntheticPerson(made.sourceType, [request.brief.pose, request.brief.scene, request.brief.prompt, request.product.promptHint]);
  const provenance = { sourceType: made.sourceType, syntheticPerformer };
  const encoded = await encodeForPreset(image, preset, { xmp: buildXmpPacket(provenance) });
  if (encoded.encodes > 1) record.operations.push(`re-encoded at quality ${encoded.quality} to stay under ${(preset.maxFileBytes / 1024 / 1024).toFixed(1)} MB`);

  // Checks on what the seller will upload.
  const checks = await checkEncodedFile(encoded.bytes, preset, provenance);
  // Fidelity is measured before the copy is drawn: a red badge must not stand in for a red product.
  const fidelity = await checkProductFidelity(fitted.image, reference, { embedder: request.embedder, thresholds: request.thresholds });
  checks.push(...fidelity.checks);
  if (drawn.length > 0) checks.push(checkTextContrast(drawn));
  // The paid vision check runs only on images that passed everything else (a failing one is retried anyway).
  if (request.visionChecker && allPassed(checks)) {
    try {
      const verdict = await request.visionChecker.check({
        productImage: request.productImage, output: encoded.bytes, presetId: preset.id, drawnText: drawn.map((d) => d.lines.join(' ')), signal: request.signal,
      });
      checks.push(visionQualityCheck(verdict, request.visionChecker.id));
    } catch (error) {
      request.signal?.throwIfAborted();
      // Asked for but not done: the image is unverified, so it is not passed.
      checks.push({ check: 'vision', passed: false, value: 'error', threshold: 'no problem', detail: `${request.visionChecker.id}: the vision check could not run (${(error as Error).message})` });
    }
  }
  return {
    bytes: encoded.bytes, checks, sourceType: made.sourceType, syntheticPerformer, warnings, source: made.source,
    text: drawn.map((d) => ({ role: d.role, lines: d.lines, fontPx: d.fontPx, contrast: Math.round(d.contrast * 100) / 100, panel: d.panel })),
  };
}

interface MadeImage {
  image: GeneratedImage;
  sourceType: DigitalSourceTypeName;
  source: 'generated' | 'staged';
  /** Known exactly when hitline placed the product itself. */
  productBox?: FractionBox;
}

async function generatedImage(ctx: DeliveryContext, rung: Rung, size: GenerationSize, requestVariant: number, record: AttemptRecord): Promise<MadeImage> {
  const { request } = ctx;
  const prompt = buildGenerationPrompt({
    product: request.product, brief: request.brief, referenceCount: request.references.length,
    options: { strengthenedConstraints: rung.strengthened, aspectRatio: size.aspectRatio },
  });
  const result = await generate(ctx, rung.generator, {
    product: request.product, productImage: request.productImage, references: request.references, brief: request.brief, prompt,
    aspectRatio: size.aspectRatio, sizeTier: size.sizeTier, variant: requestVariant, signal: request.signal,
  });
  record.operations.push(`generated ${size.aspectRatio} at ${size.sizeTier} by ${rung.generator.id}`);
  return { image: firstImage(result, rung.generator), sourceType: rung.generator.compositesRealProduct ? 'compositeSynthetic' : 'trainedAlgorithmicMedia', source: 'generated' };
}

/**
 * Staged: the scene first, without the product. Offline, hitline draws the scene from the references and
 * composites the real cut-out into it; with a cloud model, the model makes the scene, then gets the product
 * photo and that scene together for the final image.
 */
async function stagedImage(ctx: DeliveryContext, preset: Preset, rung: Rung, size: GenerationSize, requestVariant: number, record: AttemptRecord): Promise<MadeImage> {
  const { request, cutout } = ctx;
  if (rung.generator.generateStaged) {
    if (!cutout.reliable) {
      record.operations.push('staged mode needs a reliable cut-out; generated in one step instead');
      const made = await generatedImage(ctx, rung, size, requestVariant, record);
      made.image.warnings.push(`staged mode was skipped: the product cut-out is unreliable (${cutout.reasons.join('; ')})`);
      return made;
    }
    // hitline draws this scene itself, so it is drawn at the preset's own pixels: no model size to fit from.
    delete record.aspectRatio;
    delete record.sizeTier;
    const staged = await rung.generator.generateStaged({
      product: request.product, productImage: request.productImage, references: request.references, brief: request.brief,
      width: preset.width, height: preset.height, variant: requestVariant, signal: request.signal,
    });
    record.operations.push(`staged: scene ${preset.width}×${preset.height} drawn from the references, then the real cut-out composited into it`);
    return { image: staged.image, sourceType: 'compositeSynthetic', source: 'staged', productBox: staged.productBox };
  }
  const sceneResult = await generate(ctx, rung.generator, {
    product: request.product, productImage: request.productImage, references: request.references, brief: request.brief,
    prompt: buildScenePrompt(request.brief, size.aspectRatio), aspectRatio: size.aspectRatio, sizeTier: size.sizeTier, variant: requestVariant, signal: request.signal,
  });
  const scene = firstImage(sceneResult, rung.generator);
  const sceneReference: ReferenceImage = { product: sceneRecord(scene.bytes), bytes: scene.bytes };
  const finalResult = await generate(ctx, rung.generator, {
    product: request.product, productImage: request.productImage, references: [sceneReference], brief: request.brief,
    prompt: buildStagedPlacementPrompt(request.product, rung.strengthened),
    aspectRatio: size.aspectRatio, sizeTier: size.sizeTier, variant: requestVariant, signal: request.signal,
  });
  record.operations.push(`staged: scene by ${rung.generator.id}, then product and scene to ${rung.generator.id}`);
  const image = firstImage(finalResult, rung.generator);
  image.warnings.unshift(...scene.warnings);
  return { image, sourceType: 'trainedAlgorithmicMedia', source: 'staged' };
}

/** Stage 1 prompt: the setting only. Image 1 is attached for scale and colour harmony, and must not be drawn. */
export function buildScenePrompt(brief: StyleBrief, aspectRatio: string): string {
  return [
    `Create a photorealistic, empty e-commerce photo setting in a ${aspectRatio} frame: the backdrop and surroundings only.`,
    'Image 1 shows the product that will be placed into this scene later: use it only for scale and colour harmony. Do NOT draw the product, any garment, person or mannequin.',
    `Scene: ${oneLine(brief.scene)}. Background: ${oneLine(brief.background)}. Lighting: ${oneLine(brief.lighting)}. Colour tone: ${oneLine(brief.colorTone)}.`,
    `Composition: leave clear, well-lit space in the centre where the product will stand. Mood: ${oneLine(brief.mood)}.`,
    'No text, letters, numbers, logos or watermarks anywhere.',
  ].join('\n');
}

/** Stage 2 prompt (cloud): the real product from Image 1 into the scene of Image 2. */
export function buildStagedPlacementPrompt(product: NewProduct, strengthened: boolean): string {
  const lines = [
    'Image 1 is the product. Image 2 is the finished scene. Place the product from Image 1 into the scene of Image 2.',
    `Reproduce the product (${oneLine(product.category) || 'product'}) exactly: same colours, pattern, shape, proportions and details. Keep the scene as it is.`,
    'Match the scene\'s lighting, perspective and shadows so the product does not look pasted on.',
    'No labels or tags, no extra items, no text, letters, numbers or watermarks.',
  ];
  if (strengthened) {
    lines.push('STRICT: no hue or brightness shift on the product; exactly one product; no neck label or hang tag; small details stay sharp.');
  }
  return lines.join('\n');
}

/** A made-up catalog record for the scene image passed as a reference (it is no catalog product). */
function sceneRecord(bytes: Buffer): ProductRecord {
  return {
    id: 'staged-scene', category: '', color: '', style: '', season: '', salesCount: 0, price: null, description: 'the scene made in stage 1',
    imagePath: '', imageHash: createHash('sha256').update(bytes).digest('hex'), attributes: {}, keywords: '',
  };
}

async function generate(ctx: DeliveryContext, generator: ImageGenerator, req: GenerateRequest): Promise<GenerateResult> {
  const key = JSON.stringify([generator.id, req.prompt, req.aspectRatio, req.sizeTier, req.variant, req.references.map((r) => r.product.imageHash || r.product.id)]);
  let pending = ctx.memo.get(key);
  if (!pending) {
    pending = ctx.request.generateWith ? ctx.request.generateWith(generator, req) : generator.generate(req);
    ctx.memo.set(key, pending);
    pending.catch(() => ctx.memo.delete(key));
  }
  const result = await pending;
  // Each caller gets its own warning lists (they are appended to).
  return { ...result, images: result.images.map((img) => ({ ...img, warnings: [...img.warnings] })) };
}

function firstImage(result: GenerateResult, generator: ImageGenerator): GeneratedImage {
  const image = result.images[0];
  if (!image) throw new HitlineError(`${generator.id} returned no image`, { hint: 'Run the product again.' });
  return image;
}

// ---------------------------------------------------------------------------------------------

function emptyRecord(preset: Preset, variant: number, source: PresetImageRecord['source']): PresetImageRecord {
  return {
    preset: preset.id, variant, file: null, status: 'error', width: preset.width, height: preset.height, format: preset.format, bytes: 0,
    source, sourceType: null, syntheticPerformer: false, checks: [], attempts: [], text: [], warnings: [], seconds: 0,
  };
}

function errorRecord(base: PresetImageRecord, error: unknown, t0: number): PresetImageRecord {
  const message = error instanceof Error ? error.message : String(error);
  return { ...base, status: 'error', reason: message, hint: error instanceof HitlineError ? error.hint : undefined, seconds: since(t0) };
}

export function fileName(preset: Pick<Preset, 'id' | 'format'>, variant: number): string {
  return `${preset.id}-${variant}.${presetExtension(preset.format)}`;
}

function failedNames(checks: readonly QualityCheck[]): string[] {
  return checks.filter((c) => !c.passed).map((c) => c.check);
}

function since(t0: number): number {
  return Math.round(performance.now() - t0) / 1000;
}
