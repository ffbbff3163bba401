/** A t-shirt seen from the front: short sleeves, collar band, optional chest print or pocket. */
import type { ProductLook } from '../product-look.js';
import { contrastTone, darken } from './color.js';
import { fold, part, shadeDefs, stitch, type ProductArt } from './product-art.js';

const W = 460;
const H = 500;
const CX = W / 2;

export function drawTshirt(look: ProductLook, prefix: string): ProductArt {
  const { defs, shades } = shadeDefs(prefix, look);
  const base = look.color.hex;
  const has = (key: string) => look.features.includes(key);
  const m = (x: number) => W - x;
  const side = has('boxy') ? 122 : 136;
  const neckBack = has('v_neck') ? `L ${CX} 92 L 194 28` : `Q ${CX} 66 194 28`;

  const shirt =
    `M 194 28 L 140 42 L 54 110 Q 62 142 90 168 L ${side} 140 L ${side} 474 Q ${CX} 484 ${m(side)} 474 ` +
    `L ${m(side)} 140 L ${m(90)} 168 Q ${m(62)} 142 ${m(54)} 110 L ${m(140)} 42 L ${m(194)} 28 ${neckBack} Z`;
  const parts: string[] = [];
  parts.push(`<path d="M 194 28 L ${m(194)} 28 ${neckBack} Z" fill="${darken(base, 0.32)}"/>`);
  parts.push(part(shirt, base, shades));
  // Collar band, sleeve hems and a few soft folds.
  parts.push(`<path d="M ${m(194)} 28 ${neckBack}" fill="none" stroke="${darken(base, 0.14)}" stroke-width="10" stroke-linejoin="round"/>`);
  const stitchColor = darken(base, 0.35);
  for (const s of [(x: number) => x, m]) {
    parts.push(stitch(`M ${s(62)} 124 Q ${s(74)} 146 ${s(96)} 160`, stitchColor));
    parts.push(fold(`M ${s(side + 10)} 190 Q ${s(side + 24)} 320 ${s(side + 14)} 460`, 4));
  }
  parts.push(stitch(`M ${side + 2} 458 Q ${CX} 468 ${m(side + 2)} 458`, stitchColor));

  if (look.pattern === 'print') {
    // A simple chest graphic: a sun over three horizon lines.
    const ink = contrastTone(base);
    parts.push(
      `<circle cx="${CX}" cy="170" r="42" fill="${look.accent.hex}"/>` +
        `<circle cx="${CX}" cy="170" r="42" fill="none" stroke="${ink}" stroke-width="5"/>` +
        [0, 1, 2].map((i) => `<rect x="${CX - 70 + i * 10}" y="${226 + i * 16}" width="${140 - i * 20}" height="8" rx="4" fill="${ink}"/>`).join(''),
    );
  }
  if (has('pocket')) {
    parts.push(
      `<path d="M 268 150 L 312 150 L 312 196 Q 290 204 268 196 Z" fill="${darken(base, 0.04)}" stroke="${darken(base, 0.35)}" stroke-width="1.5"/>` +
        stitch('M 268 158 L 312 158', stitchColor),
    );
  }
  return { width: W, height: H, defs, body: parts.join(''), silhouette: shirt, neck: { x: CX, y: 30, shoulder: 90 } };
}
