/**
 * Aspect ratios and size tiers the image port speaks, with Nano Banana 2's output pixel sizes
 * (Gemini 3.1 Flash Image). 1K is the base; 0.5K is half, 2K twice and 4K four times each side.
 * The offline compositor writes exactly these sizes, so both generators produce the same shapes.
 */
export const ASPECT_RATIOS = ['1:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9', '1:4', '4:1', '1:8', '8:1'] as const;
export type AspectRatio = (typeof ASPECT_RATIOS)[number];

export const SIZE_TIERS = ['0.5K', '1K', '2K', '4K'] as const;
export type SizeTier = (typeof SIZE_TIERS)[number];

/** Only Nano Banana 2 supports these; other Gemini image models reject them. */
export const EXTREME_ASPECT_RATIOS: readonly AspectRatio[] = ['1:4', '4:1', '1:8', '8:1'];

const BASE_1K: Record<AspectRatio, readonly [number, number]> = {
  '1:1': [1024, 1024],
  '2:3': [848, 1264],
  '3:2': [1264, 848],
  '3:4': [896, 1200],
  '4:3': [1200, 896],
  '4:5': [928, 1152],
  '5:4': [1152, 928],
  '9:16': [768, 1376],
  '16:9': [1376, 768],
  '21:9': [1584, 672],
  '1:4': [512, 2048],
  '4:1': [2048, 512],
  '1:8': [384, 3072],
  '8:1': [3072, 384],
};

const TIER_SCALE: Record<SizeTier, number> = { '0.5K': 0.5, '1K': 1, '2K': 2, '4K': 4 };

export function isAspectRatio(value: string): value is AspectRatio {
  return (ASPECT_RATIOS as readonly string[]).includes(value);
}

export function isSizeTier(value: string): value is SizeTier {
  return (SIZE_TIERS as readonly string[]).includes(value);
}

/** Output pixel size for an aspect ratio and tier, e.g. 3:4 at 2K → 1792×2400. */
export function outputSize(aspect: AspectRatio, tier: SizeTier): { width: number; height: number } {
  const [w, h] = BASE_1K[aspect];
  const s = TIER_SCALE[tier];
  return { width: Math.round(w * s), height: Math.round(h * s) };
}

/** The supported aspect ratio closest to a width/height (compared in log space). */
export function nearestAspectRatio(width: number, height: number, allowed: readonly AspectRatio[] = ASPECT_RATIOS): AspectRatio {
  const target = Math.log(width / height);
  let best = allowed[0];
  let bestDistance = Infinity;
  for (const a of allowed) {
    const [w, h] = BASE_1K[a];
    const d = Math.abs(Math.log(w / h) - target);
    if (d < bestDistance) [best, bestDistance] = [a, d];
  }
  return best;
}
