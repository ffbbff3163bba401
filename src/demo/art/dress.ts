/** A midi dress seen from the front: fitted bodice, waist seam, flared skirt with a soft wavy hem. */
import type { ProductLook } from '../product-look.js';
import { darken, lighten } from './color.js';
import { fold, part, shadeDefs, type ProductArt } from './product-art.js';

const W = 420;
const H = 660;
const CX = W / 2;

export function drawDress(look: ProductLook, prefix: string): ProductArt {
  const { defs, shades } = shadeDefs(prefix, look);
  const has = (key: string) => look.features.includes(key);
  const base = look.color.hex;
  const m = (x: number) => W - x;

  // Each neckline: where it starts on the left shoulder, where it ends on the right, and the way back down.
  const neck = has('v_neck')
    ? { left: [168, 22], right: [252, 22], back: `L ${CX} 112 L 168 22` }
    : has('square_neck')
      ? { left: [160, 24], right: [260, 24], back: 'L 260 74 L 160 74 L 160 24' }
      : { left: [164, 22], right: [256, 22], back: `Q ${CX} 100 164 22` };

  // Hem: a shallow downward curve broken into small arcs, which reads as soft gathers.
  const hemY = (x: number) => 604 + 30 * (1 - ((x - CX) / 184) ** 2);
  const arcs: string[] = [];
  const steps = 9;
  for (let i = 1; i <= steps; i++) {
    const x0 = 26 + ((i - 1) * 368) / steps;
    const x1 = 26 + (i * 368) / steps;
    const xm = (x0 + x1) / 2;
    arcs.push(`Q ${xm.toFixed(1)} ${(hemY(xm) + 9).toFixed(1)} ${x1.toFixed(1)} ${hemY(x1).toFixed(1)}`);
  }
  const silhouette =
    `M ${neck.left.join(' ')} L 124 34 Q 110 84 134 124 Q 142 176 148 214 ` +
    `C 118 330 70 480 26 ${hemY(26).toFixed(1)} ${arcs.join(' ')} ` +
    `C ${m(70)} 480 ${m(118)} 330 ${m(148)} 214 Q ${m(142)} 176 ${m(134)} 124 Q ${m(110)} 84 ${m(124)} 34 ` +
    `L ${neck.right.join(' ')} ${neck.back} Z`;

  const parts: string[] = [];
  // The inside of the back, seen through the neckline.
  parts.push(`<path d="M ${neck.left.join(' ')} L ${neck.right.join(' ')} ${neck.back} Z" fill="${darken(base, 0.35)}"/>`);
  // Sleeves sit behind the bodice.
  if (has('puff_sleeves')) {
    const puff = (s: (x: number) => number) =>
      `M ${s(130)} 30 C ${s(88)} 14 ${s(58)} 52 ${s(70)} 96 C ${s(78)} 124 ${s(112)} 126 ${s(134)} 112 Q ${s(122)} 80 ${s(130)} 30 Z`;
    parts.push(part(puff((x) => x), lighten(base, 0.04), shades), part(puff(m), lighten(base, 0.04), shades));
    for (const s of [(x: number) => x, m]) {
      parts.push(fold(`M ${s(76)} 104 Q ${s(100)} 120 ${s(128)} 110`, 3));
    }
  } else if (has('short_sleeves')) {
    const sleeve = (s: (x: number) => number) => `M ${s(126)} 32 L ${s(82)} 104 Q ${s(104)} 120 ${s(136)} 114 Z`;
    parts.push(part(sleeve((x) => x), base, shades), part(sleeve(m), base, shades));
  }
  parts.push(part(silhouette, base, shades));

  // Skirt folds radiate from the waist.
  for (let i = 0; i < 6; i++) {
    const top = 160 + i * 20;
    const bottom = 62 + i * 59;
    parts.push(fold(`M ${top} 236 Q ${(top + bottom) / 2 + (i - 2.5) * 6} 420 ${bottom} ${(hemY(bottom) - 6).toFixed(1)}`, 5));
  }
  // Bodice darts.
  parts.push(fold(`M 176 130 Q 178 175 180 212`, 3), fold(`M 244 130 Q 242 175 240 212`, 3));

  if (has('belt')) {
    const belt = look.accent.hex;
    parts.push(
      `<path d="M 146 202 L 274 202 L 276 230 L 144 230 Z" fill="${belt}"/>` +
        `<path d="M 146 202 L 274 202 L 276 230 L 144 230 Z" fill="url(#${shades.side})"/>` +
        `<rect x="${CX - 14}" y="198" width="28" height="36" rx="4" fill="none" stroke="#d4af37" stroke-width="5"/>`,
    );
  } else {
    // A waist seam; "fitted waist" dresses get a narrow self-fabric band.
    const band = has('fitted_waist') ? 14 : 4;
    parts.push(`<path d="M 146 ${214 - band / 2} L 274 ${214 - band / 2} L 275 ${214 + band / 2} L 145 ${214 + band / 2} Z" fill="${darken(base, 0.18)}" opacity="0.8"/>`);
  }
  return { width: W, height: H, defs, body: parts.join(''), silhouette, neck: { x: CX, y: 22, shoulder: 88 } };
}
