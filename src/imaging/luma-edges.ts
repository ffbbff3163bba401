/** Luma maps and the edges in them, for telling a product's outline from the soft ramp of a cast shadow. */
import type { RawRgb } from './decode.js';

/** Longest walk (pixels, each way) along the gradient when measuring the whole rise of an edge. */
const RISE_WALK = 6;

/** Steps along x, y and the two diagonals, with their lengths. */
const DIRECTIONS: readonly [number, number, number][] = [
  [1, 0, 1],
  [0, 1, 1],
  [1, 1, Math.SQRT2],
  [1, -1, Math.SQRT2],
];

/**
 * 1 on sharp edges. At each pixel, the blurred luma's steepest change among four directions; from the pixel,
 * a walk both ways along that direction while the luma keeps rising (falling) gives the whole rise the change is
 * part of. The edge is sharp when one pixel holds more than `limits.sharpShare` of that rise (and the change is above `limits.minStep`). Measured along
 * the edge's own profile, a pale outline next to a much stronger edge (a white sole under a red upper) is still sharp.
 */
export function sharpEdges(luma: Float32Array, width: number, height: number, limits: { minStep: number; sharpShare: number }): Uint8Array {
  const n = width * height;
  const { minStep } = limits;
  const sharp = new Uint8Array(n);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let best = 0;
      let dx = 0;
      let dy = 0;
      let sign = 1;
      for (let k = 0; k < DIRECTIONS.length; k++) {
        const d = DIRECTIONS[k];
        const x1 = Math.min(width - 1, Math.max(0, x + d[0]));
        const y1 = Math.min(height - 1, Math.max(0, y + d[1]));
        const x0 = Math.min(width - 1, Math.max(0, x - d[0]));
        const y0 = Math.min(height - 1, Math.max(0, y - d[1]));
        const diff = luma[y1 * width + x1] - luma[y0 * width + x0];
        const g = Math.abs(diff) / (2 * d[2]);
        if (g > best) {
          best = g;
          dx = d[0];
          dy = d[1];
          sign = diff > 0 ? 1 : -1;
        }
      }
      if (best <= minStep) continue;
      let top = luma[y * width + x];
      for (let t = 1; t <= RISE_WALK; t++) {
        const nx = x + t * dx;
        const ny = y + t * dy;
        if (nx < 0 || nx >= width || ny < 0 || ny >= height) break;
        const v = luma[ny * width + nx];
        if (sign * (v - top) <= 0) break;
        top = v;
      }
      let bottom = luma[y * width + x];
      for (let t = 1; t <= RISE_WALK; t++) {
        const nx = x - t * dx;
        const ny = y - t * dy;
        if (nx < 0 || nx >= width || ny < 0 || ny >= height) break;
        const v = luma[ny * width + nx];
        if (sign * (bottom - v) <= 0) break;
        bottom = v;
      }
      if (best > limits.sharpShare * Math.abs(top - bottom)) sharp[y * width + x] = 1;
    }
  }
  return sharp;
}

/** Max − min of the values over the 3 × 3 window around each pixel (clipped at the borders). */
export function localRange(values: Float32Array, width: number, height: number): Float32Array {
  const hi = new Float32Array(values.length);
  const lo = new Float32Array(values.length);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const a = values[row + (x > 0 ? x - 1 : x)];
      const b = values[row + x];
      const c = values[row + (x < width - 1 ? x + 1 : x)];
      hi[row + x] = a > b ? (a > c ? a : c) : b > c ? b : c;
      lo[row + x] = a < b ? (a < c ? a : c) : b < c ? b : c;
    }
  }
  const out = new Float32Array(values.length);
  for (let y = 0; y < height; y++) {
    const up = (y > 0 ? y - 1 : y) * width;
    const row = y * width;
    const down = (y < height - 1 ? y + 1 : y) * width;
    for (let x = 0; x < width; x++) {
      const h = Math.max(hi[up + x], hi[row + x], hi[down + x]);
      const l = Math.min(lo[up + x], lo[row + x], lo[down + x]);
      out[row + x] = h - l;
    }
  }
  return out;
}

/** Rec. 601 luma per pixel, 0..255. */
export function rawLuma(img: RawRgb): Float32Array {
  const n = img.width * img.height;
  const luma = new Float32Array(n);
  for (let i = 0; i < n; i++) luma[i] = 0.299 * img.data[i * 3] + 0.587 * img.data[i * 3 + 1] + 0.114 * img.data[i * 3 + 2];
  return luma;
}

/** Luma blurred by a 3-tap binomial filter (σ ≈ 0.7 pixel) in each direction, so noise does not look like an edge. */
export function smoothedLuma(img: RawRgb): Float32Array {
  const { width, height } = img;
  const luma = rawLuma(img);
  const tmp = new Float32Array(luma.length);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      tmp[row + x] = (luma[row + (x > 0 ? x - 1 : x)] + 2 * luma[row + x] + luma[row + (x < width - 1 ? x + 1 : x)]) / 4;
    }
  }
  for (let y = 0; y < height; y++) {
    const up = (y > 0 ? y - 1 : y) * width;
    const down = (y < height - 1 ? y + 1 : y) * width;
    for (let x = 0; x < width; x++) luma[y * width + x] = (tmp[up + x] + 2 * tmp[y * width + x] + tmp[down + x]) / 4;
  }
  return luma;
}
