/**
 * A generated preset image and its retry ladder: one attempt, one retry with strengthened constraints, then the
 * escalation generator (the Pro model) if one is given; each attempt is fitted to the preset's exact pixels
 * around the product, gets its copy and provenance metadata, and is checked on the encoded file. The attempt
 * with the fewest failed checks is kept; a failing one is marked failed-review, never passed silently.
 */
import path from 'node:path';
import type { RawRgb } from '../imaging/decode.js';
import type { Preset } from '../presets/preset.js';
import { buildXmpPacket, mayShowSyntheticPerson, type DigitalSourceTypeName } from '../presets/delivery/ai-metadata.js';
import { encodeForPreset } from '../presets/delivery/encode-for-preset.js';
import { chooseGenerationSize, fitToPreset } from '../presets/delivery/fit-to-preset.js';
import { decodeRgb } from '../imaging/decode.js';
import { checkProductFidelity, locateReferenceProduct, type ProductReference } from '../presets/delivery/product-fidelity.js';
import { isEmptyCopy } from '../presets/delivery/product-copy.js';
import { allPassed, checkEncodedFile, checkTextContrast, visionQualityCheck, type QualityCheck } from '../presets/delivery/quality-checks.js';
import { drawTextOverlay, type DrawnText } from '../presets/delivery/text-overlay.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { generatedImage, stagedImage, type Rung } from './delivery-made-image.js';
import {
  emptyRecord, errorRecord, failedNames, fileName, since,
  type AttemptRecord, type DeliveryContext, type PresetImageRecord,
} from './delivery-records.js';

/**
 * Failures a new generation can fix (the picture itself was wrong). Size, ratio, format and metadata failures
 * are hitline's own and would repeat, so they never buy another paid attempt.
 */
export const REGENERATION_FIXES = new Set(['product-colour', 'product-similarity', 'vision', 'text-contrast', 'file-size']);

/** A product-region match below this is treated as "not found": the fit keeps the centre instead. */
const MIN_LOCATE_CONFIDENCE = 0.35;

interface AttemptOutcome {
  bytes: Buffer;
  checks: QualityCheck[];
  text: PresetImageRecord['text'];
  sourceType: DigitalSourceTypeName;
  syntheticPerformer: boolean;
  warnings: string[];
  source: 'generated' | 'staged';
}

export async function deliverGenerated(ctx: DeliveryContext, preset: Preset, variant: number): Promise<PresetImageRecord> {
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
        onWarning: (message) => warnings.push(message),
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
