/**
 * What every product drawing returns, and the shading helpers they share. A product is drawn in its own
 * coordinate box; scenes and flat lays scale and place it.
 */
import type { ProductLook } from '../product-look.js';
import { darken } from './color.js';
import { patternDef } from './patterns.js';

export interface ProductArt {
  /** The local box the product is drawn in. */
  width: number;
  height: number;
  /** <defs> content: gradients and patterns, ids prefixed so several products can share one SVG. */
  defs: string;
  body: string;
  /** Path data of the outline, for cast shadows. */
  silhouette: string;
  /** Garments only: where a hanger or a dress form meets the neck, and half the shoulder width. */
  neck?: { x: number; y: number; shoulder: number };
}

/** Ids of the shared shading gradients for one product. */
export interface Shades {
  /** Light from the upper left, darker toward the right edge: gives a part volume. */
  side: string;
  /** Slightly darker toward the bottom. */
  fall: string;
  /** The fabric pattern for this look, if it has one. */
  pattern?: string;
}

export function shadeDefs(prefix: string, look: ProductLook): { defs: string; shades: Shades } {
  const side = `${prefix}-side`;
  const fall = `${prefix}-fall`;
  const patternId = `${prefix}-pat`;
  const pattern = patternDef(look.pattern, patternId, look.color.hex);
  const defs =
    `<linearGradient id="${side}" x1="0" y1="0" x2="1" y2="0">` +
    `<stop offset="0" stop-color="#000" stop-opacity="0.2"/><stop offset="0.16" stop-color="#000" stop-opacity="0.04"/>` +
    `<stop offset="0.36" stop-color="#fff" stop-opacity="0.16"/><stop offset="0.62" stop-color="#fff" stop-opacity="0"/>` +
    `<stop offset="1" stop-color="#000" stop-opacity="0.3"/></linearGradient>` +
    `<linearGradient id="${fall}" x1="0" y1="0" x2="0" y2="1">` +
    `<stop offset="0" stop-color="#fff" stop-opacity="0.08"/><stop offset="0.6" stop-color="#000" stop-opacity="0"/>` +
    `<stop offset="1" stop-color="#000" stop-opacity="0.16"/></linearGradient>` +
    (pattern ?? '');
  return { defs, shades: { side, fall, pattern: pattern ? patternId : undefined } };
}

export interface PartOptions {
  /** Overlay the look's fabric pattern (default true). */
  patterned?: boolean;
  /** Extra texture fill id drawn over the colour (knit stitches). */
  texture?: string;
  /** Outline colour; defaults to a darker shade of the fill. */
  outline?: string;
}

/** One shaded part of a product: flat colour, pattern, texture, volume shading and a soft outline. */
export function part(d: string, fill: string, shades: Shades, options: PartOptions = {}): string {
  const layers = [`<path d="${d}" fill="${fill}"/>`];
  if (options.texture) layers.push(`<path d="${d}" fill="url(#${options.texture})"/>`);
  if ((options.patterned ?? true) && shades.pattern) layers.push(`<path d="${d}" fill="url(#${shades.pattern})"/>`);
  layers.push(`<path d="${d}" fill="url(#${shades.side})"/>`, `<path d="${d}" fill="url(#${shades.fall})"/>`);
  layers.push(
    `<path d="${d}" fill="none" stroke="${options.outline ?? darken(fill, 0.4)}" stroke-width="2" stroke-linejoin="round" opacity="0.55"/>`,
  );
  return layers.join('');
}

/** A soft line (fold, seam) drawn as a darker stroke with a lighter one beside it. */
export function fold(d: string, width = 4): string {
  return (
    `<path d="${d}" fill="none" stroke="#000" stroke-opacity="0.16" stroke-width="${width}" stroke-linecap="round"/>` +
    `<path d="${d}" fill="none" stroke="#fff" stroke-opacity="0.1" stroke-width="${width * 0.6}" stroke-linecap="round" transform="translate(${width * 0.9} 0)"/>`
  );
}

/** A dashed stitch line. */
export function stitch(d: string, color: string): string {
  return `<path d="${d}" fill="none" stroke="${color}" stroke-width="1.6" stroke-dasharray="6 5" opacity="0.7"/>`;
}
