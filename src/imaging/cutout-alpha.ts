/**
 * The cut-out's alpha and colours, once its mask is known: a smooth outline, a colour-based matte on the outline
 * band, the alpha scaled to the output size, edge pixels decontaminated of the backdrop, cropped to the product.
 */
import sharp from 'sharp';
import { backgroundAt, type BackgroundModel } from './background-model.js';
import type { RawRgb, RawRgba } from './decode.js';
import { maskBBox, type PixelBox } from './mask-ops.js';

/**
 * Smooths the outline: where the product fades into its own soft shadow the threshold crossing is ragged
 * (JPEG noise on a gentle gradient); a blur and a re-threshold at one half turn it into a clean curve.
 */
export async function smoothContour(mask: Uint8Array, width: number, height: number): Promise<Uint8Array> {
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
export function edgeMatte(mask: Uint8Array, certain: Uint8Array, dist: Float32Array, width: number, height: number): Uint8Array {
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
export async function featheredAlpha(matte: Uint8Array, work: RawRgb, width: number, height: number): Promise<Uint8Array> {
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
export async function nearbyProductColors(img: RawRgba, alpha: Uint8Array): Promise<Buffer> {
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
export function decontaminate(img: RawRgba, alpha: Uint8Array, model: Pick<BackgroundModel, 'coef'>, nearby: Buffer): Buffer {
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
export function cropToAlpha(rgba: Buffer, width: number, height: number): { rgba: Buffer; width: number; height: number; bbox: PixelBox } {
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
