/**
 * Finds where the product sits in an image made from it (a generated scene, a composite), from its colours:
 * histogram back-projection (Swain & Ballard's ratio histogram: how much more typical each colour is of the
 * product than of the image), damped where the pixel matches the scene's smooth backdrop (so a green meadow
 * does not pass for a green dress), followed by a search for the window that holds the most product-like pixels.
 * Used to crop around the product when fitting, to keep text off it, and to compare it with the photo.
 * If the product's colours are nowhere in the image (the generator changed it), confidence is low.
 */
import type { FractionBox } from '../core/geometry.js';
import { backgroundDistance, fitBackground } from './background-model.js';
import type { RawRgb } from './decode.js';
import { subjectThresholdFloor } from './threshold.js';

const LEVELS = 8;
const BINS = LEVELS * LEVELS * LEVELS;
/** The likelihood map's long side is at most LOCATE_SIDE, unless that would leave the short side under LOCATE_SHORT_SIDE (8:1 banners). */
export const LOCATE_SIDE = 128;
const LOCATE_SHORT_SIDE = 48;
const LOCATE_MAX_SIDE = 384;
/** A backdrop model explaining less of the border than this is not trusted (busy photo scenes): colour alone decides. */
const MIN_BACKDROP_FIT = 0.6;
/** Likelihood above which a pixel counts as product-like. */
const PRODUCT_LIKE = 0.5;

export interface ProductColorModel {
  /** Soft-binned RGB histogram of the product's pixels, summing to 1. */
  histogram: Float32Array;
  /** Width / height of the product's bounding box. */
  aspect: number;
}

export interface LocatedProduct {
  box: FractionBox;
  /** Mean likelihood inside the box, 0..1: near 1 when the box is full of the product's colours. */
  confidence: number;
  /** Share of the whole image that looks like the product. */
  productLikeShare: number;
}

/** The colour model of a cut-out: straight RGBA pixels, only the opaque ones count. */
export function productColorModel(rgba: Uint8Array | Buffer, width: number, height: number): ProductColorModel {
  const histogram = new Float32Array(BINS);
  let total = 0;
  const step = Math.max(1, Math.floor(Math.sqrt((width * height) / 40_000)));
  for (let y = 0; y < height; y += step) {
    for (let x = 0; x < width; x += step) {
      const i = (y * width + x) * 4;
      if (rgba[i + 3] < 128) continue;
      total += vote(histogram, rgba[i], rgba[i + 1], rgba[i + 2]);
    }
  }
  if (total > 0) for (let b = 0; b < BINS; b++) histogram[b] /= total;
  return { histogram, aspect: width / height };
}

