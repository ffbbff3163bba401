/** Integer pixel rectangles for laying out and drawing overlays on a canvas. */
import type { SKRSContext2D } from '@napi-rs/canvas';
import type { FractionBox } from '../../core/geometry.js';

export interface PixelRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A box in fractions of a W × H image as pixels, kept inside the image. */
export function toPixels(b: FractionBox, W: number, H: number): PixelRect {
  return clampRect({ x: Math.round(b.x * W), y: Math.round(b.y * H), width: Math.round(b.width * W), height: Math.round(b.height * H) }, W, H);
}

/** The part of `r` inside a W × H image (at least 1 × 1). */
export function clampRect(r: PixelRect, W: number, H: number): PixelRect {
  const x = Math.max(0, Math.min(W - 1, r.x));
  const y = Math.max(0, Math.min(H - 1, r.y));
  return { x, y, width: Math.max(1, Math.min(W - x, r.width - (x - r.x))), height: Math.max(1, Math.min(H - y, r.height - (y - r.y))) };
}

export function overlapArea(a: PixelRect, b: PixelRect): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

export function unionRects(rects: PixelRect[]): PixelRect {
  const x0 = Math.min(...rects.map((r) => r.x));
  const y0 = Math.min(...rects.map((r) => r.y));
  const x1 = Math.max(...rects.map((r) => r.x + r.width));
  const y1 = Math.max(...rects.map((r) => r.y + r.height));
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** Starts a path of `r` with rounded corners (to fill). */
export function roundRect(ctx: SKRSContext2D, r: PixelRect, radius: number): void {
  const rr = Math.min(radius, r.width / 2, r.height / 2);
  ctx.beginPath();
  ctx.moveTo(r.x + rr, r.y);
  ctx.arcTo(r.x + r.width, r.y, r.x + r.width, r.y + r.height, rr);
  ctx.arcTo(r.x + r.width, r.y + r.height, r.x, r.y + r.height, rr);
  ctx.arcTo(r.x, r.y + r.height, r.x, r.y, rr);
  ctx.arcTo(r.x, r.y, r.x + r.width, r.y, rr);
  ctx.closePath();
}
