/**
 * Test images drawn in code (no binaries in the repo): flat lays on a slightly noisy, slightly shaded
 * near-white backdrop, busy scenes, plain fills. Each drawn product comes with its exact mask, so a test
 * can measure how well a cut-out recovers it.
 */
import sharp from 'sharp';
import { mulberry32 } from '../../src/util/seeded-random.js';

export const prng = mulberry32;

/** A uniformly filled image, encoded. */
export async function solid(width: number, height: number, color: string, format: 'png' | 'jpeg' = 'png'): Promise<Buffer> {
  const img = sharp({ create: { width, height, channels: 3, background: color } });
  return format === 'png' ? img.png().toBuffer() : img.jpeg({ quality: 95 }).toBuffer();
}

/** Left half one colour, right half another. */
export async function halves(width: number, height: number, left: string, right: string): Promise<Buffer> {
  const half = await sharp({ create: { width: Math.floor(width / 2), height, channels: 3, background: right } }).png().toBuffer();
  return sharp({ create: { width, height, channels: 3, background: left } })
    .composite([{ input: half, left: width - Math.floor(width / 2), top: 0 }])
    .png()
    .toBuffer();
}

export interface Backdrop {
  /** Colour at the top edge, [r, g, b]. */
  top: [number, number, number];
  /** Colour at the bottom edge. */
  bottom: [number, number, number];
  /** Standard deviation of per-pixel noise (approximately). */
  noise: number;
}

export const NEAR_WHITE: Backdrop = { top: [250, 249, 246], bottom: [236, 235, 231], noise: 3 };

/** Raw RGB of a vertical gradient with noise. */
export function backdropRaw(width: number, height: number, b: Backdrop, seed = 7): Buffer {
  const rand = prng(seed);
  const out = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    const t = y / (height - 1);
    for (let x = 0; x < width; x++) {
      // Sum of uniforms ≈ gaussian; ±√3 per uniform gives the requested σ.
      const n = (rand() + rand() + rand() - 1.5) * 2 * b.noise;
      for (let ch = 0; ch < 3; ch++) out[(y * width + x) * 3 + ch] = Math.max(0, Math.min(255, Math.round(b.top[ch] + (b.bottom[ch] - b.top[ch]) * t + n)));
    }
  }
  return out;
}

export interface DrawnProduct {
  bytes: Buffer;
  /** 1 where the product was drawn (alpha ≥ 50%), row-major, width × height. */
  mask: Uint8Array;
  width: number;
  height: number;
}

/** Renders SVG shapes (the product) over a backdrop; `shapes` is SVG markup in a width × height canvas. */
export async function flatLay(width: number, height: number, shapes: string, backdrop: Backdrop = NEAR_WHITE, format: 'png' | 'jpeg' = 'jpeg'): Promise<DrawnProduct> {
  const svg = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${shapes}</svg>`);
  const layer = await sharp(svg).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const mask = new Uint8Array(width * height);
  for (let i = 0; i < mask.length; i++) mask[i] = layer.data[i * 4 + 3] >= 128 ? 1 : 0;
  const base = sharp(backdropRaw(width, height, backdrop), { raw: { width, height, channels: 3 } }).composite([{ input: svg }]);
  const bytes = format === 'png' ? await base.png().toBuffer() : await base.jpeg({ quality: 92 }).toBuffer();
  return { bytes, mask, width, height };
}

/** A T-shirt-like silhouette in `color`, roughly centred, covering about a third of the frame. */
export function tshirtShape(width: number, height: number, color: string): string {
  const x = (f: number) => Math.round(f * width);
  const y = (f: number) => Math.round(f * height);
  const points = [
    [0.36, 0.2], [0.44, 0.2], [0.5, 0.25], [0.56, 0.2], [0.64, 0.2], [0.82, 0.32], [0.75, 0.42], [0.68, 0.37],
    [0.68, 0.8], [0.32, 0.8], [0.32, 0.37], [0.25, 0.42], [0.18, 0.32],
  ];
  return `<polygon points="${points.map(([a, b]) => `${x(a)},${y(b)}`).join(' ')}" fill="${color}"/>`;
}

/** A busy "photo": a warm gradient covered in many coloured blobs. */
export async function busyScene(width: number, height: number, seed = 3): Promise<Buffer> {
  const rand = prng(seed);
  let shapes = '';
  for (let i = 0; i < 160; i++) {
    shapes += `<circle cx="${Math.round(rand() * width)}" cy="${Math.round(rand() * height)}" r="${Math.round(4 + rand() * 0.08 * width)}" fill="hsl(${Math.floor(rand() * 360)},${Math.floor(40 + rand() * 50)}%,${Math.floor(20 + rand() * 60)}%)"/>`;
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="${width}" height="${height}" fill="#b07040"/>${shapes}</svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 90 }).toBuffer();
}

/** Intersection over union of two equal-size masks. */
export function iou(a: Uint8Array, b: Uint8Array): number {
  let inter = 0;
  let union = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] && b[i]) inter++;
    if (a[i] || b[i]) union++;
  }
  return union ? inter / union : 1;
}

/** Scales a 0/1 mask to another size (nearest after a box filter), thresholded at one half. */
export async function resizeMask(mask: Uint8Array, width: number, height: number, toWidth: number, toHeight: number): Promise<Uint8Array> {
  const data = Buffer.from(mask.map((v) => v * 255));
  const out = await sharp(data, { raw: { width, height, channels: 1 } }).resize(toWidth, toHeight, { fit: 'fill' }).extractChannel(0).raw().toBuffer();
  return Uint8Array.from(out, (v) => (v >= 128 ? 1 : 0));
}

/** Decodes an image to raw RGB. */
export async function rgbOf(bytes: Buffer): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Bounding box of the pixels within `tolerance` (RGB distance) of `color`; null when none. */
export function colorRegion(img: { data: Buffer; width: number; height: number }, color: [number, number, number], tolerance: number) {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -1;
  let y1 = -1;
  let count = 0;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const i = (y * img.width + x) * 3;
      const d = Math.hypot(img.data[i] - color[0], img.data[i + 1] - color[1], img.data[i + 2] - color[2]);
      if (d > tolerance) continue;
      count++;
      x0 = Math.min(x0, x);
      y0 = Math.min(y0, y);
      x1 = Math.max(x1, x);
      y1 = Math.max(y1, y);
    }
  }
  return count ? { left: x0, top: y0, width: x1 - x0 + 1, height: y1 - y0 + 1, count } : null;
}