/** Locates the product in `img` (any size; it is measured on a small map, see LOCATE_SIDE). */
export function locateProduct(img: RawRgb, model: ProductColorModel): LocatedProduct {
  const map = likelihoodMap(img, model);
  const { width: w, height: h, values } = map;
  let productLike = 0;
  for (const v of values) if (v > PRODUCT_LIKE) productLike++;

  // Integral image of (likelihood − threshold): the best window maximises the sum inside it.
  const integral = new Float64Array((w + 1) * (h + 1));
  for (let y = 0; y < h; y++) {
    let row = 0;
    for (let x = 0; x < w; x++) {
      row += values[y * w + x] - PRODUCT_LIKE;
      integral[(y + 1) * (w + 1) + x + 1] = integral[y * (w + 1) + x + 1] + row;
    }
  }
  const sumIn = (x0: number, y0: number, x1: number, y1: number) =>
    integral[y1 * (w + 1) + x1] - integral[y0 * (w + 1) + x1] - integral[y1 * (w + 1) + x0] + integral[y0 * (w + 1) + x0];

  let best = { x: 0, y: 0, bw: w, bh: h, score: -Infinity };
  for (const aspectScale of [0.7, 1, 1.4]) {
    const aspect = model.aspect * aspectScale;
    for (let s = 0.15; s <= 1.0001; s += 0.05) {
      // Window whose longer side relative to the image is s, with the product's aspect.
      let bw = Math.round(s * w);
      let bh = Math.round(bw / aspect);
      if (bh > h) {
        bh = Math.round(s * h);
        bw = Math.round(bh * aspect);
      }
      bw = Math.max(2, Math.min(w, bw));
      bh = Math.max(2, Math.min(h, bh));
      for (let y = 0; y + bh <= h; y += 2) {
        for (let x = 0; x + bw <= w; x += 2) {
          const score = sumIn(x, y, x + bw, y + bh);
          if (score > best.score) best = { x, y, bw, bh, score };
        }
      }
    }
  }
  // Tighten to the product-like pixels inside a slightly larger window (the product's shape may differ).
  const pad = Math.round(0.1 * Math.max(best.bw, best.bh));
  const x0 = Math.max(0, best.x - pad);
  const y0 = Math.max(0, best.y - pad);
  const x1 = Math.min(w, best.x + best.bw + pad);
  const y1 = Math.min(h, best.y + best.bh + pad);
  let tx0 = x1;
  let ty0 = y1;
  let tx1 = -1;
  let ty1 = -1;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      if (values[y * w + x] <= PRODUCT_LIKE) continue;
      if (x < tx0) tx0 = x;
      if (x > tx1) tx1 = x;
      if (y < ty0) ty0 = y;
      if (y > ty1) ty1 = y;
    }
  }
  const box = tx1 >= 0 && (tx1 - tx0 + 1) * (ty1 - ty0 + 1) >= 4
    ? { x: tx0, y: ty0, bw: tx1 - tx0 + 1, bh: ty1 - ty0 + 1 }
    : { x: best.x, y: best.y, bw: best.bw, bh: best.bh };
  let inside = 0;
  for (let y = box.y; y < box.y + box.bh; y++) for (let x = box.x; x < box.x + box.bw; x++) inside += values[y * w + x];
  return {
    box: { x: box.x / w, y: box.y / h, width: box.bw / w, height: box.bh / h },
    confidence: inside / (box.bw * box.bh),
    productLikeShare: productLike / values.length,
  };
}

interface LikelihoodMap {
  width: number;
  height: number;
  values: Float32Array;
}

/** Per-pixel likelihood that the pixel belongs to the product, on a ≤LOCATE_SIDE thumbnail, lightly smoothed. */
function likelihoodMap(img: RawRgb, model: ProductColorModel): LikelihoodMap {
  const long = Math.max(img.width, img.height);
  const short = Math.min(img.width, img.height);
  const side = Math.min(LOCATE_MAX_SIDE, Math.max(LOCATE_SIDE, Math.round((LOCATE_SHORT_SIDE * long) / short)));
  const small = downsample(img, side);
  const imageHist = new Float32Array(BINS);
  const n = small.width * small.height;
  let total = 0;
  for (let i = 0; i < n; i++) total += vote(imageHist, small.data[i * 3], small.data[i * 3 + 1], small.data[i * 3 + 2]);
  for (let b = 0; b < BINS; b++) imageHist[b] /= total;
  const ratio = new Float32Array(BINS);
  for (let b = 0; b < BINS; b++) ratio[b] = imageHist[b] > 0 ? Math.min(1, model.histogram[b] / imageHist[b]) : 0;
  const raw = new Float32Array(n);
  for (let i = 0; i < n; i++) raw[i] = lookup(ratio, small.data[i * 3], small.data[i * 3 + 1], small.data[i * 3 + 2]);
  const backdrop = fitBackground(small);
  if (backdrop.inlierShare >= MIN_BACKDROP_FIT) {
    // Pixels the smooth backdrop explains are scene, whatever their colour: weight 0 at the noise floor, 1 at twice it.
    const dist = backgroundDistance(small, backdrop);
    const floor = subjectThresholdFloor(backdrop);
    for (let i = 0; i < n; i++) raw[i] *= Math.min(1, Math.max(0, (dist[i] - floor / 2) / floor));
  }
  return { width: small.width, height: small.height, values: boxBlur3(raw, small.width, small.height) };
}

