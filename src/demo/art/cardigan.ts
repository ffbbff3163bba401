/** A knit cardigan seen from the front, buttoned, sleeves hanging, over a plain inner top when worn. */
import type { ProductLook } from '../product-look.js';
import { darken, lighten } from './color.js';
import { knitStitchDef } from './patterns.js';
import { fold, part, shadeDefs, type ProductArt } from './product-art.js';

const W = 480;
const H = 560;
const CX = W / 2;

const BUTTON_COLORS: Record<string, string> = { pearl_buttons: '#f3eee4', wood_buttons: '#8a5a35' };

export function drawCardigan(look: ProductLook, prefix: string, flat = false): ProductArt {
  const { defs: shadeDefsSvg, shades } = shadeDefs(prefix, look);
  const stitchId = `${prefix}-stitch`;
  const ribId = `${prefix}-rib`;
  const base = look.color.hex;
  const has = (key: string) => look.features.includes(key);
  const m = (x: number) => W - x;
  const hem = has('cropped') ? 420 : 500;
  const vBottom = has('cropped') ? 200 : 232;

  const ribDef =
    `<pattern id="${ribId}" patternUnits="userSpaceOnUse" width="9" height="20">` +
    `<path d="M3 0 V20" stroke="${darken(base, 0.3)}" stroke-width="2.4" opacity="0.5"/></pattern>`;
  const defs = shadeDefsSvg + knitStitchDef(stitchId, base) + ribDef;

  const sleeve = (s: (x: number) => number) =>
    `M ${s(166)} 40 C ${s(124)} 46 ${s(98)} 78 ${s(94)} 138 L ${s(80)} 474 L ${s(140)} 480 L ${s(152)} 172 Z`;
  const cuff = (s: (x: number) => number) => `M ${s(81)} 440 L ${s(142)} 446 L ${s(140)} 480 L ${s(80)} 474 Z`;
  const body =
    `M 214 28 L 166 40 Q 150 72 151 160 L 147 ${hem} Q ${CX} ${hem + 10} ${m(147)} ${hem} L ${m(151)} 160 ` +
    `Q ${m(150)} 72 ${m(166)} 40 L ${m(214)} 28 L ${CX} ${vBottom} Z`;
  const hemBand = `M 147 ${hem - 34} L ${m(147)} ${hem - 34} L ${m(147)} ${hem} Q ${CX} ${hem + 10} 147 ${hem} Z`;
  const inner = `M 206 24 Q ${CX} 40 ${m(206)} 24 L ${m(212)} ${vBottom + 20} L 212 ${vBottom + 20} Z`;
  const knit = { texture: stitchId };

  const parts: string[] = [];
  // Worn (on a form or a hanger) a white tee shows in the V; laid flat, the cardigan's own back does.
  if (flat) parts.push(`<path d="${inner}" fill="${darken(base, 0.3)}"/>`);
  else parts.push(`<path d="${inner}" fill="#f4f1ea"/><path d="M 206 24 Q ${CX} 44 ${m(206)} 24" fill="none" stroke="#d9d3c6" stroke-width="4"/>`);
  for (const s of [(x: number) => x, m]) {
    parts.push(part(sleeve(s), darken(base, 0.06), shades, knit));
    parts.push(part(cuff(s), darken(base, 0.1), shades, { patterned: false, texture: ribId }));
    parts.push(fold(`M ${s(104)} 220 Q ${s(112)} 300 ${s(110)} 400`, 3));
  }
  parts.push(part(body, base, shades, knit));
  parts.push(part(hemBand, darken(base, 0.08), shades, { patterned: false, texture: ribId }));
  // Front bands along the V and down the placket.
  const band = `M 214 28 L ${CX} ${vBottom} L ${CX} ${hem + 6} M ${m(214)} 28 L ${CX} ${vBottom}`;
  parts.push(`<path d="${band}" fill="none" stroke="${darken(base, 0.12)}" stroke-width="14" stroke-linejoin="round"/>`);
  parts.push(`<path d="${band}" fill="none" stroke="url(#${ribId})" stroke-width="14" stroke-linejoin="round"/>`);
  parts.push(`<path d="M ${CX} ${vBottom} L ${CX} ${hem + 6}" stroke="${darken(base, 0.4)}" stroke-width="1.5" opacity="0.6"/>`);

  if (has('pockets')) {
    for (const s of [(x: number) => x, m]) {
      const x0 = Math.min(s(172), s(222));
      const y0 = hem - 130;
      parts.push(
        `<rect x="${x0}" y="${y0}" width="50" height="56" rx="4" fill="${darken(base, 0.05)}" stroke="${darken(base, 0.35)}" stroke-width="1.5" opacity="0.95"/>` +
          `<rect x="${x0}" y="${y0}" width="50" height="12" fill="url(#${ribId})"/>`,
      );
    }
  }

  const buttonKey = look.features.find((f) => f in BUTTON_COLORS);
  const button = buttonKey ? BUTTON_COLORS[buttonKey] : look.accent.hex;
  const count = has('cropped') ? 4 : 5;
  for (let i = 0; i < count; i++) {
    const y = vBottom + 22 + (i * (hem - vBottom - 56)) / (count - 1);
    parts.push(
      `<circle cx="${CX}" cy="${y.toFixed(1)}" r="8" fill="${button}" stroke="${darken(button, 0.35)}" stroke-width="1.5"/>` +
        `<circle cx="${CX - 2.5}" cy="${(y - 2.5).toFixed(1)}" r="2.6" fill="${lighten(button, 0.6)}" opacity="0.8"/>`,
    );
  }

  const silhouette =
    `M 214 28 L 166 40 C 124 46 98 78 94 138 L 80 474 L 140 480 L 148 ${hem} Q ${CX} ${hem + 10} ${m(148)} ${hem} ` +
    `L ${m(140)} 480 L ${m(80)} 474 L ${m(94)} 138 C ${m(98)} 78 ${m(124)} 46 ${m(166)} 40 L ${m(214)} 28 Z`;
  return { width: W, height: H, defs, body: parts.join(''), silhouette, neck: { x: CX, y: 28, shoulder: 76 } };
}
