/**
 * Places a product in a scene the way a shop photographs it: garments on a dress form or a hanger,
 * shoes and bags on the floor or on a plinth, with shadows that match the scene's light.
 */
import type { Rng } from '../prng.js';
import type { Display } from '../vocabulary.js';
import { darken, lighten } from './color.js';
import type { ProductArt } from './product-art.js';
import type { FrameSize, SceneArt } from './scenes.js';

export interface Staged {
  defs: string;
  svg: string;
}

const STAGE_DEFS =
  `<radialGradient id="stage-contact"><stop offset="0" stop-color="#000" stop-opacity="0.45"/>` +
  `<stop offset="0.6" stop-color="#000" stop-opacity="0.15"/><stop offset="1" stop-color="#000" stop-opacity="0"/></radialGradient>` +
  `<filter id="stage-blur-soft" x="-30%" y="-30%" width="160%" height="160%"><feGaussianBlur stdDeviation="12"/></filter>` +
  `<filter id="stage-blur-hard" x="-30%" y="-30%" width="160%" height="160%"><feGaussianBlur stdDeviation="3"/></filter>` +
  `<linearGradient id="stage-face" x1="0" y1="0" x2="1" y2="0"><stop offset="0" stop-color="#fff" stop-opacity="0.12"/>` +
  `<stop offset="0.5" stop-color="#fff" stop-opacity="0"/><stop offset="1" stop-color="#000" stop-opacity="0.18"/></linearGradient>`;

const clamp = (v: number, min: number, max: number) => Math.max(min, Math.min(max, v));

interface Placement {
  /** Scene x of the product box's left edge, scene y of its top, and its scale. */
  x: number;
  y: number;
  scale: number;
}

export function stageProduct(art: ProductArt, display: Display, scene: SceneArt, rng: Rng, size: FrameSize): Staged {
  const body = (p: Placement) =>
    `<g transform="translate(${p.x.toFixed(1)} ${p.y.toFixed(1)}) scale(${p.scale.toFixed(4)})">${art.body}</g>`;
  const cx = size.width / 2 + rng.float(-30, 30);
  switch (display) {
    case 'form':
      return { defs: STAGE_DEFS, svg: onForm(art, scene, rng, cx, body) };
    case 'hanger':
      return { defs: STAGE_DEFS, svg: onHanger(art, scene, rng, size, cx, body) };
    case 'floor':
    case 'plinth':
      return { defs: STAGE_DEFS, svg: standing(art, display, scene, rng, cx, body) };
  }
}

/** The product's silhouette, offset and blurred: its shadow on the wall (or, for standing products, behind it). */
function castShadow(art: ProductArt, p: Placement, light: SceneArt['light']): string {
  const [dx, dy, blur, opacity] = light === 'hard' ? [30, 14, 'hard', 0.16] : [18, 12, 'soft', 0.2];
  return (
    `<g transform="translate(${(p.x + dx).toFixed(1)} ${(p.y + dy).toFixed(1)}) scale(${p.scale.toFixed(4)})" filter="url(#stage-blur-${blur})">` +
    `<path d="${art.silhouette}" fill="#000" opacity="${opacity}"/></g>`
  );
}

function contactShadow(cx: number, y: number, rx: number, scene: SceneArt): string {
  const offset = scene.light === 'hard' ? rx * 0.25 : 0;
  return `<ellipse cx="${(cx + offset).toFixed(1)}" cy="${y.toFixed(1)}" rx="${(rx * (scene.light === 'hard' ? 1.25 : 1)).toFixed(1)}" ry="${(rx * 0.12).toFixed(1)}" fill="url(#stage-contact)"/>`;
}