/** Trilinear soft vote of one colour into the histogram (tolerates small shading and grading shifts). Returns the weight added. */
function vote(hist: Float32Array, r: number, g: number, b: number): number {
  const s = (LEVELS - 1) / 255;
  const fr = r * s;
  const fg = g * s;
  const fb = b * s;
  const r0 = Math.floor(fr);
  const g0 = Math.floor(fg);
  const b0 = Math.floor(fb);
  for (let dr = 0; dr <= 1; dr++) {
    const wr = dr ? fr - r0 : 1 - (fr - r0);
    const ri = Math.min(LEVELS - 1, r0 + dr);
    for (let dg = 0; dg <= 1; dg++) {
      const wg = dg ? fg - g0 : 1 - (fg - g0);
      const gi = Math.min(LEVELS - 1, g0 + dg);
      for (let db = 0; db <= 1; db++) {
        const wb = db ? fb - b0 : 1 - (fb - b0);
        const bi = Math.min(LEVELS - 1, b0 + db);
        hist[(ri * LEVELS + gi) * LEVELS + bi] += wr * wg * wb;
      }
    }
  }
  return 1;
}

function lookup(table: Float32Array, r: number, g: number, b: number): number {
  const s = (LEVELS - 1) / 255;
  const fr = r * s;
  const fg = g * s;
  const fb = b * s;
  const r0 = Math.floor(fr);
  const g0 = Math.floor(fg);
  const b0 = Math.floor(fb);
  let v = 0;
  for (let dr = 0; dr <= 1; dr++) {
    const wr = dr ? fr - r0 : 1 - (fr - r0);
    const ri = Math.min(LEVELS - 1, r0 + dr);
    for (let dg = 0; dg <= 1; dg++) {
      const wg = dg ? fg - g0 : 1 - (fg - g0);
      const gi = Math.min(LEVELS - 1, g0 + dg);
      for (let db = 0; db <= 1; db++) {
        const wb = db ? fb - b0 : 1 - (fb - b0);
        const bi = Math.min(LEVELS - 1, b0 + db);
        v += wr * wg * wb * table[(ri * LEVELS + gi) * LEVELS + bi];
      }
    }
  }
  return v;
}

/** Area-average downsample so the long side is at most `maxSide`. */
export function downsample(img: RawRgb, maxSide: number): RawRgb {
  const scale = Math.max(img.width, img.height) / maxSide;
  if (scale <= 1) return img;
  const w = Math.max(1, Math.round(img.width / scale));
  const h = Math.max(1, Math.round(img.height / scale));
  const out = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    const sy0 = Math.floor((y * img.height) / h);
    const sy1 = Math.max(sy0 + 1, Math.floor(((y + 1) * img.height) / h));
    for (let x = 0; x < w; x++) {
      const sx0 = Math.floor((x * img.width) / w);
      const sx1 = Math.max(sx0 + 1, Math.floor(((x + 1) * img.width) / w));
      let r = 0;
      let g = 0;
      let b = 0;
      let c = 0;
      for (let sy = sy0; sy < sy1; sy++) {
        for (let sx = sx0; sx < sx1; sx++) {
          const i = (sy * img.width + sx) * 3;
          r += img.data[i];
          g += img.data[i + 1];
          b += img.data[i + 2];
          c++;
        }
      }
      const o = (y * w + x) * 3;
      out[o] = r / c;
      out[o + 1] = g / c;
      out[o + 2] = b / c;
    }
  }
  return { data: out, width: w, height: h };
}

function boxBlur3(values: Float32Array, w: number, h: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      let c = 0;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= h) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= w) continue;
          s += values[yy * w + xx];
          c++;
        }
      }
      out[y * w + x] = s / c;
    }
  }
  return out;
}
