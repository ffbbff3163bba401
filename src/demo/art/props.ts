/**
 * Scene props drawn in scene pixels: each takes the x of its centre and the y of the ground it stands on,
 * and a scale (1 = its natural size in a 768 × 1024 frame).
 */
import type { Rng } from '../prng.js';
import { darken, lighten } from './color.js';

const LEAF_GREENS = ['#4f7d48', '#5e8c4f', '#3f6e45', '#6f9a58'];

/** A potted plant: terracotta or ceramic pot and a fan of leaves. */
export function plant(rng: Rng, x: number, groundY: number, scale: number): string {
  const pot = rng.pick(['#c06a43', '#e8e2d6', '#3b3b3b', '#b98f6a']);
  const w = 110 * scale;
  const h = 100 * scale;
  const top = groundY - h;
  const leaves: string[] = [];
  const count = rng.int(9, 13);
  for (let i = 0; i < count; i++) {
    const angle = -80 + (160 * i) / (count - 1) + rng.float(-8, 8);
    const len = rng.float(120, 210) * scale;
    const green = rng.pick(LEAF_GREENS);
    const cy = top - len / 2;
    leaves.push(
      `<ellipse cx="${x}" cy="${cy.toFixed(1)}" rx="${(20 * scale).toFixed(1)}" ry="${(len / 2).toFixed(1)}" fill="${green}" ` +
        `transform="rotate(${angle.toFixed(1)} ${x} ${top})"/>` +
        `<path d="M ${x} ${top} L ${x} ${(top - len * 0.9).toFixed(1)}" stroke="${darken(green, 0.25)}" stroke-width="${(2 * scale).toFixed(1)}" ` +
        `transform="rotate(${angle.toFixed(1)} ${x} ${top})"/>`,
    );
  }
  return (
    leaves.join('') +
    `<path d="M ${x - w / 2} ${top} L ${x + w / 2} ${top} L ${x + w * 0.38} ${groundY} L ${x - w * 0.38} ${groundY} Z" fill="${pot}"/>` +
    `<path d="M ${x - w / 2} ${top} L ${x + w / 2} ${top} L ${x + w * 0.38} ${groundY} L ${x - w * 0.38} ${groundY} Z" fill="url(#scene-volume)"/>` +
    `<rect x="${x - w * 0.54}" y="${top - 4 * scale}" width="${w * 1.08}" height="${16 * scale}" rx="${3 * scale}" fill="${darken(pot, 0.12)}"/>`
  );
}

/** A wooden stool seen from the front. */
export function stool(x: number, groundY: number, scale: number, wood: string): string {
  const w = 150 * scale;
  const h = 210 * scale;
  const top = groundY - h;
  const leg = (lx: number, tilt: number) =>
    `<path d="M ${lx} ${top + 14 * scale} L ${lx + 14 * scale} ${top + 14 * scale} L ${lx + 14 * scale + tilt} ${groundY} L ${lx + tilt} ${groundY} Z" fill="${darken(wood, 0.15)}"/>`;
  return (
    leg(x - w * 0.42, -10 * scale) +
    leg(x + w * 0.42 - 14 * scale, 10 * scale) +
    `<rect x="${x - w * 0.4}" y="${top + h * 0.6}" width="${w * 0.8}" height="${8 * scale}" fill="${darken(wood, 0.22)}"/>` +
    `<rect x="${x - w / 2}" y="${top}" width="${w}" height="${20 * scale}" rx="${6 * scale}" fill="${wood}"/>` +
    `<rect x="${x - w / 2}" y="${top}" width="${w}" height="${6 * scale}" rx="${3 * scale}" fill="${lighten(wood, 0.2)}"/>`
  );
}

/** A ceramic vase with a few dried stems. */
export function vase(rng: Rng, x: number, groundY: number, scale: number): string {
  const color = rng.pick(['#e9e4da', '#c9b8a4', '#7d8c8a', '#d8c3b0', '#2f3033']);
  const h = 150 * scale;
  const w = 80 * scale;
  const top = groundY - h;
  const stems: string[] = [];
  for (let i = 0; i < 5; i++) {
    const dx = rng.float(-70, 70) * scale;
    const len = rng.float(130, 220) * scale;
    const tipX = x + dx;
    const tipY = top - len;
    stems.push(
      `<path d="M ${x} ${top + 10} Q ${x + dx * 0.3} ${top - len * 0.5} ${tipX.toFixed(1)} ${tipY.toFixed(1)}" fill="none" stroke="#8a7252" stroke-width="${2.2 * scale}"/>` +
        `<ellipse cx="${tipX.toFixed(1)}" cy="${tipY.toFixed(1)}" rx="${7 * scale}" ry="${16 * scale}" fill="#c9a97a" transform="rotate(${(dx / 3).toFixed(1)} ${tipX.toFixed(1)} ${tipY.toFixed(1)})"/>`,
    );
  }
  const body = `M ${x - w * 0.22} ${top} L ${x + w * 0.22} ${top} Q ${x + w * 0.2} ${top + h * 0.25} ${x + w * 0.5} ${top + h * 0.55} Q ${x + w * 0.6} ${groundY} ${x + w * 0.3} ${groundY} L ${x - w * 0.3} ${groundY} Q ${x - w * 0.6} ${groundY} ${x - w * 0.5} ${top + h * 0.55} Q ${x - w * 0.2} ${top + h * 0.25} ${x - w * 0.22} ${top} Z`;
  return stems.join('') + `<path d="${body}" fill="${color}"/><path d="${body}" fill="url(#scene-volume)"/>`;
}