function onForm(art: ProductArt, scene: SceneArt, rng: Rng, cx: number, body: (p: Placement) => string): string {
  const neck = art.neck!;
  const baseY = scene.groundY + rng.float(25, 60);
  const top = rng.float(135, 175);
  // Fill the height between the form's head and its base, leaving at least 70 px of pole under the hem.
  const scale = clamp((baseY - top - rng.float(70, 110)) / art.height, 0.7, 1.05);
  const p = { x: cx - neck.x * scale, y: top, scale };
  const neckY = top + neck.y * scale;
  const hemY = top + (art.height - 30) * scale;
  const form = rng.pick(['#e4d8c4', '#2d2d30', '#f1eee8', '#cdbba0']);
  const wood = rng.pick(['#6b4a31', '#2b2b2b', '#a07850']);
  const s = scale;
  const shoulders = `M ${cx - neck.shoulder * s} ${neckY + 26 * s} Q ${cx} ${neckY - 20 * s} ${cx + neck.shoulder * s} ${neckY + 26 * s} Z`;
  const formParts =
    `<path d="${shoulders}" fill="${form}"/>` +
    `<rect x="${cx - 22 * s}" y="${neckY - 54 * s}" width="${44 * s}" height="${64 * s}" fill="${form}"/>` +
    `<rect x="${cx - 22 * s}" y="${neckY - 54 * s}" width="${44 * s}" height="${64 * s}" fill="url(#stage-face)"/>` +
    `<ellipse cx="${cx}" cy="${neckY - 54 * s}" rx="${30 * s}" ry="${9 * s}" fill="${wood}"/>` +
    `<circle cx="${cx}" cy="${neckY - 64 * s}" r="${8 * s}" fill="${wood}"/>`;
  const tripod = rng.chance(0.5);
  const stand =
    `<rect x="${cx - 5}" y="${hemY - 20}" width="10" height="${baseY - hemY + 10}" fill="${wood}"/>` +
    (tripod
      ? [-70, 0, 70].map((dx) => `<path d="M ${cx} ${baseY - 50} L ${cx + dx} ${baseY + (dx === 0 ? 10 : 0)}" stroke="${wood}" stroke-width="7" stroke-linecap="round"/>`).join('')
      : `<ellipse cx="${cx}" cy="${baseY}" rx="70" ry="13" fill="${wood}"/><ellipse cx="${cx}" cy="${baseY - 3}" rx="64" ry="9" fill="${lighten(wood, 0.15)}"/>`);
  return (
    castShadow(art, p, scene.light) +
    contactShadow(cx, baseY + 4, 110, scene) +
    stand +
    formParts +
    body(p)
  );
}

function onHanger(
  art: ProductArt,
  scene: SceneArt,
  rng: Rng,
  size: FrameSize,
  cx: number,
  body: (p: Placement) => string,
): string {
  const neck = art.neck!;
  const railY = rng.float(60, 110);
  const hook = 72;
  const neckY = railY + hook;
  // Hang it so the hem ends a little above the floor line; short garments come out larger.
  const scale = clamp((scene.groundY - rng.float(50, 110) - neckY) / (art.height - neck.y), 0.7, 1.08);
  const p = { x: cx - neck.x * scale, y: neckY - neck.y * scale, scale };
  const metal = rng.pick(['#b9b9bd', '#2f2f33', '#c7a76a']);
  const hangerWood = rng.pick(['#c8a27a', '#8a6142', '#ece7df', '#2d2d2d']);
  const arm = (neck.shoulder + 16) * scale;
  // A freestanding clothes rack: a bar on two posts with feet, so it stands in any scene (even outdoors).
  const footY = scene.groundY + rng.float(30, 60);
  const posts = [rng.float(30, 70), size.width - rng.float(30, 70)];
  const rail =
    posts
      .map(
        (x) =>
          `<rect x="${x - 6}" y="${railY - 6}" width="12" height="${footY - railY}" fill="${darken(metal, 0.08)}"/>` +
          `<rect x="${x - 40}" y="${footY - 6}" width="80" height="10" rx="5" fill="${darken(metal, 0.15)}"/>` +
          `<ellipse cx="${x}" cy="${footY + 6}" rx="48" ry="6" fill="#000" opacity="0.12"/>`,
      )
      .join('') +
    `<rect x="${posts[0] - 10}" y="${railY - 6}" width="${posts[1] - posts[0] + 20}" height="12" rx="6" fill="${metal}"/>` +
    `<rect x="${posts[0] - 10}" y="${railY - 6}" width="${posts[1] - posts[0] + 20}" height="4" rx="2" fill="${lighten(metal, 0.35)}"/>`;
  const hanger =
    `<path d="M ${cx} ${neckY - 14} L ${cx} ${railY + 12} Q ${cx} ${railY - 12} ${cx + 13} ${railY - 11} Q ${cx + 25} ${railY - 8} ${cx + 22} ${railY + 5}" ` +
    `fill="none" stroke="${metal === '#2f2f33' ? '#9a9aa0' : metal}" stroke-width="4" stroke-linecap="round"/>` +
    `<path d="M ${cx - arm} ${neckY + 22 * scale} Q ${cx} ${neckY - 34 * scale} ${cx + arm} ${neckY + 22 * scale}" fill="none" stroke="${hangerWood}" stroke-width="${12 * scale}" stroke-linecap="round"/>` +
    `<path d="M ${cx - arm} ${neckY + 22 * scale} Q ${cx} ${neckY - 34 * scale} ${cx + arm} ${neckY + 22 * scale}" fill="none" stroke="${darken(hangerWood, 0.3)}" stroke-width="${3 * scale}" stroke-linecap="round" opacity="0.5"/>`;
  return castShadow(art, p, scene.light) + rail + hanger + body(p);
}

