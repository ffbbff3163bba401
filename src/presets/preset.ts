/**
 * A marketplace preset: the exact pixels, encoding and rules one marketplace slot needs
 * (see ../shared/reference/marketplaces.md). Presets are data: built-ins live in builtin-presets.ts and a
 * seller can override or add presets in a JSON file (load-presets.ts) without touching code.
 *
 * PresetSpecSchema is the one definition of a preset as written (built-ins and files alike): its keys, their
 * rules and defaults, the rules across keys, and what it resolves to (Preset). validate-preset.ts applies it.
 */
import { z } from 'zod';
import { SIZE_TIERS } from '../core/output-sizes.js';
import { shownValue } from '../util/schema-problems.js';

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

export const MB = 1024 * 1024;
/** Amazon's ceiling is 10,000 px on a side; nothing hitline makes is useful below 16. */
const MIN_SIDE = 16;
const MAX_SIDE = 10_000;
/** More than any marketplace accepts (Google Merchant Center's limit). */
const MAX_PIXELS = 64_000_000;

/**
 * A message that shows the refused value. A missing value gets no message here, so the caller's wording
 * applies ("is required for a new preset").
 */
const refusing = (what: string) => (issue: { input?: unknown }) => (issue.input === undefined ? undefined : `${what}, got ${shownValue(issue.input)}`);

function wholeNumber(min: number, max: number) {
  const error = refusing(`must be a whole number from ${min} to ${max}`);
  // Number.isInteger as a refinement, not .int(): an .int() failure would stop the rules across keys from running.
  return z.number({ error }).refine(Number.isInteger, { error }).min(min, { error }).max(max, { error });
}

function decimal(min: number, max: number) {
  const error = refusing(`must be a number from ${min} to ${max}`);
  return z.number({ error }).min(min, { error }).max(max, { error });
}

const oneOf = <T extends readonly [string, ...string[]]>(values: T) => z.enum(values, { error: refusing(`must be one of ${values.map((v) => `"${v}"`).join(', ')}`) });

const text = z.string({ error: refusing('must be a string') });
const side = wholeNumber(MIN_SIDE, MAX_SIDE);

const PRESET_SPEC_SHAPE = {
  /** One line for `hitline presets`; default: the id. */
  label: text.optional(),
  width: side,
  height: side,
  format: oneOf(PRESET_FORMATS),
  /** Encoder quality (ignored for PNG). */
  quality: wholeNumber(1, 100).default(90),
  /** The marketplace's file-size limit; the encoder lowers quality to stay under it. */
  maxFileMB: decimal(0.01, 1024).default(10),
  /** Default: exact-white for a cut-out, any for a generated image. */
  background: oneOf(BACKGROUND_RULES).optional(),
  /** For `exact-white`: the product's share of the frame on its long side. */
  minFill: decimal(0.1, 1).default(0.85),
  text: oneOf(TEXT_POLICIES).default('none'),
  source: oneOf(IMAGE_SOURCES),
  /** Force a generation tier (thumb-512 asks for 0.5K); otherwise the smallest tier that covers the pixels. */
  sizeTier: oneOf(SIZE_TIERS).optional(),
  /** Share of each side kept free of text (mobile apps clip edges). */
  safeMargin: decimal(0, 0.25).default(0.05),
  /** Where the numbers come from and how sure they are. */
  notes: text.default(''),
};

export const PRESET_SPEC_KEYS = Object.keys(PRESET_SPEC_SHAPE);

const defaultBackground = (source: unknown): BackgroundRule => (source === 'cutout' ? 'exact-white' : 'any');

/** A preset as a config file or builtin-presets.ts writes it; width, height, format and source are required. */
export const PresetSpecSchema = z
  .strictObject(PRESET_SPEC_SHAPE, {
    error: (issue) =>
      issue.code === 'unrecognized_keys' ? `is not a preset key (known keys: ${PRESET_SPEC_KEYS.join(', ')})` : `must be an object of preset keys, got ${shownValue(issue.input)}`,
  })
  // The rules across keys run even when a key is wrong, so one pass reports every problem; hence each value is checked before use.
  .superRefine(rulesAcrossKeys, { when: (payload) => typeof payload.value === 'object' && payload.value !== null && !Array.isArray(payload.value) })
  .transform(({ maxFileMB, ...spec }) => ({
    ...spec,
    background: spec.background ?? defaultBackground(spec.source),
    maxFileBytes: Math.round(maxFileMB * MB),
    /** Reduced width:height, e.g. "3:4". */
    aspect: reducedAspect(spec.width, spec.height),
  }));

function rulesAcrossKeys(spec: { width: unknown; height: unknown; source: unknown; background?: unknown }, ctx: z.RefinementCtx): void {
  const { width, height, source } = spec;
  const background = spec.background ?? defaultBackground(source);
  if (side.safeParse(width).success && side.safeParse(height).success && (width as number) * (height as number) > MAX_PIXELS) {
    ctx.addIssue({ code: 'custom', message: `${width}×${height} is over 64 megapixels, more than any marketplace accepts` });
  }
  if (source === 'generated' && background === 'exact-white') {
    ctx.addIssue({ code: 'custom', message: 'an exact-white background needs "source": "cutout" (a generated image cannot promise every background pixel is 255,255,255)' });
  }
  if (source === 'cutout' && background === 'any') {
    ctx.addIssue({ code: 'custom', message: 'a "cutout" preset places the real product on exact white, so "background" must be "exact-white"' });
  }
}

/** A preset as written, in a config file or builtin-presets.ts. */
export type PresetSpec = z.input<typeof PresetSpecSchema>;

/** A checked preset, as a run uses it. */
export interface Preset extends z.output<typeof PresetSpecSchema> {
  /** Lowercase letters, digits and dashes; also the file name stem (`<id>-<n>.<ext>`). */
  id: string;
  label: string;
  /** "built-in", or the config file that added or changed this preset. */
  origin: string;
}

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
