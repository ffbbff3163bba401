/**
 * The ink colour for drawn copy and, when no ink is legible on its own, the translucent panel behind it.
 * Contrast is WCAG's (culori's wcagLuminance / wcagContrast), taken against the worst 3% of what is behind the text.
 */
import type { SKRSContext2D } from '@napi-rs/canvas';
import { wcagContrast, wcagLuminance, type Rgb } from 'culori';
import { culoriRgb } from '../../imaging/color.js';
import { roundRect, type PixelRect } from './pixel-rect.js';

/** WCAG AA for normal text. */
export const MIN_TEXT_CONTRAST = 4.5;

const LIGHT_INK = '#ffffff';
const DARK_INK = '#141414';
/** Panel opacities tried in turn until the ink reaches MIN_TEXT_CONTRAST. */
const PANEL_ALPHAS = [0.55, 0.72, 0.88];
/** Pixels sampled per measurement, at most (the rectangle is subsampled on a grid). */
const MAX_SAMPLES = 20_000;

export interface Ink {
  color: string;
  /** Worst-case WCAG contrast between the ink and what is behind it. */
  contrast: number;
  /** Whether a panel was drawn behind the text. */
  panel: boolean;
}

/**
 * Picks white or near-black text by the worst-case contrast against the pixels behind it; when even the better
 * one is below MIN_TEXT_CONTRAST, draws a translucent panel (darker for white ink, lighter for dark ink) and re-measures.
 */
export function legibleInk(ctx: SKRSContext2D, rect: PixelRect): Ink {
  const worstFor = (r: PixelRect) => {
    const behind = pixelsByLuminance(ctx, r);
    return {
      light: wcagContrast(LIGHT_INK, percentile(behind, 0.97)),
      dark: wcagContrast(percentile(behind, 0.03), DARK_INK),
    };
  };
  const before = worstFor(rect);
  const useLight = before.light >= before.dark;
  const color = useLight ? LIGHT_INK : DARK_INK;
  let contrast = useLight ? before.light : before.dark;
  if (contrast >= MIN_TEXT_CONTRAST) return { color, contrast, panel: false };
  for (const alpha of PANEL_ALPHAS) {
    ctx.save();
    ctx.fillStyle = useLight ? `rgba(0,0,0,${alpha})` : `rgba(255,255,255,${alpha})`;
    roundRect(ctx, rect, Math.round(Math.min(rect.width, rect.height) * 0.12));
    ctx.fill();
    ctx.restore();
    const after = worstFor(rect);
    contrast = useLight ? after.light : after.dark;
    if (contrast >= MIN_TEXT_CONTRAST) break;
  }
  return { color, contrast, panel: true };
}

/** The pixels of the rectangle (subsampled), darkest first. */
function pixelsByLuminance(ctx: SKRSContext2D, r: PixelRect): Rgb[] {
  const data = ctx.getImageData(r.x, r.y, Math.max(1, r.width), Math.max(1, r.height)).data;
  const step = Math.max(1, Math.floor(Math.sqrt((r.width * r.height) / MAX_SAMPLES)));
  const out: Array<{ color: Rgb; luminance: number }> = [];
  for (let y = 0; y < r.height; y += step) {
    for (let x = 0; x < r.width; x += step) {
      const i = (y * r.width + x) * 4;
      const color = culoriRgb([data[i], data[i + 1], data[i + 2]]);
      out.push({ color, luminance: wcagLuminance(color) });
    }
  }
  return out.sort((a, b) => a.luminance - b.luminance).map((p) => p.color);
}

function percentile<T>(sorted: T[], q: number): T {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(q * (sorted.length - 1))))];
}
