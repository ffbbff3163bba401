/**
 * The soft shadow a product casts on its own backdrop (a flat lay's drop shadow, the shade under a hem).
 * It differs from the fitted backdrop, so a colour-distance cut-out takes it for product; but it is backdrop,
 * only dimmer: the backdrop's chromaticity at 55–97% of its luma (lighter than that it is within the backdrop's
 * own tolerance anyway), fading into the open backdrop gradually instead of meeting it at a sharp edge.
 *
 * A pixel is cast shadow when it looks like the dimmed backdrop AND a flood from the photo's border reaches it
 * without crossing a sharp edge. That keeps what must stay product:
 * - coloured products (a navy sneaker, a sage dress) and very dark ones (a black bag) do not look like the
 *   dimmed backdrop at all;
 * - grey and white products (a grey cardigan, a white sole) do, but their outline is a sharp edge;
 * - a shadow-coloured area enclosed by the product (a pale print, the shade inside a handle) is never reached,
 *   and the caller walls off what the product encloses (`keep`), so that the shadow-like rim around a pale area
 *   (a white midsole fading into a white backdrop at its end) is not taken away to let the area out.
 * Where a grey part and its own shadow have the same luma, its outline shows no edge for a few pixels. What keeps
 * the flood out of there: it does not squeeze through channels a pixel or two wide; flat grey areas walled in by
 * edges nearly all round are walls themselves (a cast shadow is a ramp, or where flat, open to one); and a piece
 * of "shadow" that reaches farther from the open backdrop than a shadow does is given back to the product whole
 * (the cut-out then keeps that shadow, as before, rather than losing part of the product).
 */
import { backgroundRow, type BackgroundModel } from './background-model.js';
import type { RawRgb } from './decode.js';
import { Flood, labelComponents } from './flood-fill.js';
import { rawLuma, sharpEdges, smoothedLuma } from './luma-edges.js';
import { dilateMask as dilate, erodeMask as erode } from './mask-ops.js';
import { greyPlates } from './shadow-plates.js';

/** What counts as the backdrop in shadow. Exported so tests and reports can quote them. */
export const SHADOW_LIMITS = {
  /** Darkest cast shadow, as a share of the backdrop's luma; darker is product (a black bag, a navy shoe). */
  minLumaRatio: 0.55,
  /** Colour distance (0..442) allowed between a pixel and the backdrop dimmed to the pixel's luma, plus `chromaPerNoise` × the backdrop's noise. */
  chroma: 7,
  chromaPerNoise: 1,
  /**
   * An edge is sharp where the (lightly blurred) luma changes, in one pixel, by more than this share of the
   * whole monotone rise it is part of: a product's outline, even a pale one (a white sole on white), rises in a
   * pixel or two (over a third per pixel); a soft shadow over many (a fifth or less).
   */
  sharpShare: 0.26,
  /** Changes below this many luma levels per pixel (plus `minStepPerNoise` × noise) are never an edge. */
  minStep: 1.5,
  minStepPerNoise: 0.3,
  /** Farthest a cast shadow reaches from the open backdrop it fades into, as a share of the picture's long side. */
  maxReach: 0.06,
  /**
   * Long side (pixels) below which nothing is taken for shadow. In a thumbnail a soft shadow and the product's
   * own shading (the curve of a white sole, the folds of a white sleeve) both span a handful of pixels and cannot
   * be told apart; keeping a shadow there is better than eating into a white product.
   */
  minSide: 400,
} as const;

/** Half the width of the narrowest passage the flood goes through on its own (see `flood`). */
const NARROW_REACH = 1;
/** Pixels the flood may go on past where the closed edges stopped it, to reach the shadow right beside the product. */
const EDGE_REACH = 3;
/** Largest luma step between neighbours (plus the noise) on those last pixels: the outline itself jumps by more. */
const MAX_JUMP = 8;
/** Largest pocket of shadow in a concave corner, as a share of the picture (and in pixels). */
const POCKET_SHARE = 0.0001;
const POCKET_MIN_AREA = 12;
/** Reach (pixels) always allowed, however small the picture. */
const MIN_REACH = 6;

