/**
 * The cut-out's product mask, from each pixel's distance to the backdrop model: hysteresis from the pixels that
 * clearly differ, the significant components (a pair of shoes is two), and the holes closed where they are product.
 */
import type { BackgroundModel } from './background-model.js';
import { Flood, labelComponents, labelHoles } from './flood-fill.js';
import { dilateMask } from './mask-ops.js';

/** Components smaller than this share of the largest are specks; larger ones are kept (the second shoe of a pair). */
const KEEP_COMPONENT_SHARE = 0.2;
/** A filled hole at least this share of the product is surely product, whatever its colour. */
const SURE_HOLE_SHARE = 0.003;
/** Pixels of rim kept around what the product encloses (see enclosedAreas). */
const ENCLOSING_RIM = 2;
/** Lowest low threshold of the hysteresis. */
const LOW_THRESHOLD_MIN = 14;

/**
 * The low threshold of the hysteresis: pale parts of a product (a white sole, a light polo on white)
 * differ from the backdrop by less than Otsu's cut, but they are joined to parts that clearly differ.
 */
export function lowThreshold(model: Pick<BackgroundModel, 'noise'>, high: number): number {
  return Math.min(high, Math.max(LOW_THRESHOLD_MIN, 3 * model.noise + 4));
}

/** Hysteresis: pixels above `high` are product; pixels above `low` are product when 8-connected to one that is. */
export function growFromSeeds(dist: Float32Array, width: number, height: number, high: number, low: number): Uint8Array {
  const flood = new Flood(width, height);
  const aboveLow = new Uint8Array(dist.length);
  for (let i = 0; i < dist.length; i++) {
    aboveLow[i] = dist[i] > low ? 1 : 0;
    if (dist[i] > high) flood.seed(i);
  }
  return flood.spread(8, aboveLow).reached;
}

/**
 * The areas the product (before any shadow is taken away) encloses and that would be filled as product, with a
 * rim of ENCLOSING_RIM pixels around them: a pale midsole between a shoe's upper and outsole, whose end fades
 * into the backdrop through a shadow-like grey, stays enclosed.
 */
export function enclosedAreas(dist: Float32Array, model: Pick<BackgroundModel, 'noise'>, width: number, height: number, high: number, low: number): Uint8Array {
  const { mask } = keepSignificantComponents(growFromSeeds(dist, width, height, high, low), width, height);
  // Only the holes large enough to be surely product: the specks of backdrop noise that a shadow encloses are not.
  const { certain } = closeHoles(mask, dist, model, width, height);
  let out: Uint8Array = new Uint8Array(certain.length);
  for (let i = 0; i < out.length; i++) out[i] = certain[i] && !mask[i] ? 1 : 0;
  for (let r = 0; r < ENCLOSING_RIM; r++) out = dilateMask(out, width, height);
  return out;
}

/**
 * Closes the holes in the mask. A hole that looks exactly like the backdrop (smooth, backdrop-coloured:
 * the space inside a bag's handle or a chain strap) stays open. Other holes are product (a pale print inside
 * a dark shirt) and are filled; `certain` marks the large ones as surely opaque, while tiny ones (a speck of
 * backdrop caught in a concave corner) are left to the edge matte to decide by colour.
 */
export function closeHoles(mask: Uint8Array, dist: Float32Array, model: Pick<BackgroundModel, 'noise'>, width: number, height: number): { filled: Uint8Array; certain: Uint8Array } {
  const holes = labelHoles(mask, width, height);
  const n = holes.areas.length;
  const sum = new Float64Array(n);
  const sumSq = new Float64Array(n);
  let objectArea = 0;
  for (let p = 0; p < mask.length; p++) {
    objectArea += mask[p];
    const id = holes.labels[p];
    if (!id) continue;
    sum[id] += dist[p];
    sumSq[id] += dist[p] * dist[p];
  }
  const backdropLike = 2 * model.noise + 4;
  const open = holes.areas.map((area, id) => {
    if (id === 0 || area === 0) return false;
    const mean = sum[id] / area;
    const std = Math.sqrt(Math.max(0, sumSq[id] / area - mean * mean));
    return mean <= backdropLike && std <= backdropLike;
  });
  const large = holes.areas.map((area) => area >= SURE_HOLE_SHARE * objectArea);
  const filled = Uint8Array.from(mask);
  const certain = Uint8Array.from(mask);
  for (let p = 0; p < mask.length; p++) {
    const id = holes.labels[p];
    if (!id || open[id]) continue;
    filled[p] = 1;
    if (large[id]) certain[p] = 1;
  }
  return { filled, certain };
}

/** Keeps the largest component and every component at least KEEP_COMPONENT_SHARE of it. */
export function keepSignificantComponents(mask: Uint8Array, width: number, height: number): { mask: Uint8Array; pieces: number; speckShare: number } {
  const { labels, areas } = labelComponents(mask, width, height);
  const total = areas.reduce((s, a) => s + a, 0);
  const largest = Math.max(0, ...areas);
  const keep = areas.map((a, id) => id > 0 && a > 0 && a >= KEEP_COMPONENT_SHARE * largest);
  const out = new Uint8Array(mask.length);
  let kept = 0;
  for (let i = 0; i < out.length; i++) {
    if (keep[labels[i]]) {
      out[i] = 1;
      kept++;
    }
  }
  return { mask: out, pieces: keep.filter(Boolean).length, speckShare: total ? 1 - kept / total : 0 };
}
