/** Parsers for command-line values: each rejects bad input with a message naming the flag. */
import { ASPECT_RATIOS, SIZE_TIERS, isAspectRatio, isSizeTier, type AspectRatio, type SizeTier } from '../core/output-sizes.js';
import { UserInputError } from '../core/errors.js';
import { FUSION_METHODS, LEG_NAMES, type FusionMethod, type FusionWeights, type LegName } from '../search/fusion-settings.js';

export function positiveInt(flag: string, max = 10_000) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1 || n > max) {
      throw new UserInputError(`${flag} must be a whole number from 1 to ${max}, got "${value}"`);
    }
    return n;
  };
}

export function nonNegativeNumber(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new UserInputError(`${flag} must be a number >= 0, got "${value}"`);
    return n;
  };
}

export function aspectRatio(value: string): AspectRatio {
  if (!isAspectRatio(value)) throw new UserInputError(`--aspect must be one of ${ASPECT_RATIOS.join(' ')}, got "${value}"`);
  return value;
}

export function sizeTier(value: string): SizeTier {
  const normalized = value.toUpperCase() === '512' ? '0.5K' : value.toUpperCase().replace(/^0?\.5K$/, '0.5K');
  if (!isSizeTier(normalized)) throw new UserInputError(`--size must be one of ${SIZE_TIERS.join(' ')}, got "${value}"`);
  return normalized;
}

/** `--weight LEG=VALUE` (repeatable): one leg's fusion weight, added to the ones given before. */
export function legWeightFlag(value: string, previous: Partial<FusionWeights> = {}): Partial<FusionWeights> {
  const m = /^\s*([a-z]+)\s*=\s*(\S+)\s*$/.exec(value);
  const leg = m?.[1] as LegName | undefined;
  if (!m || !leg || !(LEG_NAMES as readonly string[]).includes(leg)) {
    throw new UserInputError(`--weight must be LEG=VALUE with LEG one of ${LEG_NAMES.join(', ')}, got "${value}"`);
  }
  if (leg === 'keyword' && m[2] === 'auto') return { ...previous, keyword: 'auto' };
  const n = Number(m[2]);
  if (!Number.isFinite(n) || n < 0 || n > 1e6) throw new UserInputError(`--weight ${leg} must be a number >= 0${leg === 'keyword' ? ' or "auto"' : ''}, got "${m[2]}"`);
  return { ...previous, [leg]: n };
}

export function fusionMethod(value: string): FusionMethod {
  if (!(FUSION_METHODS as readonly string[]).includes(value)) throw new UserInputError(`--fusion must be one of ${FUSION_METHODS.join(', ')}, got "${value}"`);
  return value as FusionMethod;
}
