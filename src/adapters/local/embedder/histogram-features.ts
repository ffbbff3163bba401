/**
 * Zero-weight image features on a small square thumbnail of the product (no model, ~3 ms/image):
 *  - colour: HSV histogram of the product's pixels (background excluded), chromatic hue×saturation×value
 *    bins plus grey-level bins for unsaturated pixels;
 *  - gradient: HOG-like orientation histograms (unsigned, magnitude-weighted) on a 4×4 grid;
 *  - silhouette: the foreground mask at 8×8 (where the product is within its square).
 * Each part is square-rooted (Hellinger) and L2-normalised on its own so the parts weigh what their weight says.
 */
import type { RgbImage } from './raw-image.js';

export const THUMBNAIL_SIZE = 64;

const HUE_BINS = 12;
const GREY_BINS = 8;
/** Chromatic pixels: 12 hues × 2 saturation × 2 value levels; unsaturated or dark pixels: 8 grey levels. */
export const COLOUR_DIMS = HUE_BINS * 2 * 2 + GREY_BINS;
const GRID = 4;
const ORIENTATIONS = 9;
export const GRADIENT_DIMS = GRID * GRID * ORIENTATIONS;
const MASK_GRID = 8;
export const SILHOUETTE_DIMS = MASK_GRID * MASK_GRID;

/** Same threshold as product-box.ts: a pixel is product when a channel differs this much from the background. */
const FOREGROUND_DISTANCE = 24;

export interface HistogramParts {
  colour: Float32Array;
  gradient: Float32Array;
  silhouette: Float32Array;
}

/**
 * `thumb` is the product's square crop at THUMBNAIL_SIZE, padded with `background`.
 */
export function histogramParts(thumb: RgbImage, background: readonly [number, number, number]): HistogramParts {
  const { data, width, height } = thumb;
  const n = width * height;
  const grey = new Float32Array(n);
  const fg = new Uint8Array(n);
  const colour = new Float32Array(COLOUR_DIMS);
  for (let p = 0; p < n; p++) {
    const r = data[p * 3];
    const g = data[p * 3 + 1];
    const b = data[p * 3 + 2];
    grey[p] = 0.299 * r + 0.587 * g + 0.114 * b;
    const d = Math.max(Math.abs(r - background[0]), Math.abs(g - background[1]), Math.abs(b - background[2]));
    if (d <= FOREGROUND_DISTANCE) continue;
    fg[p] = 1;
    colour[colourBin(r, g, b)] += 1;
  }

  const gradient = new Float32Array(GRADIENT_DIMS);
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const p = y * width + x;
      // Sobel
      const gx = grey[p - width + 1] + 2 * grey[p + 1] + grey[p + width + 1] - grey[p - width - 1] - 2 * grey[p - 1] - grey[p + width - 1];
      const gy = grey[p + width - 1] + 2 * grey[p + width] + grey[p + width + 1] - grey[p - width - 1] - 2 * grey[p - width] - grey[p - width + 1];
      const mag = Math.hypot(gx, gy);
      if (mag === 0) continue;
      let angle = Math.atan2(gy, gx);
      if (angle < 0) angle += Math.PI; // unsigned orientation: dark-on-light and light-on-dark edges alike
      const o = Math.min(ORIENTATIONS - 1, Math.floor((angle / Math.PI) * ORIENTATIONS));
      const cell = Math.floor((y * GRID) / height) * GRID + Math.floor((x * GRID) / width);
      gradient[cell * ORIENTATIONS + o] += mag;
    }
  }

  const silhouette = new Float32Array(SILHOUETTE_DIMS);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (fg[y * width + x]) silhouette[Math.floor((y * MASK_GRID) / height) * MASK_GRID + Math.floor((x * MASK_GRID) / width)] += 1;
    }
  }
  return { colour: hellinger(colour), gradient: hellinger(gradient), silhouette: hellinger(silhouette) };
}

function colourBin(r: number, g: number, b: number): number {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const v = max / 255;
  const s = max === 0 ? 0 : (max - min) / max;
  if (s < 0.2 || v < 0.2) return HUE_BINS * 4 + Math.min(GREY_BINS - 1, Math.floor(v * GREY_BINS));
  let h: number;
  const c = max - min;
  if (max === r) h = ((g - b) / c + 6) % 6;
  else if (max === g) h = (b - r) / c + 2;
  else h = (r - g) / c + 4;
  const hue = Math.min(HUE_BINS - 1, Math.floor((h / 6) * HUE_BINS));
  return hue * 4 + (s < 0.55 ? 0 : 2) + (v < 0.6 ? 0 : 1);
}

/** Square root of each bin (Hellinger kernel), then unit L2 norm; all-zero stays zero. */
function hellinger(v: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) {
    v[i] = Math.sqrt(v[i]);
    sum += v[i] * v[i];
  }
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i] /= norm;
  return v;
}
