/**
 * Cuts a product out of its photo when it was shot on a plain (or smoothly shaded) backdrop:
 * background model from the border → distance from it → the product's own soft shadow on the backdrop put back
 * to the backdrop (see backdrop-shadow.ts) → Otsu threshold → significant components → fill holes → feathered
 * alpha. A photo whose own alpha channel already separates the product is used as is.
 * The result always carries a reliability verdict with reasons, so a caller never composites garbage silently.
 */
import sharp from 'sharp';
import {
  type BackgroundModel,
  type RawRgb,
  backgroundAt,
  backgroundDistance,
  decodeRgb,
  fitBackground,
  otsuThreshold,
  subjectThresholdFloor,
} from './image-stats.js';
import { decodeOriented } from '../catalog/load-image.js';
import { HitlineError } from '../core/errors.js';
import { SHADOW_LIMITS, backdropShadow } from './backdrop-shadow.js';
import { type EdgeContact, type PixelBox, dilateMask, edgeContact, labelComponents, labelHoles, maskBBox } from './mask-ops.js';

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

/** Components smaller than this share of the largest are specks; larger ones are kept (the second shoe of a pair). */
const KEEP_COMPONENT_SHARE = 0.2;

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

interface RawRgba {
  data: Buffer;
  width: number;
  height: number;
  /** Whether the file had an alpha channel at all. */
  hasAlpha: boolean;
  /** Decoded pixels per original pixel. */
  scale: number;
}

async function decodeRgba(bytes: Buffer, maxSide: number, minSide: number): Promise<RawRgba> {
  try {
    const image = decodeOriented(bytes);
    const meta = await image.metadata();
    const long = Math.max(meta.autoOrient?.width ?? meta.width ?? 0, meta.autoOrient?.height ?? meta.height ?? 0);
    const side = Math.min(maxSide, Math.max(long, minSide));
    const { data, info } = await image
      .resize({ width: side, height: side, fit: 'inside' })
      .toColourspace('srgb')
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height, hasAlpha: Boolean(meta.hasAlpha), scale: long ? Math.max(info.width, info.height) / long : 1 };
  } catch (error) {
    throw new HitlineError(`could not decode the product photo: ${(error as Error).message}`, {
      hint: 'Use a JPEG, PNG or WebP file that opens in an image viewer.',
      cause: error,
    });
  }
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

/**
 * The areas the product (before any shadow is taken away) encloses and that would be filled as product, with a
 * rim of ENCLOSING_RIM pixels around them: a pale midsole between a shoe's upper and outsole, whose end fades
 * into the backdrop through a shadow-like grey, stays enclosed.
 */
function enclosedAreas(dist: Float32Array, model: Pick<BackgroundModel, 'noise'>, width: number, height: number, high: number, low: number): Uint8Array {
  const { mask } = keepSignificantComponents(growFromSeeds(dist, width, height, high, low), width, height);
  // Only the holes large enough to be surely product: the specks of backdrop noise that a shadow encloses are not.
  const { certain } = closeHoles(mask, dist, model, width, height);
  let out: Uint8Array = new Uint8Array(certain.length);
  for (let i = 0; i < out.length; i++) out[i] = certain[i] && !mask[i] ? 1 : 0;
  for (let r = 0; r < ENCLOSING_RIM; r++) out = dilateMask(out, width, height);
  return out;
}

const ENCLOSING_RIM = 2;

/**
 * The low threshold of the hysteresis: pale parts of a product (a white sole, a light polo on white)
 * differ from the backdrop by less than Otsu's cut, but they are joined to parts that clearly differ.
 */
function lowThreshold(model: Pick<BackgroundModel, 'noise'>, high: number): number {
  return Math.min(high, Math.max(LOW_THRESHOLD_MIN, 3 * model.noise + 4));
}

const LOW_THRESHOLD_MIN = 14;

/** Hysteresis: pixels above `high` are product; pixels above `low` are product when 8-connected to one that is. */
function growFromSeeds(dist: Float32Array, width: number, height: number, high: number, low: number): Uint8Array {
  const mask = new Uint8Array(width * height);
  const queue = new Int32Array(width * height);
  let tail = 0;
  for (let i = 0; i < dist.length; i++) {
    if (dist[i] > high) {
      mask[i] = 1;
      queue[tail++] = i;
    }
  }
  for (let head = 0; head < tail; head++) {
    const p = queue[head];
    const x = p % width;
    const y = (p - x) / width;
    for (let dy = -1; dy <= 1; dy++) {
      const ny = y + dy;
      if (ny < 0 || ny >= height) continue;
      for (let dx = -1; dx <= 1; dx++) {
        const nx = x + dx;
        if (nx < 0 || nx >= width) continue;
        const q = ny * width + nx;
        if (!mask[q] && dist[q] > low) {
          mask[q] = 1;
          queue[tail++] = q;
        }
      }
    }
  }
  return mask;
}

