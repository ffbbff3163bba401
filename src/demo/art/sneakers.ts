/** A pair of low-top sneakers in side view, toes to the right: sole, upper, toe cap, heel, side stripe, laces. */
import type { ProductLook } from '../product-look.js';
import { darken, lighten, luminance } from './color.js';
import { part, shadeDefs, stitch, type ProductArt, type Shades } from './product-art.js';

const SHOE_W = 540;
const SHOE_H = 236;
/** The back shoe sits at the origin, slightly smaller; the front one is shifted down-right so the two overlap
 * (a pair reads as one shape, which also keeps a flat lay's cut-out in one piece). */
const BACK_SHOE_SCALE = 0.95;
const FRONT_SHOE_OFFSET = { x: 70, y: 40 };

export function drawSneakers(look: ProductLook, prefix: string): ProductArt {
  const { defs, shades } = shadeDefs(prefix, look);
  const shoe = drawShoe(look, shades);
  const { x: offsetX, y: offsetY } = FRONT_SHOE_OFFSET;
  // The back shoe is the same drawing, a little smaller and in shade.
  const back =
    `<g transform="scale(${BACK_SHOE_SCALE})">${shoe.body}` +
    `<path d="${shoe.outline}" fill="#000" opacity="0.16"/></g>`;
  const body = `${back}<g transform="translate(${offsetX} ${offsetY})">${shoe.body}</g>`;
  // The union of both outlines, for cast shadows (two subpaths).
  const silhouette = `${scalePath(shoe.outline, BACK_SHOE_SCALE, 0, 0)} ${scalePath(shoe.outline, 1, offsetX, offsetY)}`;
  return { width: SHOE_W + offsetX, height: SHOE_H + offsetY, defs, body, silhouette };
}

function drawShoe(look: ProductLook, shades: Shades): { body: string; outline: string } {
  const has = (key: string) => look.features.includes(key);
  const base = look.color.hex;
  const second = look.pattern === 'two_tone' ? look.accent.hex : darken(base, 0.12);
  const soleTop = has('chunky') ? 128 : 150;
  const soleColor = has('gum_sole') ? '#f4f1ea' : luminance(base) > 0.7 ? '#ffffff' : '#f2f0eb';
  const outsoleColor = has('gum_sole') ? '#b47a45' : luminance(base) < 0.25 ? '#2a2a2a' : '#cfcac0';
  const laceColor = has('contrast_laces') ? look.accent.hex : luminance(base) > 0.6 ? '#ffffff' : lighten(base, 0.15);

  const upper =
    `M 26 ${soleTop + 4} Q 22 100 46 70 Q 72 56 102 66 Q 132 80 162 68 L 202 42 Q 216 34 228 42 L 244 58 ` +
    `Q 330 86 408 108 C 470 120 518 130 526 ${soleTop + 12} L 26 ${soleTop + 4} Z`;
  const toeCap = `M 412 109 C 470 120 518 130 526 ${soleTop + 12} L 424 ${soleTop + 10} Q 400 136 412 109 Z`;
  const heel = `M 26 ${soleTop + 4} Q 22 100 46 70 Q 84 92 98 ${soleTop + 6} Z`;
  const stripe = `M 138 ${soleTop - 4} C 206 108 300 94 392 104 L 394 118 C 304 114 214 128 168 ${soleTop + 2} Z`;
  const midsole =
    `M 20 ${soleTop} L 500 ${soleTop + 8} Q 534 ${soleTop + 10} 534 192 L 532 200 L 20 200 Q 10 ${(soleTop + 200) / 2} 20 ${soleTop} Z`;
  const outsole = `M 18 198 Q 14 222 40 224 L 494 224 Q 534 222 534 198 L 532 190 L 20 190 Z`;
  const tongue = 'M 200 44 Q 210 14 236 26 L 250 60 Z';

  const parts: string[] = [];
  parts.push(part(tongue, lighten(base, 0.08), shades, { patterned: false }));
  parts.push(part(upper, base, shades, { patterned: false }));
  parts.push(part(toeCap, second, shades, { patterned: false }));
  parts.push(part(heel, second, shades, { patterned: false }));
  parts.push(part(stripe, look.pattern === 'two_tone' ? second : look.accent.hex, shades, { patterned: false }));
  // Padded collar: a rolled edge around the ankle opening.
  parts.push(`<path d="M 44 74 Q 72 60 102 70 Q 132 84 162 72" fill="none" stroke="${darken(base, 0.45)}" stroke-width="${has('padded_collar') ? 10 : 6}" stroke-linecap="round"/>`);
  const stitchColor = luminance(base) > 0.5 ? darken(base, 0.35) : lighten(base, 0.35);
  parts.push(stitch(`M 412 120 Q 398 140 420 ${soleTop + 6}`, stitchColor), stitch(`M 40 84 Q 76 100 88 ${soleTop}`, stitchColor));
  parts.push(part(midsole, soleColor, shades, { patterned: false, outline: '#9a958c' }));
  parts.push(`<path d="M 24 ${soleTop + 18} L 520 ${soleTop + 26}" stroke="#000" stroke-opacity="0.12" stroke-width="2"/>`);
  parts.push(part(outsole, outsoleColor, shades, { patterned: false }));
  for (let x = 40; x < 500; x += 18) parts.push(`<path d="M ${x} 212 L ${x + 6} 222" stroke="#000" stroke-opacity="0.22" stroke-width="3"/>`);
  // Eyelets along the throat with the laces crossing over them.
  for (let i = 0; i < 6; i++) {
    const x = 248 + i * 30;
    const y = 62 + i * 9.5;
    parts.push(`<circle cx="${x}" cy="${y + 10}" r="4" fill="${darken(base, 0.55)}"/>`);
    parts.push(`<path d="M ${x - 14} ${y - 4} L ${x + 10} ${y + 12}" stroke="${darken(laceColor, 0.25)}" stroke-width="8" stroke-linecap="round"/>`);
    parts.push(`<path d="M ${x - 14} ${y - 5} L ${x + 10} ${y + 11}" stroke="${laceColor}" stroke-width="5" stroke-linecap="round"/>`);
  }
  const outline =
    `M 26 ${soleTop + 4} Q 22 100 46 70 Q 72 56 102 66 Q 132 80 162 68 L 202 42 Q 210 14 236 26 L 244 58 ` +
    `Q 330 86 408 108 C 470 120 518 130 526 ${soleTop + 12} Q 534 ${soleTop + 14} 534 192 L 534 198 ` +
    `Q 534 222 494 224 L 40 224 Q 14 222 18 198 Z`;
  return { body: parts.join(''), outline };
}

/** Scales and shifts the numbers of a path made only of absolute M/L/Q/C/Z commands. */
function scalePath(d: string, scale: number, dx: number, dy: number): string {
  let isX = true;
  return d.replace(/[MLQCZ]|-?\d+(\.\d+)?/g, (token) => {
    if (/[MLQCZ]/.test(token)) {
      isX = true;
      return token;
    }
    const value = Number(token) * scale + (isX ? dx : dy);
    isX = !isX;
    return value.toFixed(1);
  });
}
