/**
 * Turns aggregated measurements (and the rows' words) into the brief's phrases. Each function reads
 * only what it names, so a reviewer can trace every phrase to a number or a CSV field.
 */
import { nearestAspectRatio } from '../../../core/output-sizes.js';
import { type AggregateStats, subjectColors } from './aggregate.js';
import { colorName, paletteWords } from './color-names.js';
import type { ProductKind } from '../../../search/product-kind.js';

/** Mean luma above which a set of photos is high-key, below which low-key. */
export const HIGH_KEY = 0.7;
export const LOW_KEY = 0.38;
/** Luma standard deviation above which contrast is high, below which low. */
export const HIGH_CONTRAST = 0.28;
export const LOW_CONTRAST = 0.15;

type Key = 'high' | 'mid' | 'low';
type Contrast = 'high' | 'moderate' | 'low';

export function lightKey(brightness: number): Key {
  return brightness >= HIGH_KEY ? 'high' : brightness <= LOW_KEY ? 'low' : 'mid';
}

export function contrastLevel(contrast: number): Contrast {
  return contrast >= HIGH_CONTRAST ? 'high' : contrast <= LOW_CONTRAST ? 'low' : 'moderate';
}

function lightness(hex: string): 'light' | 'mid-tone' | 'dark' {
  const name = colorName(hex);
  if (/white|light|pale|cream|beige/.test(name)) return 'light';
  if (/black|dark|charcoal|navy|burgundy/.test(name)) return 'dark';
  return 'mid-tone';
}

export function describeScene(agg: AggregateStats): string {
  const bg = colorName(agg.backgroundColor);
  if (agg.backgroundKind === 'plain') return `plain ${lightness(agg.backgroundColor)} studio backdrop in ${bg}`;
  if (agg.backgroundKind === 'gradient') return `studio backdrop with a smooth ${bg} gradient`;
  const tones = paletteWords(agg.palette.map((p) => p.hex), 3);
  return `textured or outdoor scene in ${tones} tones`;
}

export function describeBackground(agg: AggregateStats): string {
  if (agg.backgroundKind === 'plain') {
    return `seamless ${colorName(agg.backgroundColor)} backdrop (${agg.backgroundColor}), evenly lit, no visible texture or horizon`;
  }
  if (agg.backgroundKind === 'gradient') {
    return `smooth backdrop shading from ${colorName(agg.topColor)} (${agg.topColor}) at the top to ${colorName(agg.bottomColor)} (${agg.bottomColor}) at the bottom`;
  }
  return `busy, textured background (only ${Math.round(agg.plainness * 100)}% of the frame edge is one smooth colour), dominated by ${paletteWords(agg.palette.map((p) => p.hex), 3)}`;
}

const LIGHTING: Record<Key, Record<Contrast, string>> = {
  high: {
    low: 'soft high-key light, even and nearly shadowless',
    moderate: 'bright, soft studio light with gentle shadows',
    high: 'bright, crisp light with clearly defined shadows',
  },
  mid: {
    low: 'soft, diffuse light with low contrast',
    moderate: 'balanced soft light with moderate contrast',
    high: 'directional light with strong contrast',
  },
  low: {
    low: 'dim, moody low light with soft shadows',
    moderate: 'dramatic low-key light with deep shadows',
    high: 'dramatic low-key light with deep shadows and bright highlights',
  },
};

export function describeLighting(agg: AggregateStats): string {
  const base = LIGHTING[lightKey(agg.brightness)][contrastLevel(agg.contrast)];
  return agg.brighterSide === 'even' ? base : `${base}, key light from the ${agg.brighterSide}`;
}

export function describeColorTone(agg: AggregateStats): string {
  const temperature = agg.warmth > 0.04 ? 'warm' : agg.warmth < -0.04 ? 'cool' : 'neutral';
  const saturation =
    agg.saturation < 0.12 ? 'muted, near-neutral colours' : agg.saturation < 0.3 ? 'soft colours' : agg.saturation < 0.5 ? 'rich colours' : 'vivid, saturated colours';
  return `${temperature} tone, ${saturation}`;
}

export function describeComposition(agg: AggregateStats): string {
  const ratio = nearestAspectRatio(agg.aspect, 1);
  const orientation = agg.aspect < 0.95 ? 'portrait' : agg.aspect > 1.05 ? 'landscape' : 'square';
  const frame = `${orientation} ${ratio} frame`;
  const s = agg.subject;
  if (!s) return `${frame}; subject placement not measurable against the busy background`;
  const fill = s.bbox.height >= 0.85 ? 'tight framing, the subject fills the frame height' : s.bbox.height >= 0.6 ? 'medium framing with a small margin around the subject' : 'wide framing with generous empty space around the subject';
  const horizontal = s.center.x < 0.42 ? 'left of centre' : s.center.x > 0.58 ? 'right of centre' : 'centred';
  const vertical = s.center.y < 0.4 ? ', sitting high in the frame' : s.center.y > 0.6 ? ', sitting low in the frame' : '';
  const cropped = s.croppedAtBottom >= 0.5 ? ', cut by the bottom edge' : '';
  return `${frame}, ${fill}, subject ${horizontal}${vertical}${cropped}`;
}

const STANCE: [RegExp, string][] = [
  [/sport|active|athletic|gym|run/, 'energetic, athletic stance'],
  [/formal|office|business|smart/, 'upright, poised stance'],
  [/ethnic|traditional/, 'graceful, composed stance'],
  [/party|evening|glam/, 'confident stance'],
  [/casual|street|everyday/, 'relaxed, natural stance'],
];

/**
 * Pose from the product kind and the style words of the rows (the new product's own style first);
 * `onModel` from the references' subjects running off the bottom edge.
 */
export function describePose(kind: ProductKind, styleWords: readonly string[], onModel: boolean): string {
  switch (kind) {
    case 'footwear':
      return 'shoes shown in a three-quarter side view, standing on the floor, toe pointing slightly toward the camera';
    case 'bag':
      return 'bag standing upright, front facing the camera, handle or strap raised';
    case 'accessory':
      return 'product placed at a slight angle, close enough to show fine detail';
    case 'apparel': {
      const stance = styleWords.map((w) => STANCE.find(([re]) => re.test(w.toLowerCase()))?.[1]).find(Boolean);
      if (onModel) return `model standing facing the camera, arms relaxed${stance ? `, ${stance}` : ''}, garment fully visible`;
      return 'garment shown front-on and neatly shaped, as on an invisible mannequin or a tidy flat lay';
    }
  }
}

export function describeMood(agg: AggregateStats, styleWords: readonly string[], seasonWords: readonly string[]): string {
  const key = lightKey(agg.brightness);
  const feel = key === 'high' ? 'bright and airy' : key === 'low' ? 'dark and moody' : 'balanced and calm';
  const temperature = agg.warmth > 0.04 ? 'warm' : agg.warmth < -0.04 ? 'cool' : '';
  const style = styleWords.length ? `${styleWords.join(' and ')} ` : '';
  const season = seasonWords.length ? `, ${seasonWords.join(' / ')} feel` : '';
  return `${style}mood, ${[feel, temperature].filter(Boolean).join(', ')}${season}`.trim();
}

/** The colours worth naming in a prompt: the subjects' colours first, then the backdrop. */
export function promptPalette(agg: AggregateStats): string {
  return paletteWords([...subjectColors(agg).map((p) => p.hex), agg.backgroundColor], 4);
}