/**
 * Closes the holes in the mask. A hole that looks exactly like the backdrop (smooth, backdrop-coloured:
 * the space inside a bag's handle or a chain strap) stays open. Other holes are product (a pale print inside
 * a dark shirt) and are filled; `certain` marks the large ones as surely opaque, while tiny ones (a speck of
 * backdrop caught in a concave corner) are left to the edge matte to decide by colour.
 */
function closeHoles(mask: Uint8Array, dist: Float32Array, model: Pick<BackgroundModel, 'noise'>, width: number, height: number): { filled: Uint8Array; certain: Uint8Array } {
  const holes = labelHoles(mask, width, height);
  const n = holes.areas.length;
  const sum = new Float64Array(n);
  const sumSq = new Float64Array(n);
  let objectArea = 0;
  for (let p = 0; p < mask.length; p++) {
    objectArea += mask[p];
    const id = holes.labels[p];
    if (!id) continue;
    sum[id] += dist[p];
    sumSq[id] += dist[p] * dist[p];
  }
  const backdropLike = 2 * model.noise + 4;
  const open = holes.areas.map((area, id) => {
    if (id === 0 || area === 0) return false;
    const mean = sum[id] / area;
    const std = Math.sqrt(Math.max(0, sumSq[id] / area - mean * mean));
    return mean <= backdropLike && std <= backdropLike;
  });
  const large = holes.areas.map((area) => area >= SURE_HOLE_SHARE * objectArea);
  const filled = Uint8Array.from(mask);
  const certain = Uint8Array.from(mask);
  for (let p = 0; p < mask.length; p++) {
    const id = holes.labels[p];
    if (!id || open[id]) continue;
    filled[p] = 1;
    if (large[id]) certain[p] = 1;
  }
  return { filled, certain };
}

/** A filled hole at least this share of the product is surely product, whatever its colour. */
const SURE_HOLE_SHARE = 0.003;

/** Keeps the largest component and every component at least KEEP_COMPONENT_SHARE of it. */
function keepSignificantComponents(mask: Uint8Array, width: number, height: number): { mask: Uint8Array; pieces: number; speckShare: number } {
  const { labels, areas } = labelComponents(mask, width, height);
  const total = areas.reduce((s, a) => s + a, 0);
  const largest = Math.max(0, ...areas);
  const keep = areas.map((a, id) => id > 0 && a > 0 && a >= KEEP_COMPONENT_SHARE * largest);
  const out = new Uint8Array(mask.length);
  let kept = 0;
  for (let i = 0; i < out.length; i++) {
    if (keep[labels[i]]) {
      out[i] = 1;
      kept++;
    }
  }
  return { mask: out, pieces: keep.filter(Boolean).length, speckShare: total ? 1 - kept / total : 0 };
}

/**
 * Smooths the outline: where the product fades into its own soft shadow the threshold crossing is ragged
 * (JPEG noise on a gentle gradient); a blur and a re-threshold at one half turn it into a clean curve.
 */
async function smoothContour(mask: Uint8Array, width: number, height: number): Promise<Uint8Array> {
  const sigma = Math.max(1, 0.003 * Math.max(width, height));
  const data = Buffer.alloc(mask.length);
  for (let i = 0; i < mask.length; i++) data[i] = mask[i] * 255;
  const soft = await sharp(data, { raw: { width, height, channels: 1 } }).blur(sigma).extractChannel(0).raw().toBuffer();
  const out = new Uint8Array(mask.length);
  // Thin parts (a chain strap, a shoelace) blur below one half; keep those that were in the mask.
  for (let i = 0; i < out.length; i++) out[i] = soft[i] >= 128 || (mask[i] && soft[i] >= 56) ? 1 : 0;
  return out;
}

/**
 * Alpha at work resolution: 1 inside, 0 outside, and on the outline band a partial alpha from colour —
 * how far the pixel is from the backdrop compared with the product pixels next to it. The pale pixels where
 * a dark edge blends into a white backdrop then get a low alpha (and their backdrop colour is removed later),
 * instead of becoming a white fringe around the product. The same goes for pixels that are not surely
 * product (swept in by the contour smoothing, or a tiny filled hole). Interior pale details are untouched.
 */