/**
 * 1 for each pixel of `img` that is shadow cast on the backdrop (not product), 0 otherwise.
 * `dist` is each pixel's distance from the backdrop model and `plain` the distance up to which a pixel is
 * plain backdrop; only pixels beyond `plain` are ever marked (the others are not product anyway).
 * `keep` (optional) marks pixels that are product whatever they look like; the flood does not cross them.
 */
export function backdropShadow(img: RawRgb, model: Pick<BackgroundModel, 'coef' | 'noise'>, dist: Float32Array, plain: number, keep?: Uint8Array): Uint8Array {
  const { width, height } = img;
  const n = width * height;
  if (Math.max(width, height) < SHADOW_LIMITS.minSide) return new Uint8Array(n);
  const like = dimmedBackdrop(img, model);
  const luma = smoothedLuma(img);
  const sharp = sharpEdges(luma, width, height, { minStep: SHADOW_LIMITS.minStep + SHADOW_LIMITS.minStepPerNoise * model.noise, sharpShare: SHADOW_LIMITS.sharpShare });
  const walls = greyPlates(luma, like, sharp, dist, plain, width, height, model.noise);
  if (keep) for (let i = 0; i < n; i++) walls[i] |= keep[i];

  const reached = reachFromBorder(img, like, sharp, walls, dist, plain, model.noise);
  const shadow = new Uint8Array(n);
  for (let i = 0; i < n; i++) shadow[i] = reached[i] && like[i] && dist[i] > plain ? 1 : 0;
  addPockets(shadow, like, sharp, walls, dist, plain, width, height);
  dropFarReaching(shadow, dist, plain, width, height, Math.max(MIN_REACH, Math.round(SHADOW_LIMITS.maxReach * Math.max(width, height))));
  return shadow;
}

/**
 * A cast shadow lies within a few pixels of the open backdrop it fades into. A piece of "shadow" that reaches
 * farther from it than `maxReach` steps is not one: the flood has run through a gap in an outline into a grey
 * part of the product (a white toe cap, a tinted lens, brushed metal). Such a piece is left to the product whole,
 * as it was before shadows were told apart, rather than cut in two.
 */
function dropFarReaching(shadow: Uint8Array, dist: Float32Array, plain: number, width: number, height: number, maxReach: number): void {
  const n = width * height;
  // The open backdrop: plain pixels joined to the photo's border through plain pixels (not the white inside of
  // a product, which a flood gone astray may have reached too).
  const isPlain = new Uint8Array(n);
  for (let p = 0; p < n; p++) isPlain[p] = dist[p] <= plain ? 1 : 0;
  const near = new Flood(width, height).seedBorder(isPlain).spread(4, isPlain);
  // Then at most maxReach steps (8-connected) from it through shadow pixels only.
  near.restart().spread(8, shadow, maxReach);
  const { labels, areas } = labelComponents(shadow, width, height);
  const far = new Uint8Array(areas.length);
  // A piece the open backdrop does not reach at all is no cast shadow either.
  for (let p = 0; p < n; p++) if (labels[p] && !near.reached[p]) far[labels[p]] = 1;
  for (let p = 0; p < n; p++) if (far[labels[p]]) shadow[p] = 0;
}

/**
 * The shadow in a tight concave corner (an armpit, the notch between two scallops) is too narrow for the
 * flood: small pockets of dimmed-backdrop pixels, off the edges and walls, that open onto the shadow are shadow too.
 */
function addPockets(shadow: Uint8Array, like: Uint8Array, sharp: Uint8Array, walls: Uint8Array, dist: Float32Array, plain: number, width: number, height: number): void {
  const n = width * height;
  const pocket = new Uint8Array(n);
  for (let i = 0; i < n; i++) pocket[i] = like[i] && dist[i] > plain && !shadow[i] && !sharp[i] && !walls[i] ? 1 : 0;
  const { labels, areas } = labelComponents(pocket, width, height);
  const opens = new Uint8Array(areas.length);
  for (let p = 0; p < n; p++) {
    const id = labels[p];
    if (!id || opens[id]) continue;
    const x = p % width;
    if ((x > 0 && shadow[p - 1]) || (x < width - 1 && shadow[p + 1]) || (p >= width && shadow[p - width]) || (p < n - width && shadow[p + width])) opens[id] = 1;
  }
  const maxArea = Math.max(POCKET_MIN_AREA, POCKET_SHARE * n);
  for (let p = 0; p < n; p++) {
    const id = labels[p];
    if (id && opens[id] && areas[id] <= maxArea) shadow[p] = 1;
  }
}

