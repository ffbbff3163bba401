/** Small colour helpers for the demo drawings (hex strings in, hex strings out), on the pixel code's colour module. */
import { luma, parseColor, toHex } from '../../imaging/color.js';

/** Linear mix in 8-bit sRGB: t = 0 gives a, t = 1 gives b. */
function mix(a: string, b: string, t: number): string {
  const ca = parseColor(a);
  const cb = parseColor(b);
  return toHex(ca.map((v, i) => v + (cb[i] - v) * t));
}

export const darken = (hex: string, t: number) => mix(hex, '#000000', t);
export const lighten = (hex: string, t: number) => mix(hex, '#ffffff', t);

/** Perceived brightness in [0, 1] (Rec. 601 luma, good enough to choose a contrasting tone). */
export function luminance(hex: string): number {
  return luma(...parseColor(hex)) / 255;
}

/** A tone that reads on top of `hex`: darker on light colours, lighter on dark ones. */
export function contrastTone(hex: string): string {
  return luminance(hex) > 0.6 ? darken(hex, 0.45) : lighten(hex, 0.78);
}

/** Nudges a colour's brightness a little, so two scenes of one family are not the same paint. */
export function jitter(hex: string, amount: number): string {
  return amount >= 0 ? lighten(hex, amount) : darken(hex, -amount);
}
