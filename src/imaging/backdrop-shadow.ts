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
import { backgroundRow, type BackgroundModel, type RawRgb } from './image-stats.js';
import { dilateMask as dilate, erodeMask as erode, labelComponents } from './mask-ops.js';

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

/** Longest walk (pixels, each way) along the gradient when measuring the whole rise of an edge. */
const RISE_WALK = 6;
/** Half the width of the narrowest passage the flood goes through on its own (see `flood`). */
const NARROW_REACH = 1;
/** Pixels the flood may go on past where the closed edges stopped it, to reach the shadow right beside the product. */
const EDGE_REACH = 3;
/** Largest luma step between neighbours (plus the noise) on those last pixels: the outline itself jumps by more. */
const MAX_JUMP = 8;
/** Luma range (levels, plus the noise) over 3 × 3 pixels up to which an area counts as flat. */
const PLATE_FLATNESS = 2;
/** Smallest flat area that can be a plate of the product, as a share of the picture (and in pixels). */
const PLATE_MIN_SHARE = 0.0005;
const PLATE_MIN_AREA = 24;
/** Largest share of a plate's border that may be open (neither edge nor product colour). */
const PLATE_MAX_OPEN = 0.35;
/** Steps from a plate's flat inside out to its outline (the flat inside keeps this far from the edges). */
const PLATE_RIM = 3;
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
  const sharp = sharpEdges(luma, width, height, model.noise);
  const walls = greyPlates(luma, like, sharp, dist, plain, width, height, model.noise);
  if (keep) for (let i = 0; i < n; i++) walls[i] |= keep[i];

  const reached = flood(img, like, sharp, walls, dist, plain, model.noise);
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
  const reach = new Int32Array(n).fill(-1);
  const queue = new Int32Array(n);
  let tail = 0;
  const seed = (p: number) => {
    if (reach[p] < 0 && dist[p] <= plain) {
      reach[p] = 0;
      queue[tail++] = p;
    }
  };
  for (let x = 0; x < width; x++) {
    seed(x);
    seed(n - width + x);
  }
  for (let y = 0; y < height; y++) {
    seed(y * width);
    seed(y * width + width - 1);
  }
  for (let head = 0; head < tail; head++) {
    const p = queue[head];
    const x = p % width;
    if (x > 0) seed(p - 1);
    if (x < width - 1) seed(p + 1);
    if (p >= width) seed(p - width);
    if (p < n - width) seed(p + width);
  }
  // Then steps (8-connected) from it through shadow pixels only.
  for (let head = 0; head < tail; head++) {
    const p = queue[head];
    const x = p % width;
    const y = (p - x) / width;
    const next = reach[p] + 1;
    for (let ny = Math.max(0, y - 1); ny <= Math.min(height - 1, y + 1); ny++) {
      for (let nx = Math.max(0, x - 1); nx <= Math.min(width - 1, x + 1); nx++) {
        const q = ny * width + nx;
        if (shadow[q] && reach[q] < 0) {
          reach[q] = next;
          queue[tail++] = q;
        }
      }
    }
  }
  const { labels, areas } = labelComponents(shadow, width, height);
  const far = new Uint8Array(areas.length);
  // A piece the open backdrop does not reach at all is no cast shadow either.
  for (let p = 0; p < n; p++) if (labels[p] && (reach[p] > maxReach || reach[p] < 0)) far[labels[p]] = 1;
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
function flood(img: RawRgb, like: Uint8Array, sharp: Uint8Array, walls: Uint8Array, dist: Float32Array, plain: number, noise: number): Uint8Array {
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
  const reached = new Uint8Array(n);
  const queue = new Int32Array(n);
  let tail = 0;
  const seed = (p: number) => {
    if (!reached[p] && open[p]) {
      reached[p] = 1;
      queue[tail++] = p;
    }
  };
  for (let x = 0; x < width; x++) {
    seed(x);
    seed(n - width + x);
  }
  for (let y = 0; y < height; y++) {
    seed(y * width);
    seed(y * width + width - 1);
  }
  // Stage 0: the open passable pixels; 1: NARROW_REACH steps into any passable pixel; 2: EDGE_REACH steps up to
  // the outline, through dimmed-backdrop pixels not on an edge whose luma does not jump from the pixel before.
  const luma = rawLuma(img);
  const maxJump = MAX_JUMP + noise;
  const steps = [Infinity, NARROW_REACH, EDGE_REACH];
  let head = 0;
  for (let stage = 0; stage < 3; stage++) {
    if (stage > 0) head = 0; // the later stages step out from every pixel reached so far
    for (let step = 0; step < steps[stage] && head < tail; step++) {
      const end = stage === 0 ? Infinity : tail;
      for (; head < tail && head < end; head++) {
        const p = queue[head];
        const x = p % width;
        for (let k = 0; k < 4; k++) {
          const q = k === 0 ? (x > 0 ? p - 1 : -1) : k === 1 ? (x < width - 1 ? p + 1 : -1) : k === 2 ? p - width : p + width;
          if (q < 0 || q >= n || reached[q]) continue;
          const ok = stage === 0 ? open[q] : stage === 1 ? passable[q] : like[q] && !sharp[q] && !walls[q] && Math.abs(luma[q] - luma[p]) <= maxJump;
          if (!ok) continue;
          reached[q] = 1;
          queue[tail++] = q;
        }
      }
      if (stage === 0) break;
    }
  }
  return reached;
}

