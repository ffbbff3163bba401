/**
 * Grey plates: flat grey or white parts of a product (a white sole, a light grey garment) that look like the
 * backdrop in shadow. backdrop-shadow.ts walls them off so its flood does not take them for cast shadow.
 */
import { labelComponents, Flood } from './flood-fill.js';
import { localRange } from './luma-edges.js';
import { dilateMask as dilate, erodeMask as erode } from './mask-ops.js';

/** Luma range (levels, plus the noise) over 3 × 3 pixels up to which an area counts as flat. */
const PLATE_FLATNESS = 2;
/** Smallest flat area that can be a plate of the product, as a share of the picture (and in pixels). */
const PLATE_MIN_SHARE = 0.0005;
const PLATE_MIN_AREA = 24;
/** Largest share of a plate's border that may be open (neither edge nor product colour). */
const PLATE_MAX_OPEN = 0.35;
/** Steps from a plate's flat inside out to its outline (the flat inside keeps this far from the edges). */
const PLATE_RIM = 3;

/**
 * Flat grey or white parts of the product (a white sole, a light grey garment), with the few pixels of rim
 * between them and their outline: areas of dimmed-backdrop pixels of one luma (within the noise), flat over
 * 3 × 3 pixels, walled in by sharp edges or product colours along nearly all of their border. A cast shadow is
 * a ramp, or where it is flat, it is open to the ramp around it along much of its border.
 */
export function greyPlates(luma: Float32Array, like: Uint8Array, sharp: Uint8Array, dist: Float32Array, plain: number, width: number, height: number, noise: number): Uint8Array {
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
    const { labels, areas } = labelComponents(flat, width, height, { connectivity: 4, levels: level });
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
  const rim = new Flood(width, height);
  for (let i = 0; i < n; i++) if (plates[i]) rim.seed(i);
  const rimmable = new Uint8Array(n);
  for (let i = 0; i < n; i++) rimmable[i] = like[i] && dist[i] > plain && !sharp[i] ? 1 : 0;
  rim.spread(4, rimmable, PLATE_RIM);
  return rim.reached;
}
