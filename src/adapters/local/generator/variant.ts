/**
 * Deterministic variation between variants of the same request: variant 1 is the canonical layout,
 * variant n > 1 nudges scale, position and light by amounts drawn from a PRNG seeded with n.
 */
import { mulberry32 } from '../../../util/seeded-random.js';

export interface VariantJitter {
  /** Multiplies the product's size (1 = canonical). */
  scale: number;
  /** Shifts the product horizontally, as a share of the free space beside it (−1..1). */
  shiftX: number;
  /** Moves the light pool horizontally, as a share of the frame width. */
  lightShiftX: number;
  /** Added to the vignette strength. */
  vignetteDelta: number;
  /** Seed for the film grain, so variants differ in fine texture too. */
  grainSeed: number;
}

/** Layout jitter needs only a small, fast generator. */
export const prng = mulberry32;

export function variantJitter(variant: number): VariantJitter {
  if (variant <= 1) return { scale: 1, shiftX: 0, lightShiftX: 0, vignetteDelta: 0, grainSeed: 1 };
  const rand = prng(0x9e3779b9 ^ Math.imul(variant, 0x85ebca6b));
  const centred = () => rand() * 2 - 1;
  return {
    scale: 1 + 0.08 * centred(),
    shiftX: 0.35 * centred(),
    lightShiftX: 0.18 * centred(),
    vignetteDelta: 0.05 * centred(),
    grainSeed: variant,
  };
}
