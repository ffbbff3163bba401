/** A structured top-handle handbag from the front: body, flap with clasp, handle, optional shoulder strap. */
import type { ProductLook } from '../product-look.js';
import { darken, lighten } from './color.js';
import { part, shadeDefs, stitch, type ProductArt } from './product-art.js';

const W = 400;
const H = 392;
const CX = W / 2;
const GOLD = '#d2ac4a';

export function drawHandbag(look: ProductLook, prefix: string): ProductArt {
  const { defs, shades } = shadeDefs(prefix, look);
  const base = look.color.hex;
  const has = (key: string) => look.features.includes(key);
  const handleColor = darken(base, 0.18);

  const body =
    `M 80 150 L 320 150 Q 334 150 336 164 L 360 358 Q 362 380 340 380 L 60 380 Q 38 380 40 358 L 64 164 Q 66 150 80 150 Z`;
  const flap = `M 66 160 Q 68 150 80 150 L 320 150 Q 332 150 334 160 L 342 262 Q ${CX} 300 58 262 Z`;
  const parts: string[] = [];
  if (has('strap')) {
    parts.push(`<path d="M 66 170 C 30 60 120 10 ${CX} 8 C 280 10 370 60 334 170" fill="none" stroke="${darken(base, 0.28)}" stroke-width="6"/>`);
  }
  // Handle: a thick arc with a highlight along it, fixed by two tabs.
  parts.push(
    `<path d="M 130 156 C 128 44 272 44 270 156" fill="none" stroke="${handleColor}" stroke-width="20" stroke-linecap="round"/>` +
      `<path d="M 136 150 C 136 56 264 56 264 150" fill="none" stroke="${lighten(handleColor, 0.25)}" stroke-width="4" opacity="0.7"/>`,
  );
  parts.push(part(body, base, shades));
  parts.push(stitch(`M 72 370 L 328 370`, darken(base, 0.45)));
  parts.push(part(flap, darken(base, 0.06), shades));
  parts.push(stitch(`M 76 164 L 324 164 L 330 256 Q ${CX} 290 70 256 Z`, lighten(base, 0.3)));
  for (const x of [118, 258]) {
    parts.push(`<rect x="${x}" y="136" width="24" height="30" rx="5" fill="${handleColor}"/><circle cx="${x + 12}" cy="156" r="4" fill="${GOLD}"/>`);
  }
  if (has('turn_lock')) {
    parts.push(`<circle cx="${CX}" cy="274" r="18" fill="${GOLD}" stroke="${darken(GOLD, 0.35)}" stroke-width="2.5"/><rect x="${CX - 4}" y="262" width="8" height="24" rx="3" fill="${lighten(GOLD, 0.35)}"/>`);
  } else {
    parts.push(`<rect x="${CX - 20}" y="258" width="40" height="30" rx="5" fill="${GOLD}" stroke="${darken(GOLD, 0.35)}" stroke-width="2.5"/><rect x="${CX - 12}" y="266" width="24" height="5" rx="2" fill="${lighten(GOLD, 0.4)}"/>`);
  }
  for (const x of [80, 320]) parts.push(`<ellipse cx="${x}" cy="382" rx="12" ry="5" fill="${GOLD}"/>`);
  const silhouette = `M 40 358 L 64 164 Q 66 150 118 140 C 120 30 280 30 282 140 Q 334 150 336 164 L 360 358 Q 362 386 340 386 L 60 386 Q 38 386 40 358 Z`;
  return { width: W, height: H, defs, body: parts.join(''), silhouette };
}