function edgeMatte(mask: Uint8Array, certain: Uint8Array, dist: Float32Array, width: number, height: number): Uint8Array {
  const out = new Uint8Array(mask.length);
  const r = EDGE_BAND;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (!mask[i]) continue;
      let onEdge = false;
      let localMax = 0;
      for (let dy = -r; dy <= r; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -r; dx <= r; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width) continue;
          const j = ny * width + nx;
          if (!mask[j]) onEdge = true;
          else if (dist[j] > localMax) localMax = dist[j];
        }
      }
      const uncertain = onEdge || !certain[i];
      out[i] = !uncertain || localMax <= 0 ? 255 : Math.round(255 * Math.min(1, dist[i] / localMax));
    }
  }
  return out;
}

/** Pixels this close (work resolution) to the outside are on the outline band. */
const EDGE_BAND = 2;

/** Scales the work-resolution alpha to the output size with a small blur, so edges stay soft but not mushy. */
async function featheredAlpha(matte: Uint8Array, work: RawRgb, width: number, height: number): Promise<Uint8Array> {
  const scale = width / work.width;
  const soft = await sharp(Buffer.from(matte.buffer, matte.byteOffset, matte.length), { raw: { width: work.width, height: work.height, channels: 1 } })
    .resize(width, height, { kernel: 'cubic' })
    .blur(Math.max(0.5, 0.45 * scale))
    .extractChannel(0) // sharp turns a 1-channel raw input into 3 channels unless told otherwise
    .raw()
    .toBuffer();
  return new Uint8Array(soft.buffer, soft.byteOffset, soft.length);
}

/**
 * For every pixel, the average colour of the fully opaque product pixels around it (a blur weighted by
 * "is opaque product"; sharp premultiplies by alpha when blurring, so the backdrop does not bleed in).
 * Edge pixels take this colour, so a soft edge fades out in the product's own colour.
 */
async function nearbyProductColors(img: RawRgba, alpha: Uint8Array): Promise<Buffer> {
  const weighted = Buffer.from(img.data);
  for (let i = 0; i < alpha.length; i++) weighted[i * 4 + 3] = alpha[i] >= 250 ? 255 : 0;
  const sigma = Math.max(2, 0.004 * Math.max(img.width, img.height));
  return sharp(weighted, { raw: { width: img.width, height: img.height, channels: 4 } }).blur(sigma).raw().toBuffer();
}

/**
 * Builds straight RGBA. Semi-transparent edge pixels take the colour of the opaque product next to them;
 * where there is none (a thin chain, a shoelace) the backdrop's share is removed from the pixel's own colour
 * instead (C = a·F + (1−a)·B solved for F). Either way no backdrop-coloured halo follows the product.
 */
function decontaminate(img: RawRgba, alpha: Uint8Array, model: Pick<BackgroundModel, 'coef'>, nearby: Buffer): Buffer {
  const { width, height, data } = img;
  const out = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    const v = height > 1 ? y / (height - 1) : 0.5;
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const a = alpha[i] / 255;
      let r = data[i * 4];
      let g = data[i * 4 + 1];
      let b = data[i * 4 + 2];
      if (a > 0 && a < 0.98) {
        if (nearby[i * 4 + 3] > 8) {
          r = nearby[i * 4];
          g = nearby[i * 4 + 1];
          b = nearby[i * 4 + 2];
        } else if (a > 0.15) {
          const bg = backgroundAt(model, width > 1 ? x / (width - 1) : 0.5, v);
          r = (r - (1 - a) * bg[0]) / a;
          g = (g - (1 - a) * bg[1]) / a;
          b = (b - (1 - a) * bg[2]) / a;
        }
      }
      out[i * 4] = clamp255(r);
      out[i * 4 + 1] = clamp255(g);
      out[i * 4 + 2] = clamp255(b);
      out[i * 4 + 3] = alpha[i];
    }
  }
  return out;
}

function clamp255(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
}

/** Crops RGBA to the bounding box of its visible pixels (the whole image when nothing is visible). */
function cropToAlpha(rgba: Buffer, width: number, height: number): { rgba: Buffer; width: number; height: number; bbox: PixelBox } {
  const alpha = new Uint8Array(width * height);
  for (let i = 0; i < alpha.length; i++) alpha[i] = rgba[i * 4 + 3];
  const box = maskBBox(alpha, width, height, 8) ?? { left: 0, top: 0, width, height };
  const out = Buffer.alloc(box.width * box.height * 4);
  for (let y = 0; y < box.height; y++) {
    const from = ((box.top + y) * width + box.left) * 4;
    rgba.copy(out, y * box.width * 4, from, from + box.width * 4);
  }
  return { rgba: out, width: box.width, height: box.height, bbox: box };
}
