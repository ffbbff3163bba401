/**
 * Colour, light and layout measurements of one image, shared by the offline style analyzer
 * (which turns them into words) and the offline compositor (which turns them into a scene).
 * Everything is computed on a small thumbnail and is deterministic: the same bytes give the same numbers.
 */
import { decodeOriented } from '../catalog/load-image.js';
import { HitlineError } from '../core/errors.js';

/** Interleaved 8-bit RGB pixels. */
export interface RawRgb {
  data: Uint8Array;
  width: number;
  height: number;
}

export interface PaletteColor {
  hex: string;
  /** Share of the image's pixels, 0..1. */
  share: number;
}

/** A box in fractions of the image's width and height (0..1). */
export type { FractionBox } from '../core/geometry.js';
import type { FractionBox } from '../core/geometry.js';

export type BackgroundKind = 'plain' | 'gradient' | 'busy';

export interface BackgroundStats {
  /** Median colour of the border ring. */
  color: string;
  /** Background colour along the top and bottom edges, from the fitted model. */
  topColor: string;
  bottomColor: string;
  /** Share of border pixels that one smooth colour field explains (within 20/255 per channel on average). */
  plainness: number;
  /** Mean neighbour-to-neighbour difference inside the background, 0..255: texture. */
  roughness: number;
  kind: BackgroundKind;
  /** Which side of the backdrop is brighter (a hint of the key light's side). */
  brighterSide: 'left' | 'right' | 'even';
}

export interface SubjectStats {
  /** Bounding box of the pixels that differ from the background. */
  bbox: FractionBox;
  /** Centre of mass of those pixels. */
  center: { x: number; y: number };
  /** Share of the image those pixels cover. */
  area: number;
  /** Share of each edge the subject touches (a subject cut by the frame, e.g. a model's torso at the bottom). */
  touches: { top: number; bottom: number; left: number; right: number };
}

export interface ImageStats {
  /** Pixel size after EXIF orientation. */
  width: number;
  height: number;
  /** width / height */
  aspect: number;
  /** Dominant colours, most dominant first. */
  palette: PaletteColor[];
  /** Mean luma, 0..1. */
  brightness: number;
  /** Standard deviation of luma, 0..1. */
  contrast: number;
  /** Mean (R − B) / 255: positive is warm, negative is cool. */
  warmth: number;
  temperature: 'warm' | 'neutral' | 'cool';
  /** Mean HSV saturation, 0..1. */
  saturation: number;
  background: BackgroundStats;
  /** null when the background is too busy to tell subject from background. */
  subject: SubjectStats | null;
}

/** Long side of the thumbnail the statistics are measured on. */
export const STATS_THUMBNAIL_SIDE = 160;

/** Warmth beyond ±this is called warm / cool. */
const WARMTH_THRESHOLD = 0.04;

/**
 * Decodes image bytes to RGB with EXIF orientation applied and transparency flattened onto white,
 * downscaled so the long side is at most `maxSide` (never enlarged).
 */
export async function decodeRgb(bytes: Buffer, maxSide: number): Promise<RawRgb> {
  try {
    const { data, info } = await decodeOriented(bytes)
      .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`expected 3 channels after decoding, got ${info.channels}`);
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
  } catch (error) {
    throw new HitlineError(`could not decode the image: ${(error as Error).message}`, {
      hint: 'Use a JPEG, PNG or WebP file that opens in an image viewer.',
      cause: error,
    });
  }
}

/** Measures an image from its file bytes. */
export async function measureImage(bytes: Buffer): Promise<ImageStats> {
  const meta = await decodeOriented(bytes)
    .metadata()
    .catch((error: Error) => {
      throw new HitlineError(`could not read the image: ${error.message}`, { hint: 'Use a JPEG, PNG or WebP file that opens in an image viewer.', cause: error });
    });
  const img = await decodeRgb(bytes, STATS_THUMBNAIL_SIDE);
  const width = meta.autoOrient?.width ?? meta.width ?? img.width;
  const height = meta.autoOrient?.height ?? meta.height ?? img.height;
  return { width, height, aspect: width / height, ...measureRgb(img) };
}