function standing(
  art: ProductArt,
  display: 'floor' | 'plinth',
  scene: SceneArt,
  rng: Rng,
  cx: number,
  body: (p: Placement) => string,
): string {
  const floorY = scene.groundY + rng.float(45, 95);
  // Wide products (a pair of shoes) get more of the frame's width than tall ones (a bag).
  const wide = art.width > art.height * 1.4;
  const targetWidth = (wide ? rng.float(540, 620) : rng.float(340, 420)) * (display === 'plinth' ? 0.9 : 1);
  const scale = Math.min(targetWidth / art.width, 520 / art.height);
  const w = art.width * scale;
  const h = art.height * scale;
  const parts: string[] = [];
  let standY = floorY;
  if (display === 'plinth') {
    const plinthH = rng.float(150, 230);
    const pw = w * rng.float(1.1, 1.3);
    const top = floorY - plinthH;
    const color = scene.plinthColor;
    parts.push(contactShadow(cx, floorY + 2, pw * 0.62, scene));
    if (rng.chance(0.5)) {
      // A cylinder.
      parts.push(
        `<rect x="${cx - pw / 2}" y="${top}" width="${pw}" height="${plinthH}" fill="${darken(color, 0.06)}"/>` +
          `<rect x="${cx - pw / 2}" y="${top}" width="${pw}" height="${plinthH}" fill="url(#stage-face)"/>` +
          `<ellipse cx="${cx}" cy="${floorY}" rx="${pw / 2}" ry="${pw * 0.08}" fill="${darken(color, 0.12)}"/>` +
          `<ellipse cx="${cx}" cy="${top}" rx="${pw / 2}" ry="${pw * 0.08}" fill="${lighten(color, 0.2)}"/>`,
      );
      standY = top + pw * 0.03;
    } else {
      // A box, seen a little from above.
      const depth = 22;
      parts.push(
        `<path d="M ${cx - pw / 2} ${top} L ${cx + pw / 2} ${top} L ${cx + pw / 2 - 10} ${top - depth} L ${cx - pw / 2 + 10} ${top - depth} Z" fill="${lighten(color, 0.2)}"/>` +
          `<rect x="${cx - pw / 2}" y="${top}" width="${pw}" height="${plinthH}" fill="${darken(color, 0.05)}"/>` +
          `<rect x="${cx - pw / 2}" y="${top}" width="${pw}" height="${plinthH}" fill="url(#stage-face)"/>`,
      );
      standY = top - depth * 0.4;
    }
  }
  const p = { x: cx - w / 2, y: standY - h, scale };
  parts.push(contactShadow(cx, standY - 4, w * 0.5, scene));
  parts.push(castShadow(art, { ...p, y: p.y + 8 }, 'soft'));
  parts.push(body(p));
  return parts.join('');
}
