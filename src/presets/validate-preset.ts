/**
 * Turns a preset as written in JSON (a PresetSpec) into a checked Preset. Every problem names the file
 * and the key path (e.g. `shop.json: presets["banner-4x1"].width ...`) so a seller can fix the file.
 */
import { isSizeTier, type SizeTier } from '../core/output-sizes.js';
import { UserInputError } from '../core/errors.js';
import {
  BACKGROUND_RULES, IMAGE_SOURCES, MB, PRESET_FORMATS, TEXT_POLICIES, reducedAspect,
  type BackgroundRule, type ImageSource, type Preset, type PresetFormat, type TextPolicy,
} from './preset.js';

/** A preset as a config file writes it. For an override of an existing preset every key is optional. */
export interface PresetSpec {
  label?: string;
  width?: number;
  height?: number;
  format?: PresetFormat;
  quality?: number;
  maxFileMB?: number;
  background?: BackgroundRule;
  minFill?: number;
  text?: TextPolicy;
  source?: ImageSource;
  sizeTier?: SizeTier;
  safeMargin?: number;
  notes?: string;
}

export const PRESET_SPEC_KEYS = [
  'label', 'width', 'height', 'format', 'quality', 'maxFileMB', 'background', 'minFill', 'text', 'source', 'sizeTier', 'safeMargin', 'notes',
] as const;

/** Keys a new preset must give (an override inherits them from the preset it changes). */
const REQUIRED_FOR_NEW = ['width', 'height', 'format', 'source'] as const;

export const PRESET_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,47}$/;
/** Amazon's ceiling is 10,000 px on a side; nothing hitline makes is useful below 16. */
export const MAX_SIDE = 10_000;
export const MIN_SIDE = 16;

export class PresetConfigError extends UserInputError {
  readonly problems: string[];
  constructor(file: string, problems: string[]) {
    super(`${file}: ${problems.length === 1 ? problems[0] : `${problems.length} problems with the presets:\n  - ${problems.join('\n  - ')}`}`, {
      hint: `Fix the preset${problems.length === 1 ? '' : 's'} in ${file} (keys: ${PRESET_SPEC_KEYS.join(', ')}); run \`hitline presets\` to see the built-ins.`,
    });
    this.problems = problems;
  }
}

/**
 * Validates `raw` (parsed JSON) as the preset `id`, on top of `base` when it overrides an existing preset.
 * Returns the preset, or the problems found (each starting with the key path).
 */
export function validatePresetSpec(id: string, raw: unknown, options: { base?: Preset; origin: string }): { preset?: Preset; problems: string[] } {
  const at = `presets[${JSON.stringify(id)}]`;
  const problems: string[] = [];
  if (!PRESET_ID_PATTERN.test(id)) {
    problems.push(`${at}: a preset id is lowercase letters, digits and dashes (at most 48 characters), because it becomes a file name`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problems.push(`${at} must be an object of preset keys, got ${describe(raw)}`);
    return { problems };
  }
  const spec = raw as Record<string, unknown>;
  for (const key of Object.keys(spec)) {
    if (!(PRESET_SPEC_KEYS as readonly string[]).includes(key)) problems.push(`${at}.${key} is not a preset key (known keys: ${PRESET_SPEC_KEYS.join(', ')})`);
  }
  const base = options.base;
  if (!base) for (const key of REQUIRED_FOR_NEW) if (spec[key] === undefined) problems.push(`${at}.${key} is required for a new preset`);

  const int = (key: string, min: number, max: number): number | undefined => {
    const v = spec[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      problems.push(`${at}.${key} must be a whole number from ${min} to ${max}, got ${describe(v)}`);
      return undefined;
    }
    return v;
  };
  const num = (key: string, min: number, max: number): number | undefined => {
    const v = spec[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
      problems.push(`${at}.${key} must be a number from ${min} to ${max}, got ${describe(v)}`);
      return undefined;
    }
    return v;
  };
  const oneOf = <T extends string>(key: string, allowed: readonly T[]): T | undefined => {
    const v = spec[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
      problems.push(`${at}.${key} must be one of ${allowed.map((a) => `"${a}"`).join(', ')}, got ${describe(v)}`);
      return undefined;
    }
    return v as T;
  };
  const text = (key: string): string | undefined => {
    const v = spec[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') {
      problems.push(`${at}.${key} must be a string, got ${describe(v)}`);
      return undefined;
    }
    return v;
  };

  const width = int('width', MIN_SIDE, MAX_SIDE) ?? base?.width;
  const height = int('height', MIN_SIDE, MAX_SIDE) ?? base?.height;
  const format = oneOf('format', PRESET_FORMATS) ?? base?.format;
  const quality = int('quality', 1, 100) ?? base?.quality ?? 90;
  const maxFileMB = num('maxFileMB', 0.01, 1024);
  const maxFileBytes = maxFileMB !== undefined ? Math.round(maxFileMB * MB) : base?.maxFileBytes ?? 10 * MB;
  const source = oneOf('source', IMAGE_SOURCES) ?? base?.source;
  const background = oneOf('background', BACKGROUND_RULES) ?? base?.background ?? (source === 'cutout' ? 'exact-white' : 'any');
  const minFill = num('minFill', 0.1, 1) ?? base?.minFill ?? 0.85;
  const textPolicy = oneOf('text', TEXT_POLICIES) ?? base?.text ?? 'none';
  const safeMargin = num('safeMargin', 0, 0.25) ?? base?.safeMargin ?? 0.05;
  const label = text('label') ?? base?.label ?? id;
  const notes = text('notes') ?? base?.notes ?? '';
  let sizeTier: SizeTier | undefined = base?.sizeTier;
  if (spec.sizeTier !== undefined) {
    if (typeof spec.sizeTier === 'string' && isSizeTier(spec.sizeTier)) sizeTier = spec.sizeTier;
    else problems.push(`${at}.sizeTier must be one of "0.5K", "1K", "2K", "4K", got ${describe(spec.sizeTier)}`);
  }

  if (width !== undefined && height !== undefined && width * height > 64_000_000) {
    problems.push(`${at}: ${width}×${height} is over 64 megapixels, more than any marketplace accepts`);
  }
  if (source === 'generated' && background === 'exact-white') {
    problems.push(`${at}: an exact-white background needs "source": "cutout" (a generated image cannot promise every background pixel is 255,255,255)`);
  }
  if (source === 'cutout' && background !== 'exact-white') {
    problems.push(`${at}: a "cutout" preset places the real product on exact white, so "background" must be "exact-white"`);
  }
  if (problems.length > 0 || width === undefined || height === undefined || format === undefined || source === undefined) return { problems };
  return {
    problems,
    preset: {
      id, label, width, height, aspect: reducedAspect(width, height), format, quality, maxFileBytes, background, minFill,
      text: textPolicy, source, sizeTier, safeMargin, notes, origin: options.origin,
    },
  };
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'object') return 'an object';
  return String(v);
}