/**
 * Flat grey or white parts of the product (a white sole, a light grey garment), with the few pixels of rim
 * between them and their outline: areas of dimmed-backdrop pixels of one luma (within the noise), flat over
 * 3 × 3 pixels, walled in by sharp edges or product colours along nearly all of their border. A cast shadow is
 * a ramp, or where it is flat, it is open to the ramp around it along much of its border.
 */
function greyPlates(luma: Float32Array, like: Uint8Array, sharp: Uint8Array, dist: Float32Array, plain: number, width: number, height: number, noise: number): Uint8Array {
  const n = width * height;
  const range = localRange(luma, width, height);
  const nearEdge = dilate(dilate(sharp, width, height), width, height);
  const flatness = PLATE_FLATNESS + noise;
  const flat = new Uint8Array(n);
  for (let i = 0; i < n; i++) flat[i] = like[i] && dist[i] > plain && !nearEdge[i] && range[i] <= flatness ? 1 : 0;
  // Pinholes (a compression block a little off) closed, so that they do not count as openings in a plate's border.
  const bridged = erode(dilate(flat, width, height), width, height);
  for (let i = 0; i < n; i++) if (bridged[i] && like[i] && dist[i] > plain && !nearEdge[i]) flat[i] = 1;
  // A border pixel of a plate is walled when it is on an edge or product-coloured, else open.
  const wall = new Uint8Array(n);
  for (let i = 0; i < n; i++) wall[i] = nearEdge[i] || (!like[i] && dist[i] > plain) ? 1 : 0;
  const plates = new Uint8Array(n);
  const minArea = Math.max(PLATE_MIN_AREA, PLATE_MIN_SHARE * n);
  // Areas of one luma: flat pixels in the same band of 2 × flatness levels, in two staggered bandings, so a
  // plate whose luma sits on a band's limit is whole in the other.
  const band = 2 * flatness;
  const level = new Int32Array(n);
  for (const offset of [0, flatness]) {
    for (let i = 0; i < n; i++) level[i] = Math.floor((luma[i] + offset) / band);
    const { labels, areas } = labelBands(flat, level, width, height);
    const walled = new Float64Array(areas.length);
    const open = new Float64Array(areas.length);
    for (let p = 0; p < n; p++) {
      const own = labels[p];
      const x = p % width;
      const counts = wall[p] ? walled : open;
      // Each plate next to p counts p once per side it touches; that is close enough for a share.
      if (x > 0 && labels[p - 1] && labels[p - 1] !== own) counts[labels[p - 1]]++;
      if (x < width - 1 && labels[p + 1] && labels[p + 1] !== own) counts[labels[p + 1]]++;
      if (p >= width && labels[p - width] && labels[p - width] !== own) counts[labels[p - width]]++;
      if (p < n - width && labels[p + width] && labels[p + width] !== own) counts[labels[p + width]]++;
    }
    const isPlate = areas.map((area, id) => id > 0 && area >= minArea && open[id] <= PLATE_MAX_OPEN * (open[id] + walled[id]));
    for (let i = 0; i < n; i++) if (isPlate[labels[i]]) plates[i] = 1;
  }
  // The rim between a plate and its outline is product too: a few steps out, up to the edge.
  const queue = new Int32Array(n);
  let tail = 0;
  for (let i = 0; i < n; i++) if (plates[i]) queue[tail++] = i;
  let head = 0;
  for (let step = 0; step < PLATE_RIM; step++) {
    const end = tail;
    for (; head < end; head++) {
      const p = queue[head];
      const x = p % width;
      for (let k = 0; k < 4; k++) {
        const q = k === 0 ? (x > 0 ? p - 1 : -1) : k === 1 ? (x < width - 1 ? p + 1 : -1) : k === 2 ? p - width : p + width;
        if (q < 0 || q >= n || plates[q] || !like[q] || dist[q] <= plain || sharp[q]) continue;
        plates[q] = 1;
        queue[tail++] = q;
      }
    }
  }
  return plates;
}

