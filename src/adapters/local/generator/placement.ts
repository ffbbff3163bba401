/**
 * Where the product goes in the output frame and how big it is: about three quarters of the frame
 * height (following how much of the frame the reference's subject fills), never closer to an edge than a
 * margin, so extreme ratios such as 8:1 and 1:8 keep the whole product inside.
 */
import type { Staging } from './staging.js';
import type { VariantJitter } from './variant.js';

export interface ProductBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface PlacementInput {
  frameWidth: number;
  frameHeight: number;
  /** Cut-out (or card) size in its own pixels; only the ratio matters. */
  productWidth: number;
  productHeight: number;
  staging: Staging;
  /** Share of the frame height the reference's subject fills, when measured. */
  referenceFill?: number;
  /** Reference subject's centre (fractions), when measured. */
  referenceCenter?: { x: number; y: number };
  jitter: VariantJitter;
}

/** Product height as a share of the frame height, before the width and margin limits. */
export const FILL_RANGE = { min: 0.62, max: 0.8, default: 0.74 } as const;

const STANDING_MAX_FILL = 0.6;

/** Where a standing product's base sits, as a share of the frame height (at most; the floor margin wins). */
const STANDING_BASE = 0.8;

export function placeProduct(p: PlacementInput): ProductBox {
  const W = p.frameWidth;
  const H = p.frameHeight;
  const margin = Math.round(0.07 * Math.min(W, H));
  const cropped = p.staging === 'cropped';
  const referenceFill = clamp(p.referenceFill ?? FILL_RANGE.default, FILL_RANGE.min, FILL_RANGE.max);
  // A standing product needs headroom above it and floor below it; it never fills as much as a garment.
  const fill = cropped ? 0.9 : p.staging === 'standing' ? Math.min(referenceFill, STANDING_MAX_FILL) : referenceFill;
  // Standing products leave room for the floor and their shadow below them.
  const bottomRoom = cropped ? 0 : p.staging === 'standing' ? Math.round(0.1 * H) : margin;
  const topRoom = margin;
  const maxHeight = H - topRoom - bottomRoom;
  const maxWidth = W - 2 * margin;
  const aspect = p.productWidth / p.productHeight;
  let height = Math.min(fill * H * p.jitter.scale, maxHeight, maxWidth / aspect);
  let width = height * aspect;
  height = Math.max(1, Math.round(height));
  width = Math.max(1, Math.min(maxWidth, Math.round(width)));

  // Horizontal: follow the reference's subject a little (at most ±8% of the frame), then the variant's shift.
  const refShift = p.referenceCenter ? clamp(p.referenceCenter.x - 0.5, -0.08, 0.08) * W : 0;
  const free = Math.max(0, (maxWidth - width) / 2);
  const cx = W / 2 + refShift + p.jitter.shiftX * free;
  const left = clamp(Math.round(cx - width / 2), margin, W - margin - width);

  let top: number;
  if (cropped) {
    top = H - height;
  } else {
    const refShiftY = p.referenceCenter ? clamp(p.referenceCenter.y - 0.5, -0.06, 0.06) * H : 0;
    const centreY = topRoom + maxHeight / 2 + refShiftY;
    // A standing product rests on the floor in the lower part of the frame rather than floating mid-frame.
    const baseY = p.staging === 'standing' ? Math.max(centreY + height / 2, STANDING_BASE * H) : centreY + height / 2;
    top = clamp(Math.round(baseY - height), topRoom, H - bottomRoom - height);
  }
  return { left, top, width, height };
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, v));
}
