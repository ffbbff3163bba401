/**
 * Cuts a product out of its photo when it was shot on a plain (or smoothly shaded) backdrop:
 * background model from the border → distance from it → the product's own soft shadow on the backdrop put back
 * to the backdrop (see backdrop-shadow.ts) → Otsu threshold → significant components → fill holes → feathered
 * alpha. A photo whose own alpha channel already separates the product is used as is.
 * The result always carries a reliability verdict with reasons, so a caller never composites garbage silently.
 * The mask is built in cutout-mask.ts, the alpha and colours in cutout-alpha.ts.
 */
import { fitBackground, backgroundDistance } from './background-model.js';
import { SHADOW_LIMITS, backdropShadow } from './backdrop-shadow.js';
import { cropToAlpha, decontaminate, edgeMatte, featheredAlpha, nearbyProductColors, smoothContour } from './cutout-alpha.js';
import { closeHoles, enclosedAreas, growFromSeeds, keepSignificantComponents, lowThreshold } from './cutout-mask.js';
import { decodeRgb, decodeRgba, type RawRgba } from './decode.js';
import { type EdgeContact, type PixelBox, edgeContact } from './mask-ops.js';
import { otsuThreshold, subjectThresholdFloor } from './threshold.js';

export interface CutOutMeasurements {
  /** Share of the border that one smooth backdrop colour explains. */
  borderFit: number;
  /** Texture of the backdrop (mean neighbour difference, 0..255). */
  borderRoughness: number;
  /** Share of the photo the product covers. */
  foregroundShare: number;
  /** Separate pieces kept (a pair of shoes is 2). */
  pieces: number;
  /** Share of the foreground that was scattered specks and thrown away. */
  speckShare: number;
  /** Otsu separability of product vs backdrop (0..1). */
  separability: number;
  edgeContact: EdgeContact;
}

export interface CutOut {
  /** Straight (not premultiplied) RGBA pixels of the product, cropped to its bounding box. */
  rgba: Buffer;
  width: number;
  height: number;
  /** Where the crop sits in the decoded (oriented, possibly downscaled) photo. */
  bbox: PixelBox;
  sourceWidth: number;
  sourceHeight: number;
  /** Decoded pixels per pixel of the original photo (above 1 when a small photo was enlarged for a smooth outline). */
  sourceScale: number;
  method: 'alpha-channel' | 'plain-background';
  reliable: boolean;
  /** Why the cut-out is unreliable; empty when reliable. */
  reasons: string[];
  measurements: CutOutMeasurements;
}

export interface CutOutOptions {
  /** Long side of the returned cut-out's source, in pixels (default 2048). */
  maxSide?: number;
  /**
   * A smaller photo is enlarged to this long side before the alpha is built (default 1024), so the
   * outline is smoothed at that resolution instead of showing stair steps when the product is enlarged later.
   */
  minSide?: number;
  /** Long side the mask is computed at (default 768). */
  workSide?: number;
}

/** Limits of a believable cut-out. Exported so tests and reports can quote them. */
export const CUTOUT_LIMITS = {
  minBorderFit: 0.7,
  maxBorderRoughness: 8,
  minForeground: 0.02,
  maxForeground: 0.9,
  maxPieces: 4,
  maxSpeckShare: 0.15,
  maxPerimeterContact: 0.3,
  minSeparability: 0.5,
} as const;