/** The measurements that depend only on pixels (the thumbnail). */
export function measureRgb(img: RawRgb): Omit<ImageStats, 'width' | 'height' | 'aspect'> {
  const { data } = img;
  const n = img.width * img.height;
  let lumaSum = 0;
  let lumaSq = 0;
  let warmSum = 0;
  let satSum = 0;
  for (let i = 0; i < n; i++) {
    const r = data[i * 3];
    const g = data[i * 3 + 1];
    const b = data[i * 3 + 2];
    const y = luma(r, g, b) / 255;
    lumaSum += y;
    lumaSq += y * y;
    warmSum += (r - b) / 255;
    const max = Math.max(r, g, b);
    satSum += max === 0 ? 0 : (max - Math.min(r, g, b)) / max;
  }
  const brightness = lumaSum / n;
  const contrast = Math.sqrt(Math.max(0, lumaSq / n - brightness * brightness));
  const warmth = warmSum / n;
  const model = fitBackground(img);
  const background = describeBackground(img, model);
  return {
    palette: dominantColors(img),
    brightness,
    contrast,
    warmth,
    temperature: warmth > WARMTH_THRESHOLD ? 'warm' : warmth < -WARMTH_THRESHOLD ? 'cool' : 'neutral',
    saturation: satSum / n,
    background,
    subject: background.kind === 'busy' ? null : findSubject(img, model),
  };
}

export function luma(r: number, g: number, b: number): number {
  return 0.299 * r + 0.587 * g + 0.114 * b;
}

export function toHex(rgb: readonly number[]): string {
  return '#' + rgb.slice(0, 3).map((c) => Math.max(0, Math.min(255, Math.round(c))).toString(16).padStart(2, '0')).join('');
}

