/**
 * Dominant colours: weighted k-means over a 4-bit-per-channel histogram (at most 4096 points), seeded
 * deterministically by weighted farthest-point picking, so results never depend on chance.
 */
import { colorDistance, toHex, type Rgb } from './color.js';
import type { RawRgb } from './decode.js';

export interface PaletteColor {
  hex: string;
  /** Share of the image's pixels, 0..1. */
  share: number;
}

const PALETTE_SIZE = 5;
/** Clusters closer than this (RGB distance) are one colour. */
const PALETTE_MERGE_DISTANCE = 28;
const PALETTE_MIN_SHARE = 0.01;
const KMEANS_ITERATIONS = 12;

/** Up to `k` dominant colours, most dominant first (ties by hex), each at least 1% of the pixels. */
export function dominantColors(img: RawRgb, k = PALETTE_SIZE): PaletteColor[] {
  const n = img.width * img.height;
  const points = histogramPoints(img);
  const centers = seedCenters(points, k);
  const assign = new Int32Array(points.length);
  for (let iter = 0; iter < KMEANS_ITERATIONS; iter++) {
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

interface WeightedColor {
  w: number;
  c: Rgb;
}

/** The image's pixels binned at 4 bits per channel: each bin's mean colour weighted by its count, in bin order. */
function histogramPoints(img: RawRgb): WeightedColor[] {
  const bins = new Map<number, { count: number; sum: Rgb }>();
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
  return [...bins.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([, bin]) => ({ w: bin.count, c: bin.sum.map((s) => s / bin.count) as Rgb }));
}

/** The heaviest point, then repeatedly the point with the largest weight × squared distance to the centres so far. */
function seedCenters(points: readonly WeightedColor[], k: number): Rgb[] {
  const centers: Rgb[] = [];
  let heaviest = points[0];
  for (const p of points) if (p.w > heaviest.w) heaviest = p;
  centers.push([...heaviest.c]);
  while (centers.length < k) {
    let best: WeightedColor | undefined;
    let bestScore = 0;
    for (const p of points) {
      const d = Math.min(...centers.map((c) => colorDistance(p.c, c)));
      const score = p.w * d * d;
      if (score > bestScore) [best, bestScore] = [p, score];
    }
    if (!best || bestScore === 0) break;
    centers.push([...best.c]);
  }
  return centers;
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
export function mergeClose<T extends { c: Rgb; w: number }>(items: T[], distance: number): { c: Rgb; w: number }[] {
  const sorted = [...items].sort((a, b) => b.w - a.w);
  const out: { c: Rgb; w: number }[] = [];
  for (const it of sorted) {
    const target = out.find((o) => colorDistance(o.c, it.c) < distance);
    if (!target) {
      out.push({ c: [...it.c], w: it.w });
      continue;
    }
    const w = target.w + it.w;
    target.c = target.c.map((v, i) => (v * target.w + it.c[i] * it.w) / w) as Rgb;
    target.w = w;
  }
  return out;
}