export async function cutOutProduct(bytes: Buffer, options: CutOutOptions = {}): Promise<CutOut> {
  const maxSide = options.maxSide ?? 2048;
  const workSide = options.workSide ?? 768;
  const hi = await decodeRgba(bytes, maxSide, options.minSide ?? 1024);
  const alphaMask = significantAlpha(hi);
  if (alphaMask) return fromAlphaChannel(hi);

  const work = await decodeRgb(bytes, workSide);
  const model = fitBackground(await decodeRgb(bytes, 256));
  const dist = backgroundDistance(work, model);
  const otsu = otsuThreshold(dist);
  const threshold = Math.max(otsu.threshold, subjectThresholdFloor(model));

  const low = lowThreshold(model, threshold);
  // The shadow the product casts on the backdrop is backdrop: it is measured from the shadowed backdrop (distance 0).
  // What the product encloses stays product, with the rim that encloses it.
  const big = Math.max(work.width, work.height) >= SHADOW_LIMITS.minSide;
  const shadow = big ? backdropShadow(work, model, dist, low, enclosedAreas(dist, model, work.width, work.height, threshold, low)) : new Uint8Array(dist.length);
  const productDist = new Float32Array(dist.length);
  for (let i = 0; i < dist.length; i++) productDist[i] = shadow[i] ? 0 : dist[i];

  const raw = growFromSeeds(productDist, work.width, work.height, threshold, low);
  const { mask, pieces, speckShare } = keepSignificantComponents(raw, work.width, work.height);
  const { filled, certain } = closeHoles(mask, productDist, model, work.width, work.height);
  let area = 0;
  for (const v of filled) area += v;

  const measurements: CutOutMeasurements = {
    borderFit: model.inlierShare,
    borderRoughness: model.roughness,
    foregroundShare: area / filled.length,
    pieces,
    speckShare,
    separability: otsu.separability,
    edgeContact: edgeContact(filled, work.width, work.height),
  };
  const reasons = unreliableReasons(measurements);
  const matte = edgeMatte(await smoothContour(filled, work.width, work.height), certain, productDist, work.width, work.height);
  const alpha = await featheredAlpha(matte, work, hi.width, hi.height);
  const rgba = decontaminate(hi, alpha, model, await nearbyProductColors(hi, alpha));
  return { ...cropToAlpha(rgba, hi.width, hi.height), sourceWidth: hi.width, sourceHeight: hi.height, sourceScale: hi.scale, method: 'plain-background', reliable: reasons.length === 0, reasons, measurements };
}

function unreliableReasons(m: CutOutMeasurements): string[] {
  const L = CUTOUT_LIMITS;
  const pct = (v: number) => `${Math.round(v * 100)}%`;
  const reasons: string[] = [];
  if (m.borderFit < L.minBorderFit) {
    reasons.push(`the background is not plain: only ${pct(m.borderFit)} of the photo's border matches one smooth backdrop colour (needs ${pct(L.minBorderFit)})`);
  }
  if (m.borderRoughness > L.maxBorderRoughness) {
    reasons.push(`the backdrop is textured or busy (border roughness ${m.borderRoughness.toFixed(1)}, limit ${L.maxBorderRoughness})`);
  }
  if (m.foregroundShare < L.minForeground) reasons.push(`the product covers only ${pct(m.foregroundShare)} of the photo (expected at least ${pct(L.minForeground)})`);
  if (m.foregroundShare > L.maxForeground) reasons.push(`the "product" covers ${pct(m.foregroundShare)} of the photo: product and backdrop could not be told apart`);
  if (m.pieces > L.maxPieces) reasons.push(`the product mask breaks into ${m.pieces} separate pieces (at most ${L.maxPieces} expected)`);
  if (m.speckShare > L.maxSpeckShare) reasons.push(`${pct(m.speckShare)} of what differs from the backdrop is scattered specks, not one product`);
  if (m.edgeContact.perimeter > L.maxPerimeterContact) {
    reasons.push(`the product mask touches ${pct(m.edgeContact.perimeter)} of the photo's edge (limit ${pct(L.maxPerimeterContact)}): the product is cropped or the backdrop was not separated`);
  }
  if (m.separability < L.minSeparability) {
    reasons.push(`the product barely stands out from the backdrop (separability ${m.separability.toFixed(2)}, needs ${L.minSeparability})`);
  }
  return reasons;
}

/** A photo already cut out (transparent background) when at least 3% is transparent and 3% opaque. */
function significantAlpha(img: RawRgba): boolean {
  if (!img.hasAlpha) return false;
  const n = img.width * img.height;
  let clear = 0;
  for (let i = 0; i < n; i++) if (img.data[i * 4 + 3] < 128) clear++;
  return clear >= 0.03 * n && clear <= 0.97 * n;
}

function fromAlphaChannel(img: RawRgba): CutOut {
  const n = img.width * img.height;
  const mask = new Uint8Array(n);
  for (let i = 0; i < n; i++) mask[i] = img.data[i * 4 + 3] >= 128 ? 1 : 0;
  const { pieces, speckShare } = keepSignificantComponents(mask, img.width, img.height);
  let area = 0;
  for (const v of mask) area += v;
  const measurements: CutOutMeasurements = {
    borderFit: 1,
    borderRoughness: 0,
    foregroundShare: area / n,
    pieces,
    speckShare,
    separability: 1,
    edgeContact: edgeContact(mask, img.width, img.height),
  };
  const reasons = unreliableReasons(measurements);
  return { ...cropToAlpha(Buffer.from(img.data), img.width, img.height), sourceWidth: img.width, sourceHeight: img.height, sourceScale: img.scale, method: 'alpha-channel', reliable: reasons.length === 0, reasons, measurements };
}
