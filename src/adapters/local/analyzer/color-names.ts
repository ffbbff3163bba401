/** Plain-English names for measured colours ("light grey", "navy"), so briefs and prompts read like a photographer's notes. */
import { converter } from 'culori';

const toHsl = converter('hsl');

/** Hue in degrees (0 for greys), saturation and lightness 0..1. */
function hsl(hex: string): { h: number; s: number; l: number } {
  const c = toHsl(hex);
  if (!c) throw new Error(`not a colour: ${JSON.stringify(hex)}`);
  return { h: c.h ?? 0, s: c.s, l: c.l };
}

export function colorName(hex: string): string {
  const { h, s, l } = hsl(hex);
  if (l >= 0.93) return 'white';
  if (l <= 0.1) return 'black';
  if (s < 0.12 || (s < 0.2 && (l > 0.85 || l < 0.2))) {
    if (l >= 0.75) return 'light grey';
    if (l >= 0.4) return 'grey';
    return 'charcoal';
  }
  const base = hueName(h, s, l);
  if (['beige', 'cream', 'tan', 'brown', 'navy', 'pink', 'burgundy'].includes(base)) return base;
  if (l >= 0.78) return `pale ${base}`;
  if (l >= 0.65) return `light ${base}`;
  if (l <= 0.28) return `dark ${base}`;
  return base;
}

function hueName(h: number, s: number, l: number): string {
  if (h < 15 || h >= 345) {
    if (l >= 0.7) return 'pink';
    return l <= 0.3 ? 'burgundy' : 'red';
  }
  if (h < 45) {
    if (l <= 0.35 || (s < 0.45 && l < 0.55)) return 'brown';
    if (l >= 0.8 && s < 0.7) return l >= 0.88 ? 'cream' : 'beige';
    if (s < 0.5) return 'tan';
    return 'orange';
  }
  if (h < 68) {
    if (l >= 0.8 && s < 0.6) return 'cream';
    return l <= 0.3 ? 'olive' : 'yellow';
  }
  if (h < 165) return 'green';
  if (h < 195) return 'teal';
  if (h < 250) return l <= 0.3 ? 'navy' : 'blue';
  if (h < 290) return 'purple';
  return l >= 0.6 ? 'pink' : 'magenta';
}

/** "white, light grey and navy" from a palette, names deduplicated in order. */
export function paletteWords(hexes: readonly string[], max = 4): string {
  const names = [...new Set(hexes.map(colorName))].slice(0, max);
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