/** 4-connected components of the set pixels, joining neighbours only when they have the same `level`. */
function labelBands(mask: Uint8Array, level: Int32Array, width: number, height: number): { labels: Int32Array; areas: number[] } {
  const n = width * height;
  const labels = new Int32Array(n);
  const areas = [0];
  const queue = new Int32Array(n);
  for (let start = 0; start < n; start++) {
    if (!mask[start] || labels[start]) continue;
    const id = areas.length;
    const lv = level[start];
    let tail = 0;
    queue[tail++] = start;
    labels[start] = id;
    for (let head = 0; head < tail; head++) {
      const p = queue[head];
      const x = p % width;
      let q = p - 1;
      if (x > 0 && mask[q] && !labels[q] && level[q] === lv) {
        labels[q] = id;
        queue[tail++] = q;
      }
      q = p + 1;
      if (x < width - 1 && mask[q] && !labels[q] && level[q] === lv) {
        labels[q] = id;
        queue[tail++] = q;
      }
      q = p - width;
      if (q >= 0 && mask[q] && !labels[q] && level[q] === lv) {
        labels[q] = id;
        queue[tail++] = q;
      }
      q = p + width;
      if (q < n && mask[q] && !labels[q] && level[q] === lv) {
        labels[q] = id;
        queue[tail++] = q;
      }
    }
    areas.push(tail);
  }
  return { labels, areas };
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
 * part of. The edge is sharp when one pixel holds more than SHADOW_LIMITS.sharpShare of that rise. Measured along
 * the edge's own profile, a pale outline next to a much stronger edge (a white sole under a red upper) is still sharp.
 */
function sharpEdges(luma: Float32Array, width: number, height: number, noise: number): Uint8Array {
  const n = width * height;
  const minStep = SHADOW_LIMITS.minStep + SHADOW_LIMITS.minStepPerNoise * noise;
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
      if (best > SHADOW_LIMITS.sharpShare * Math.abs(top - bottom)) sharp[y * width + x] = 1;
    }
  }
  return sharp;
}

/** Max − min of the values over the 3 × 3 window around each pixel (clipped at the borders). */
function localRange(values: Float32Array, width: number, height: number): Float32Array {
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

function rawLuma(img: RawRgb): Float32Array {
  const n = img.width * img.height;
  const luma = new Float32Array(n);
  for (let i = 0; i < n; i++) luma[i] = 0.299 * img.data[i * 3] + 0.587 * img.data[i * 3 + 1] + 0.114 * img.data[i * 3 + 2];
  return luma;
}

/** Luma blurred by a 3-tap binomial filter (σ ≈ 0.7 pixel) in each direction, so noise does not look like an edge. */
function smoothedLuma(img: RawRgb): Float32Array {
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
