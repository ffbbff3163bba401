/** Parsers for command-line values: each rejects bad input with a message naming the flag. */
import { ASPECT_RATIOS, SIZE_TIERS, isAspectRatio, isSizeTier, type AspectRatio, type SizeTier } from '../core/output-sizes.js';
import { UserInputError } from '../core/errors.js';

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
