/**
 * Background model: a smooth colour field (quadratic in x and y, per channel) fitted robustly to the border
 * ring. It explains plain backdrops and studio gradients/vignettes alike; what it cannot explain is either the
 * subject touching the edge or a busy background. The model is in normalised coordinates (u, v in 0..1), so a
 * model fitted on a thumbnail applies to the full-size image.
 */
import { colorDistance, type Rgb } from './color.js';
import type { RawRgb } from './decode.js';
import { solveLinear } from './linear-solve.js';

export interface BackgroundModel {
  /** Per channel, coefficients of [1, u, v, u², v², uv] with u, v in 0..1. */
  coef: [number[], number[], number[]];
  /** Median colour of the ring. */
  median: Rgb;
  /** Share of ring pixels within BACKGROUND_TOLERANCE of the model. */
  inlierShare: number;
  /** RMS distance of inlier ring pixels from the model (noise level). */
  noise: number;
  /** Mean neighbour difference between adjacent inlier ring pixels. */
  roughness: number;
  /** Ring thickness in pixels. */
  ring: number;
}

/** RGB distance within which a border pixel counts as "explained by the background model". */
export const BACKGROUND_TOLERANCE = 24;

function ringThickness(width: number, height: number): number {
  return Math.max(2, Math.round(0.03 * Math.min(width, height)));
}

function isRingPixel(x: number, y: number, width: number, height: number, ring: number): boolean {
  return x < ring || y < ring || x >= width - ring || y >= height - ring;
}

function basis(u: number, v: number): number[] {
  return [1, u, v, u * u, v * v, u * v];
}

export function backgroundAt(model: Pick<BackgroundModel, 'coef'>, u: number, v: number): Rgb {
  return [channelAt(model.coef[0], u, v), channelAt(model.coef[1], u, v), channelAt(model.coef[2], u, v)];
}

/**
 * The model along one row (fixed v): per channel the quadratic a + b·u + q·u² in u, as
 * [aR, bR, qR, aG, bG, qG, aB, bB, qB]. Hot loops evaluate rows with this instead of channelAt per pixel.
 */
export function backgroundRow(model: Pick<BackgroundModel, 'coef'>, v: number): number[] {
  return model.coef.flatMap((c) => [c[0] + c[2] * v + c[4] * v * v, c[1] + c[5] * v, c[3]]);
}

function channelAt(c: readonly number[], u: number, v: number): number {
  return c[0] + c[1] * u + c[2] * v + c[3] * u * u + c[4] * v * v + c[5] * u * v;
}

/** Distance of pixel (x, y) from the model, without allocating (hot loops). */
function distanceAt(img: RawRgb, model: Pick<BackgroundModel, 'coef'>, x: number, y: number): number {
  const u = img.width > 1 ? x / (img.width - 1) : 0.5;
  const v = img.height > 1 ? y / (img.height - 1) : 0.5;
  const i = (y * img.width + x) * 3;
  const dr = img.data[i] - channelAt(model.coef[0], u, v);
  const dg = img.data[i + 1] - channelAt(model.coef[1], u, v);
  const db = img.data[i + 2] - channelAt(model.coef[2], u, v);
  return Math.sqrt(dr * dr + dg * dg + db * db);
}