/**
 * Pixels reachable from the photo's border: through plain backdrop, and through dimmed-backdrop pixels that
 * are neither walls nor on (or right next to) a sharp edge; then a few steps more through dimmed-backdrop
 * pixels that are not on an edge and do not jump in luma, to take the shadow right up to the outline.
 */
function reachFromBorder(img: RawRgb, like: Uint8Array, sharp: Uint8Array, walls: Uint8Array, dist: Float32Array, plain: number, noise: number): Uint8Array {
  const { width, height } = img;
  const n = width * height;
  // Edges closed up by a pixel, so a flood cannot slip through a one-pixel gap in an outline.
  const closed = dilate(sharp, width, height);
  const passable = new Uint8Array(n);
  for (let p = 0; p < n; p++) passable[p] = !walls[p] && (dist[p] <= plain || (like[p] && !closed[p])) ? 1 : 0;
  // The flood runs through the open parts of the passable pixels (those whose whole 3 × 3 neighbourhood is
  // passable), then NARROW_REACH steps beyond: a cast shadow is wide, while a gap in an outline, where a grey
  // part has the luma of the shadow beside it, is a channel a few pixels wide that leads nowhere it may go.
  let open: Uint8Array = passable;
  for (let r = 0; r < NARROW_REACH; r++) open = erode(open, width, height);
  // Then NARROW_REACH steps into any passable pixel, then EDGE_REACH steps up to the outline, through
  // dimmed-backdrop pixels not on an edge whose luma does not jump from the pixel before; each of these
  // stages steps out from every pixel reached so far.
  const luma = rawLuma(img);
  const maxJump = MAX_JUMP + noise;
  return new Flood(width, height)
    .seedBorder(open)
    .spread(4, open)
    .restart()
    .spread(4, passable, NARROW_REACH)
    .restart()
    .spread(4, (q, from) => like[q] !== 0 && !sharp[q] && !walls[q] && Math.abs(luma[q] - luma[from]) <= maxJump, EDGE_REACH).reached;
}

/**
 * 1 where a pixel looks like the backdrop dimmed: luma between SHADOW_LIMITS.minLumaRatio and 1 of the
 * backdrop's there, and a colour close to the backdrop's scaled to that luma.
 */
function dimmedBackdrop(img: RawRgb, model: Pick<BackgroundModel, 'coef' | 'noise'>): Uint8Array {
  const { width, height, data } = img;
  const like = new Uint8Array(width * height);
  const tolerance = SHADOW_LIMITS.chroma + SHADOW_LIMITS.chromaPerNoise * model.noise;
  for (let y = 0; y < height; y++) {
    const v = height > 1 ? y / (height - 1) : 0.5;
    const [ar, br, qr, ag, bg, qg, ab, bb, qb] = backgroundRow(model, v);
    for (let x = 0; x < width; x++) {
      const u = width > 1 ? x / (width - 1) : 0.5;
      const i = y * width + x;
      const R = ar + br * u + qr * u * u;
      const G = ag + bg * u + qg * u * u;
      const B = ab + bb * u + qb * u * u;
      const backLuma = 0.299 * R + 0.587 * G + 0.114 * B;
      if (backLuma <= 1) continue;
      const r = data[i * 3];
      const g = data[i * 3 + 1];
      const b = data[i * 3 + 2];
      const ratio = (0.299 * r + 0.587 * g + 0.114 * b) / backLuma;
      if (ratio < SHADOW_LIMITS.minLumaRatio || ratio > 1) continue;
      if (Math.hypot(r - ratio * R, g - ratio * G, b - ratio * B) <= tolerance) like[i] = 1;
    }
  }
  return like;
}

