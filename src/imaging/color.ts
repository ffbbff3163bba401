/**
 * Colours as the pixel code uses them: 8-bit sRGB triples, '#rrggbb' text, luma, RGB distance and the
 * CIEDE2000 colour difference. Parsing, formatting and ΔE00 are culori's; this module only fixes the
 * representation (0..255 channels) the rest of the code works in.
 */
import { converter, differenceCiede2000, formatHex, type Rgb as CuloriRgb } from 'culori';

/** Red, green, blue, each 0..255. */
export type Rgb = [number, number, number];

const toRgb = converter('rgb');

/** A CSS colour ('#rrggbb', '#rgb', 'navy', 'rgb(…)') as 0..255 channels; throws on text that is not a colour. */
export function parseColor(text: string): Rgb {
  const c = toRgb(text);
  if (!c) throw new Error(`not a colour: ${JSON.stringify(text)}`);
  const channel = (v: number) => Math.max(0, Math.min(255, Math.round(v * 255)));
  return [channel(c.r), channel(c.g), channel(c.b)];
}

/** '#rrggbb' for 0..255 channels (rounded and clamped first, so k-means means format as the nearest 8-bit colour). */
export function toHex(rgb: readonly number[]): string {
  const channel = (v: number) => Math.max(0, Math.min(255, Math.round(v))) / 255;
  return formatHex({ mode: 'rgb', r: channel(rgb[0]), g: channel(rgb[1]), b: channel(rgb[2]) });
}

/** Rec. 601 luma, 0..255. */
export function luma(r: number, g: number, b: number): number {
  return 0.299 * r + 0.587 * g + 0.114 * b;
}

/** Euclidean distance in RGB (0..442): the pixel code's cheap "how different" between two colours. */
export function colorDistance(a: readonly number[], b: readonly number[]): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

const ciede2000 = differenceCiede2000();

/**
 * CIEDE2000 colour difference ΔE00 between a reference colour and a sample (0..255 channels), in CIELAB (D65).
 * About 1 is just noticeable; above ~10 reads as another colour.
 */
export function deltaE2000(reference: readonly number[], sample: readonly number[]): number {
  return ciede2000(culoriRgb(reference), culoriRgb(sample));
}

/** A 0..255 triple as culori's colour object. */
export function culoriRgb(rgb: readonly number[]): CuloriRgb {
  return { mode: 'rgb', r: rgb[0] / 255, g: rgb[1] / 255, b: rgb[2] / 255 };
}
