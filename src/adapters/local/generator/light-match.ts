/**
 * Nudges the product's colours toward the scene's light, subtly: a warm scene warms the product a little,
 * a low-key scene darkens it a little. Strong enough to sit in the scene, weak enough to keep the product's
 * true colour (the seller's customers buy that colour).
 */

export interface LightMatch {
  /** Per-channel gains applied to the product's RGB. */
  gains: [number, number, number];
}

const TINT_STRENGTH = 0.12;

/** `light` is the scene's colour where the key light falls (the backdrop at the light pool's centre). */
export function lightMatchFor(light: readonly [number, number, number]): LightMatch {
  const mean = (light[0] + light[1] + light[2]) / 3 || 1;
  const luma = (0.299 * light[0] + 0.587 * light[1] + 0.114 * light[2]) / 255;
  const brightness = Math.min(1.02, Math.max(0.88, 1 + 0.2 * (luma - 0.8)));
  const gains = light.map((c) => (1 + TINT_STRENGTH * (c / mean - 1)) * brightness) as [number, number, number];
  return { gains };
}

/** Applies the gains to straight RGBA in place (alpha untouched). */
export function applyLightMatch(rgba: Buffer, match: LightMatch): void {
  const [gr, gg, gb] = match.gains;
  for (let i = 0; i < rgba.length; i += 4) {
    rgba[i] = Math.min(255, Math.round(rgba[i] * gr));
    rgba[i + 1] = Math.min(255, Math.round(rgba[i + 1] * gg));
    rgba[i + 2] = Math.min(255, Math.round(rgba[i + 2] * gb));
  }
}
