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
 * The request and records are in delivery-records.ts, the ladder in delivery-ladder.ts, plain and staged
 * generation in delivery-made-image.ts.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Preset } from '../presets/preset.js';
import { cutOutProduct } from '../imaging/cutout.js';
import { buildXmpPacket } from '../presets/delivery/ai-metadata.js';
import { encodeForPreset } from '../presets/delivery/encode-for-preset.js';
import { MainImageRefusedError, renderMainImage } from '../presets/delivery/main-image.js';
import { prepareProductReference } from '../presets/delivery/product-fidelity.js';
import { copyFromAttributes, copyProblems, COPY_FIELDS, type ProductCopy } from '../presets/delivery/product-copy.js';
import { allPassed, checkEncodedFile, checkFill, checkWhiteBackground, decodeForChecks } from '../presets/delivery/quality-checks.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { deliverGenerated } from './delivery-ladder.js';
import {
  emptyRecord, errorRecord, failedNames, fileName, since,
  type DeliverPresetsRequest, type DeliverPresetsResult, type DeliveryContext, type PresetImageRecord,
} from './delivery-records.js';

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
