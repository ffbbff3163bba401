/**
 * A marketplace preset: the exact pixels, encoding and rules one marketplace slot needs
 * (see ../shared/reference/marketplaces.md). Presets are data: built-ins live in builtin-presets.ts and a
 * seller can override or add presets in a JSON file (load-presets.ts) without touching code.
 */
import type { SizeTier } from '../core/output-sizes.js';

export const PRESET_FORMATS = ['jpeg', 'png', 'webp'] as const;
export type PresetFormat = (typeof PRESET_FORMATS)[number];

/**
 * `exact-white`: every background pixel is 255,255,255 and the product fills at least `minFill` of the frame
 * on its long side (marketplace main images). `any`: whatever the style asks for.
 */
export const BACKGROUND_RULES = ['exact-white', 'any'] as const;
export type BackgroundRule = (typeof BACKGROUND_RULES)[number];

/** `sparingly`: one short line at most (Etsy); `allowed`: title, second-language title, price and badge. */
export const TEXT_POLICIES = ['none', 'sparingly', 'allowed'] as const;
export type TextPolicy = (typeof TEXT_POLICIES)[number];

/** `cutout`: the real product photo cut out and placed on white, never generated. `generated`: made by the ImageGenerator. */
export const IMAGE_SOURCES = ['cutout', 'generated'] as const;
export type ImageSource = (typeof IMAGE_SOURCES)[number];

export interface Preset {
  /** Lowercase letters, digits and dashes; also the file name stem (`<id>-<n>.<ext>`). */
  id: string;
  /** One line for `hitline presets`. */
  label: string;
  width: number;
  height: number;
  /** Reduced width:height, e.g. "3:4" (derived from width and height). */
  aspect: string;
  format: PresetFormat;
  /** Encoder quality 1..100 (ignored for PNG). */
  quality: number;
  /** The marketplace's file-size limit; the encoder lowers quality to stay under it. */
  maxFileBytes: number;
  background: BackgroundRule;
  /** For `exact-white`: the product's share of the frame on its long side (0..1). */
  minFill: number;
  text: TextPolicy;
  source: ImageSource;
  /** Force a generation tier (thumb-512 asks for 0.5K); otherwise the smallest tier that covers the pixels. */
  sizeTier?: SizeTier;
  /** Share of each side kept free of text (mobile apps clip edges). */
  safeMargin: number;
  /** Where the numbers come from and how sure they are. */
  notes: string;
  /** "built-in", or the config file that added or changed this preset. */
  origin: string;
}

export const MB = 1024 * 1024;

/** File extension for a format (`<preset>-<n>.<ext>`). */
export function presetExtension(format: PresetFormat): string {
  return format === 'jpeg' ? 'jpg' : format;
}

/** "3200×800" → "4:1". */
export function reducedAspect(width: number, height: number): string {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const g = gcd(width, height);
  return `${width / g}:${height / g}`;
}