export function fitBackground(img: RawRgb): BackgroundModel {
  const { width, height, data } = img;
  const ring = ringThickness(width, height);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (isRingPixel(x, y, width, height, ring)) {
        xs.push(x);
        ys.push(y);
      }
    }
  }
  const m = xs.length;
  const px = (j: number, ch: number) => data[(ys[j] * width + xs[j]) * 3 + ch];
  const median = [0, 1, 2].map((ch) => {
    const vals = Array.from({ length: m }, (_, j) => px(j, ch)).sort((a, b) => a - b);
    return vals[m >> 1];
  }) as Rgb;
  const uOf = (j: number) => (width > 1 ? xs[j] / (width - 1) : 0.5);
  const vOf = (j: number) => (height > 1 ? ys[j] / (height - 1) : 0.5);

  // Start from the ring pixels near the median colour, then refit on the pixels the model explains.
  let inlier = Array.from({ length: m }, (_, j) => colorDistance([px(j, 0), px(j, 1), px(j, 2)], median) < 60);
  let coef: [number[], number[], number[]] = [[median[0], 0, 0, 0, 0, 0], [median[1], 0, 0, 0, 0, 0], [median[2], 0, 0, 0, 0, 0]];
  const residual = new Float64Array(m);
  for (let iter = 0; iter < 4; iter++) {
    const fitted = fitQuadratic(m, inlier, uOf, vOf, px);
    if (fitted) coef = fitted;
    for (let j = 0; j < m; j++) residual[j] = distanceAt(img, { coef }, xs[j], ys[j]);
    const sortedRes = Array.from(residual).sort((a, b) => a - b);
    const cut = Math.max(BACKGROUND_TOLERANCE, 3 * sortedRes[m >> 1]);
    inlier = Array.from(residual, (r) => r <= cut);
  }
  let inliers = 0;
  let noiseSq = 0;
  for (let j = 0; j < m; j++) {
    if (residual[j] <= BACKGROUND_TOLERANCE) {
      inliers++;
      noiseSq += residual[j] * residual[j];
    }
  }
  return {
    coef,
    median,
    inlierShare: inliers / m,
    noise: inliers ? Math.sqrt(noiseSq / inliers) : 255,
    roughness: ringRoughness(img, ring, { coef }),
    ring,
  };
}

/** Least squares for the six quadratic coefficients per channel over the selected ring pixels. */
function fitQuadratic(
  m: number,
  use: boolean[],
  uOf: (j: number) => number,
  vOf: (j: number) => number,
  px: (j: number, ch: number) => number,
): [number[], number[], number[]] | null {
  const ata = Array.from({ length: 6 }, () => new Array<number>(6).fill(0));
  const atb = [0, 1, 2].map(() => new Array<number>(6).fill(0));
  let count = 0;
  for (let j = 0; j < m; j++) {
    if (!use[j]) continue;
    count++;
    const b = basis(uOf(j), vOf(j));
    for (let r = 0; r < 6; r++) {
      for (let c = 0; c < 6; c++) ata[r][c] += b[r] * b[c];
      for (let ch = 0; ch < 3; ch++) atb[ch][r] += b[r] * px(j, ch);
    }
  }
  if (count < 12) return null;
  // A little ridge keeps the system solvable when the inliers cover only part of the ring.
  for (let r = 1; r < 6; r++) ata[r][r] += 1e-3 * count;
  const solved = atb.map((rhs) => solveLinear(ata, rhs));
  return solved.every(Boolean) ? (solved as [number[], number[], number[]]) : null;
}

/** Texture of the background: mean per-channel difference between horizontally/vertically adjacent ring pixels the model explains. */
function ringRoughness(img: RawRgb, ring: number, model: Pick<BackgroundModel, 'coef'>): number {
  const { width, height, data } = img;
  const explained = (x: number, y: number) => distanceAt(img, model, x, y) <= BACKGROUND_TOLERANCE * 2;
  let sum = 0;
  let pairs = 0;
  for (let y = 0; y < height - 1; y++) {
    for (let x = 0; x < width - 1; x++) {
      if (!isRingPixel(x, y, width, height, ring) || !explained(x, y)) continue;
      const i = (y * width + x) * 3;
      for (const j of [i + 3, i + width * 3]) {
        sum += (Math.abs(data[i] - data[j]) + Math.abs(data[i + 1] - data[j + 1]) + Math.abs(data[i + 2] - data[j + 2])) / 3;
        pairs++;
      }
    }
  }
  // No explained pixels at all is the busiest background there is.
  return pairs ? sum / pairs : 255;
}

/** Per-pixel distance from the background model (the model is in normalised coordinates, so it may come from a smaller thumbnail). */
export function backgroundDistance(img: RawRgb, model: Pick<BackgroundModel, 'coef'>): Float32Array {
  const { width, height, data } = img;
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const v = height > 1 ? y / (height - 1) : 0.5;
    const [ar, br, qr, ag, bg, qg, ab, bb, qb] = backgroundRow(model, v);
    for (let x = 0; x < width; x++) {
      const u = width > 1 ? x / (width - 1) : 0.5;
      const i = y * width + x;
      const dr = data[i * 3] - (ar + br * u + qr * u * u);
      const dg = data[i * 3 + 1] - (ag + bg * u + qg * u * u);
      const db = data[i * 3 + 2] - (ab + bb * u + qb * u * u);
      out[i] = Math.sqrt(dr * dr + dg * dg + db * db);
    }
  }
  return out;
}