export function fromHex(hex: string): [number, number, number] {
  const v = parseInt(hex.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

export function colorDistance(a: readonly number[], b: readonly number[]): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

// ---------------------------------------------------------------------------------------------
// Dominant colours: weighted k-means over a 4-bit-per-channel histogram (at most 4096 points),
// seeded deterministically by weighted farthest-point picking, so results never depend on chance.

const PALETTE_SIZE = 5;
/** Clusters closer than this (RGB distance) are one colour. */
const PALETTE_MERGE_DISTANCE = 28;
const PALETTE_MIN_SHARE = 0.01;

export function dominantColors(img: RawRgb, k = PALETTE_SIZE): PaletteColor[] {
  const bins = new Map<number, { count: number; sum: [number, number, number] }>();
  const n = img.width * img.height;
  for (let i = 0; i < n; i++) {
    const r = img.data[i * 3];
    const g = img.data[i * 3 + 1];
    const b = img.data[i * 3 + 2];
    const key = ((r >> 4) << 8) | ((g >> 4) << 4) | (b >> 4);
    let bin = bins.get(key);
    if (!bin) bins.set(key, (bin = { count: 0, sum: [0, 0, 0] }));
    bin.count++;
    bin.sum[0] += r;
    bin.sum[1] += g;
    bin.sum[2] += b;
  }
  // Sort bins by key so iteration order (and thus ties) never depends on insertion order.
  const points = [...bins.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([, bin]) => ({ w: bin.count, c: bin.sum.map((s) => s / bin.count) as [number, number, number] }));

  const centers: [number, number, number][] = [];
  let heaviest = points[0];
  for (const p of points) if (p.w > heaviest.w) heaviest = p;
  centers.push([...heaviest.c]);
  while (centers.length < k) {
    let best: (typeof points)[number] | undefined;
    let bestScore = 0;
    for (const p of points) {
      const d = Math.min(...centers.map((c) => colorDistance(p.c, c)));
      const score = p.w * d * d;
      if (score > bestScore) [best, bestScore] = [p, score];
    }
    if (!best || bestScore === 0) break;
    centers.push([...best.c]);
  }

  const assign = new Int32Array(points.length);
  for (let iter = 0; iter < 12; iter++) {
    points.forEach((p, i) => (assign[i] = nearestIndex(p.c, centers)));
    const sums = centers.map(() => [0, 0, 0, 0]);
    points.forEach((p, i) => {
      const s = sums[assign[i]];
      s[0] += p.c[0] * p.w;
      s[1] += p.c[1] * p.w;
      s[2] += p.c[2] * p.w;
      s[3] += p.w;
    });
    sums.forEach((s, j) => {
      if (s[3] > 0) centers[j] = [s[0] / s[3], s[1] / s[3], s[2] / s[3]];
    });
  }
  let clusters = centers.map((c) => ({ c, w: 0 }));
  points.forEach((p, i) => (clusters[assign[i]].w += p.w));
  clusters = mergeClose(clusters.filter((c) => c.w > 0), PALETTE_MERGE_DISTANCE);
  return clusters
    .map((c) => ({ hex: toHex(c.c), share: c.w / n }))
    .filter((c) => c.share >= PALETTE_MIN_SHARE)
    .sort((a, b) => b.share - a.share || a.hex.localeCompare(b.hex));
}

function nearestIndex(c: readonly number[], centers: readonly (readonly number[])[]): number {
  let best = 0;
  let bestD = Infinity;
  centers.forEach((center, j) => {
    const d = colorDistance(c, center);
    if (d < bestD) [best, bestD] = [j, d];
  });
  return best;
}

/** Merges weighted colours closer than `distance`, heaviest first. */
export function mergeClose<T extends { c: [number, number, number]; w: number }>(items: T[], distance: number): { c: [number, number, number]; w: number }[] {
  const sorted = [...items].sort((a, b) => b.w - a.w);
  const out: { c: [number, number, number]; w: number }[] = [];
  for (const it of sorted) {
    const target = out.find((o) => colorDistance(o.c, it.c) < distance);
    if (!target) {
      out.push({ c: [...it.c], w: it.w });
      continue;
    }
    const w = target.w + it.w;
    target.c = target.c.map((v, i) => (v * target.w + it.c[i] * it.w) / w) as [number, number, number];
    target.w = w;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Background model: a smooth colour field (quadratic in x and y, per channel) fitted robustly to the
// border ring. It explains plain backdrops and studio gradients/vignettes alike; what it cannot explain
// is either the subject touching the edge or a busy background.

export interface BackgroundModel {
  /** Per channel, coefficients of [1, u, v, u², v², uv] with u, v in 0..1. */
  coef: [number[], number[], number[]];
  /** Median colour of the ring. */
  median: [number, number, number];
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

export function ringThickness(width: number, height: number): number {
  return Math.max(2, Math.round(0.03 * Math.min(width, height)));
}

export function isRingPixel(x: number, y: number, width: number, height: number, ring: number): boolean {
  return x < ring || y < ring || x >= width - ring || y >= height - ring;
}

function basis(u: number, v: number): number[] {
  return [1, u, v, u * u, v * v, u * v];
}

export function backgroundAt(model: Pick<BackgroundModel, 'coef'>, u: number, v: number): [number, number, number] {
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
  }) as [number, number, number];
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

/** Gaussian elimination with partial pivoting; null when singular. */
export function solveLinear(matrix: number[][], rhs: number[]): number[] | null {
  const n = rhs.length;
  const a = matrix.map((row, i) => [...row, rhs[i]]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r;
    if (Math.abs(a[pivot][col]) < 1e-12) return null;
    [a[col], a[pivot]] = [a[pivot], a[col]];
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = a[r][col] / a[col][col];
      for (let c = col; c <= n; c++) a[r][c] -= f * a[col][c];
    }
  }
  return a.map((row, i) => row[n] / row[i]);
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

/** Plain: one colour, well explained. Gradient: smooth but varying. Busy: the model explains too little or the texture is rough. */
const PLAIN_MIN_SHARE = 0.75;
const PLAIN_MAX_SPREAD = 18;
const MAX_SMOOTH_ROUGHNESS = 6;

function describeBackground(img: RawRgb, model: BackgroundModel): BackgroundStats {
  const samples = [0, 0.5, 1].flatMap((u) => [0, 0.5, 1].map((v) => backgroundAt(model, u, v)));
  const spread = Math.max(...samples.flatMap((a) => samples.map((b) => colorDistance(a, b))));
  const kind: BackgroundKind =
    model.inlierShare < PLAIN_MIN_SHARE || model.roughness > MAX_SMOOTH_ROUGHNESS ? 'busy' : spread <= PLAIN_MAX_SPREAD ? 'plain' : 'gradient';
  const lumaAt = (u: number, v: number) => luma(...backgroundAt(model, u, v));
  const leftRight = (lumaAt(0, 0.3) + lumaAt(0, 0.7)) / 2 - (lumaAt(1, 0.3) + lumaAt(1, 0.7)) / 2;
  return {
    color: toHex(model.median),
    topColor: toHex(backgroundAt(model, 0.5, 0)),
    bottomColor: toHex(backgroundAt(model, 0.5, 1)),
    plainness: model.inlierShare,
    roughness: model.roughness,
    kind,
    brighterSide: kind === 'busy' || Math.abs(leftRight) < 8 ? 'even' : leftRight > 0 ? 'left' : 'right',
  };
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

/**
 * Otsu's threshold over values in 0..maxValue (256 bins): the cut that maximises between-class variance.
 * Also returns the separability (between-class / total variance, 0..1).
 */
export function otsuThreshold(values: ArrayLike<number>, maxValue = 442): { threshold: number; separability: number } {
  const bins = 256;
  const hist = new Float64Array(bins);
  const scale = (bins - 1) / maxValue;
  let total = 0;
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < values.length; i++) {
    const b = Math.min(bins - 1, Math.max(0, Math.round(values[i] * scale)));
    hist[b]++;
    total++;
    sum += b;
    sumSq += b * b;
  }
  const mean = sum / total;
  const totalVar = sumSq / total - mean * mean;
  let wB = 0;
  let sumB = 0;
  let best = 0;
  let bestVar = -1;
  for (let t = 0; t < bins; t++) {
    wB += hist[t];
    if (wB === 0) continue;
    const wF = total - wB;
    if (wF === 0) break;
    sumB += t * hist[t];
    const mB = sumB / wB;
    const mF = (sum - sumB) / wF;
    const between = (wB / total) * (wF / total) * (mB - mF) ** 2;
    if (between > bestVar) [best, bestVar] = [t, between];
  }
  return { threshold: (best + 0.5) / scale, separability: totalVar > 0 ? Math.max(0, bestVar) / totalVar : 0 };
}

/** Lowest distance from the background that counts as subject, whatever Otsu says. */
export function subjectThresholdFloor(model: Pick<BackgroundModel, 'noise'>): number {
  return Math.max(20, 3 * model.noise);
}

/** Where the subject sits: pixels that differ from the background model. */
export function findSubject(img: RawRgb, model: BackgroundModel): SubjectStats | null {
  const { width, height } = img;
  const dist = backgroundDistance(img, model);
  const threshold = Math.max(otsuThreshold(dist).threshold, subjectThresholdFloor(model));
  const colCount = new Int32Array(width);
  const rowCount = new Int32Array(height);
  let count = 0;
  let sx = 0;
  let sy = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (dist[y * width + x] <= threshold) continue;
      colCount[x]++;
      rowCount[y]++;
      count++;
      sx += x + 0.5;
      sy += y + 0.5;
    }
  }
  if (count < 0.002 * width * height) return null;
  // A row/column belongs to the subject when enough of it differs: stray noise pixels do not stretch the box.
  const minInCol = Math.max(1, 0.02 * height);
  const minInRow = Math.max(1, 0.02 * width);
  const cols = [...colCount.keys()].filter((x) => colCount[x] >= minInCol);
  const rows = [...rowCount.keys()].filter((y) => rowCount[y] >= minInRow);
  if (!cols.length || !rows.length) return null;
  const x0 = cols[0];
  const x1 = cols[cols.length - 1] + 1;
  const y0 = rows[0];
  const y1 = rows[rows.length - 1] + 1;
  const edgeShare = (fixed: 'row' | 'col', at: number) => {
    const len = fixed === 'row' ? width : height;
    let hits = 0;
    for (let k = 0; k < len; k++) {
      const i = fixed === 'row' ? at * width + k : k * width + at;
      if (dist[i] > threshold) hits++;
    }
    return hits / len;
  };
  return {
    bbox: { x: x0 / width, y: y0 / height, width: (x1 - x0) / width, height: (y1 - y0) / height },
    center: { x: sx / count / width, y: sy / count / height },
    area: count / (width * height),
    touches: { top: edgeShare('row', 0), bottom: edgeShare('row', height - 1), left: edgeShare('col', 0), right: edgeShare('col', width - 1) },
  };
}