/** A matte sphere resting on the ground (minimalist still-life prop). */
export function sphere(x: number, groundY: number, scale: number, color: string): string {
  const r = 60 * scale;
  return (
    `<circle cx="${x}" cy="${groundY - r}" r="${r}" fill="${color}"/>` +
    `<circle cx="${x}" cy="${groundY - r}" r="${r}" fill="url(#scene-ball)"/>`
  );
}

/** A mug with a handle. */
export function mug(x: number, groundY: number, scale: number, color: string): string {
  const w = 70 * scale;
  const h = 80 * scale;
  const top = groundY - h;
  return (
    `<path d="M ${x + w / 2 - 4} ${top + h * 0.25} q ${30 * scale} 0 ${28 * scale} ${h * 0.3} q -2 ${h * 0.28} ${-30 * scale} ${h * 0.26}" fill="none" stroke="${darken(color, 0.1)}" stroke-width="${9 * scale}"/>` +
    `<rect x="${x - w / 2}" y="${top}" width="${w}" height="${h}" rx="${8 * scale}" fill="${color}"/>` +
    `<rect x="${x - w / 2}" y="${top}" width="${w}" height="${h}" rx="${8 * scale}" fill="url(#scene-volume)"/>` +
    `<ellipse cx="${x}" cy="${top + 2}" rx="${w / 2 - 2}" ry="${6 * scale}" fill="${darken(color, 0.35)}"/>`
  );
}

/** A small stack of books. */
export function books(rng: Rng, x: number, groundY: number, scale: number): string {
  const covers = rng.shuffle(['#a34a3c', '#3e5f7a', '#d9c7a3', '#5d7a5a', '#2f2f33', '#c98f4a']);
  let y = groundY;
  const out: string[] = [];
  for (let i = 0; i < 3; i++) {
    const h = rng.float(18, 28) * scale;
    const w = rng.float(140, 180) * scale;
    const dx = rng.float(-12, 12) * scale;
    y -= h;
    out.push(
      `<rect x="${(x - w / 2 + dx).toFixed(1)}" y="${y.toFixed(1)}" width="${w.toFixed(1)}" height="${h.toFixed(1)}" rx="${2 * scale}" fill="${covers[i]}"/>` +
        `<rect x="${(x - w / 2 + dx + 6 * scale).toFixed(1)}" y="${(y + h * 0.35).toFixed(1)}" width="${(w - 12 * scale).toFixed(1)}" height="${(h * 0.15).toFixed(1)}" fill="#f5efe2" opacity="0.55"/>`,
    );
  }
  return out.join('');
}

/** A rounded bush made of overlapping circles (outdoor scenes). */
export function bush(rng: Rng, x: number, groundY: number, scale: number): string {
  const out: string[] = [];
  const green = rng.pick(LEAF_GREENS);
  for (let i = 0; i < 7; i++) {
    const r = rng.float(40, 70) * scale;
    const cx = x + rng.float(-80, 80) * scale;
    const cy = groundY - r * rng.float(0.6, 1.4);
    out.push(`<circle cx="${cx.toFixed(1)}" cy="${cy.toFixed(1)}" r="${r.toFixed(1)}" fill="${i % 2 ? green : lighten(green, 0.12)}"/>`);
  }
  out.push(`<ellipse cx="${x}" cy="${groundY}" rx="${110 * scale}" ry="${14 * scale}" fill="#000" opacity="0.12"/>`);
  return out.join('');
}

/** A sun disk with a wide glow (outdoor scenes). */
export function sun(x: number, y: number, r: number): string {
  return `<circle cx="${x}" cy="${y}" r="${r * 4}" fill="url(#scene-sunglow)"/><circle cx="${x}" cy="${y}" r="${r}" fill="#fff6d8"/>`;
}

/** A soft cloud of overlapping ellipses. */
export function cloud(rng: Rng, x: number, y: number, scale: number): string {
  const out: string[] = [];
  for (let i = 0; i < 5; i++) {
    out.push(
      `<ellipse cx="${(x + rng.float(-70, 70) * scale).toFixed(1)}" cy="${(y + rng.float(-14, 10) * scale).toFixed(1)}" rx="${(rng.float(50, 80) * scale).toFixed(1)}" ry="${(rng.float(20, 32) * scale).toFixed(1)}" fill="#ffffff" opacity="0.75"/>`,
    );
  }
  return out.join('');
}

/** The shared gradients the props refer to (scene-volume, scene-ball, scene-sunglow). */
export const PROP_DEFS =
  `<linearGradient id="scene-volume" x1="0" y1="0" x2="1" y2="0">` +
  `<stop offset="0" stop-color="#fff" stop-opacity="0.18"/><stop offset="0.45" stop-color="#fff" stop-opacity="0"/>` +
  `<stop offset="1" stop-color="#000" stop-opacity="0.28"/></linearGradient>` +
  `<radialGradient id="scene-ball" cx="0.35" cy="0.3" r="0.8">` +
  `<stop offset="0" stop-color="#fff" stop-opacity="0.35"/><stop offset="0.6" stop-color="#000" stop-opacity="0"/>` +
  `<stop offset="1" stop-color="#000" stop-opacity="0.3"/></radialGradient>` +
  `<radialGradient id="scene-sunglow"><stop offset="0" stop-color="#fff8dc" stop-opacity="0.9"/>` +
  `<stop offset="0.3" stop-color="#fff2c4" stop-opacity="0.35"/><stop offset="1" stop-color="#fff2c4" stop-opacity="0"/></radialGradient>`;
