/**
 * The promo scenes hits are photographed in. Four families, each with its own palette, ground, light and
 * props, varied per image by the drawing's own random stream.
 */
import type { Rng } from '../prng.js';
import type { SceneFamily } from '../vocabulary.js';
import { darken, jitter, lighten } from './color.js';
import { books, bush, cloud, mug, plant, PROP_DEFS, sphere, stool, sun, vase } from './props.js';

export interface SceneArt {
  defs: string;
  /** Wall, ground, light and props: everything behind the product. */
  background: string;
  /** Drawn over everything: light falling over the product, lens vignette. */
  foreground: string;
  /** Where things stand (scene pixels). */
  groundY: number;
  /** Hard light (crisp, offset shadows) or soft light (wide, blurred ones). */
  light: 'soft' | 'hard';
  /** A colour for plinths and stands that belongs to this scene. */
  plinthColor: string;
}

export interface FrameSize {
  width: number;
  height: number;
}

export function drawScene(family: SceneFamily, rng: Rng, size: FrameSize): SceneArt {
  const scene = SCENES[family](rng, size);
  return { ...scene, defs: PROP_DEFS + scene.defs, foreground: scene.foreground + vignette(size) };
}

/** The side of the frame the main prop goes to; the product keeps the middle. */
function propX(rng: Rng, size: FrameSize, side: 'left' | 'right'): number {
  return side === 'left' ? rng.float(60, 130) : size.width - rng.float(60, 130);
}

function vignette({ width, height }: FrameSize): string {
  return (
    `<defs><radialGradient id="scene-vignette" cx="0.5" cy="0.45" r="0.75">` +
    `<stop offset="0.55" stop-color="#000" stop-opacity="0"/><stop offset="1" stop-color="#000" stop-opacity="0.2"/>` +
    `</radialGradient></defs><rect width="${width}" height="${height}" fill="url(#scene-vignette)"/>`
  );
}

function verticalGradient(id: string, top: string, bottom: string): string {
  return `<linearGradient id="${id}" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${top}"/><stop offset="1" stop-color="${bottom}"/></linearGradient>`;
}

type SceneDrawer = (rng: Rng, size: FrameSize) => Omit<SceneArt, 'defs'> & { defs: string };

const SCENES: Record<SceneFamily, SceneDrawer> = {
  /** Warm paper backdrop, a soft floor line, a spotlight behind the product, a plant or a stool. */
  warm_studio(rng, { width, height }) {
    const wall = jitter(rng.pick(['#efd8c2', '#f2e2cf', '#ead0bb', '#f0d6c8', '#eedcc0']), rng.float(-0.04, 0.04));
    const floor = darken(wall, 0.1);
    const groundY = rng.int(735, 790);
    const defs =
      verticalGradient('wall', lighten(wall, 0.08), darken(wall, 0.05)) +
      verticalGradient('floor', floor, darken(floor, 0.12)) +
      `<linearGradient id="sweep" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${darken(wall, 0.05)}" stop-opacity="0"/>` +
      `<stop offset="1" stop-color="${floor}"/></linearGradient>` +
      `<radialGradient id="spot" cx="0.5" cy="0.5" r="0.5"><stop offset="0" stop-color="#fff" stop-opacity="0.5"/>` +
      `<stop offset="1" stop-color="#fff" stop-opacity="0"/></radialGradient>`;
    const side = rng.pick(['left', 'right'] as const);
    const props: string[] = [];
    const propKind = rng.pick(['plant', 'stool', 'plant_stool'] as const);
    if (propKind !== 'stool') props.push(plant(rng, propX(rng, { width, height }, side), groundY + 40, rng.float(0.9, 1.15)));
    if (propKind !== 'plant') {
      const other = propKind === 'stool' ? side : side === 'left' ? 'right' : 'left';
      props.push(stool(propX(rng, { width, height }, other), groundY + 50, rng.float(0.8, 1), rng.pick(['#b98b5e', '#d8b48a', '#8b6446'])));
    }
    const background =
      `<rect width="${width}" height="${groundY}" fill="url(#wall)"/>` +
      `<ellipse cx="${width / 2 + rng.float(-60, 60)}" cy="${groundY - 330}" rx="430" ry="470" fill="url(#spot)"/>` +
      `<rect y="${groundY}" width="${width}" height="${height - groundY}" fill="url(#floor)"/>` +
      `<rect y="${groundY - 40}" width="${width}" height="42" fill="url(#sweep)"/>` +
      props.join('');
    return { defs, background, foreground: '', groundY, light: 'soft', plinthColor: lighten(wall, 0.35) };
  },

  /** Cool grey wall with a painted arch, a crisp floor line and hard light; sphere or vase props. */
  cool_minimal(rng, { width, height }) {
    const wall = jitter(rng.pick(['#e2e6ea', '#dfe3df', '#e7e5e2', '#dde2e8']), rng.float(-0.03, 0.03));
    const arch = rng.pick(['#c9d3de', '#d3dccf', '#e3d2cc', '#cfcbd9', darken(wall, 0.07)]);
    const groundY = rng.int(745, 800);
    const archW = rng.int(210, 260);
    const archX = width / 2 + rng.float(-40, 40);
    const archTop = rng.int(170, 260);
    const defs = verticalGradient('floor', lighten(wall, 0.25), darken(wall, 0.04));
    const side = rng.pick(['left', 'right'] as const);
    const prop = rng.chance(0.5)
      ? sphere(propX(rng, { width, height }, side), groundY + 30, rng.float(0.7, 1.1), rng.pick(['#e8c8b8', '#c9d1d8', '#f2efe9', '#b9a89a']))
      : vase(rng, propX(rng, { width, height }, side), groundY + 30, rng.float(0.9, 1.15));
    const background =
      `<rect width="${width}" height="${groundY}" fill="${wall}"/>` +
      `<path d="M ${archX - archW} ${groundY} L ${archX - archW} ${archTop + archW} A ${archW} ${archW} 0 0 1 ${archX + archW} ${archTop + archW} L ${archX + archW} ${groundY} Z" fill="${arch}"/>` +
      `<rect y="${groundY}" width="${width}" height="${height - groundY}" fill="url(#floor)"/>` +
      `<rect y="${groundY}" width="${width}" height="2" fill="${darken(wall, 0.2)}" opacity="0.6"/>` +
      prop;
    return { defs, background, foreground: '', groundY, light: 'hard', plinthColor: lighten(wall, 0.5) };
  },

  /** Daylight: a sky with sun and clouds over a meadow or a beach. */
  outdoor(rng, { width, height }) {
    const beach = rng.chance(0.4);
    const horizon = rng.int(600, 660);
    const groundY = horizon + rng.int(140, 190);
    const skyTop = jitter(rng.pick(['#7fb4e3', '#8cbde6', '#9cc7ea']), rng.float(-0.05, 0.05));
    const ground = beach ? '#ead6ab' : rng.pick(['#a6c97a', '#9cc36f', '#b2cf86']);
    const defs =
      verticalGradient('sky', skyTop, '#eaf4fb') +
      verticalGradient('ground', lighten(ground, 0.08), darken(ground, 0.12)) +
      verticalGradient('sea', '#5d9fc7', '#8dc4dd');
    const sunX = rng.chance(0.5) ? rng.float(110, 220) : width - rng.float(110, 220);
    const parts = [
      `<rect width="${width}" height="${horizon + 40}" fill="url(#sky)"/>`,
      sun(sunX, rng.float(110, 190), rng.float(38, 55)),
      cloud(rng, rng.float(120, 320), rng.float(230, 330), rng.float(0.8, 1.2)),
      cloud(rng, rng.float(460, 680), rng.float(150, 280), rng.float(0.7, 1.1)),
    ];
    if (beach) {
      parts.push(`<rect y="${horizon}" width="${width}" height="70" fill="url(#sea)"/>`);
      for (let i = 0; i < 4; i++) {
        const y = horizon + 14 + i * 14;
        parts.push(`<path d="M ${rng.float(0, 200)} ${y} q 60 -6 120 0 t 120 0" fill="none" stroke="#fff" stroke-width="2" opacity="0.5"/>`);
      }
      parts.push(`<rect y="${horizon + 68}" width="${width}" height="${height - horizon}" fill="url(#ground)"/>`);
    } else {
      const hill = (y: number, color: string, amp: number) => {
        let d = `M 0 ${y}`;
        for (let x = 0; x <= width; x += 128) d += ` Q ${x + 64} ${y - rng.float(0, amp)} ${x + 128} ${y - rng.float(0, amp / 2)}`;
        return `<path d="${d} L ${width} ${height} L 0 ${height} Z" fill="${color}"/>`;
      };
      parts.push(hill(horizon, '#9fb9b0', 70), hill(horizon + 40, '#86ab78', 50));
      parts.push(`<rect y="${horizon + 60}" width="${width}" height="${height - horizon}" fill="url(#ground)"/>`);
      for (let i = 0; i < 40; i++) {
        const x = rng.float(0, width);
        const y = rng.float(horizon + 80, height);
        parts.push(`<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="${(2 + (y - horizon) / 120).toFixed(1)}" fill="${rng.pick(['#fff', '#f7d84a', '#f2a7b8'])}" opacity="0.85"/>`);
      }
      parts.push(bush(rng, propX(rng, { width, height }, rng.pick(['left', 'right'])), groundY - 20, rng.float(0.8, 1.1)));
    }
    // Warm sunlight washes over the whole frame from the sun's side.
    const foreground =
      `<defs><radialGradient id="sunwash" cx="${(sunX / width).toFixed(2)}" cy="0.1" r="1"><stop offset="0" stop-color="#fff3c8" stop-opacity="0.28"/>` +
      `<stop offset="1" stop-color="#fff3c8" stop-opacity="0"/></radialGradient></defs><rect width="${width}" height="${height}" fill="url(#sunwash)"/>`;
    return { defs, background: parts.join(''), foreground, groundY, light: 'hard', plinthColor: '#f1ece3' };
  },

  /** A cream room with window light on the wall and a wooden floor or table; mug, books or a plant. */
  wood_lifestyle(rng, { width, height }) {
    const wall = jitter(rng.pick(['#f2e9dc', '#eee4d6', '#e8dfd2', '#f0e6d8']), rng.float(-0.03, 0.03));
    const wood = jitter(rng.pick(['#b07b4f', '#c08d5e', '#9a6a44', '#c89f72']), rng.float(-0.05, 0.05));
    const groundY = rng.int(740, 790);
    const surfaceTop = groundY - 60;
    const defs =
      verticalGradient('wall', lighten(wall, 0.05), darken(wall, 0.06)) +
      verticalGradient('wood', lighten(wood, 0.1), darken(wood, 0.15));
    const parts = [`<rect width="${width}" height="${surfaceTop}" fill="url(#wall)"/>`];
    // Window light: two bright slanted panes on the wall.
    const lx = rng.float(-80, 200);
    for (const dx of [0, 170]) {
      parts.push(`<path d="M ${lx + dx} 80 L ${lx + dx + 140} 80 L ${lx + dx + 330} ${surfaceTop} L ${lx + dx + 190} ${surfaceTop} Z" fill="#fffaf0" opacity="0.35"/>`);
    }
    if (rng.chance(0.5)) {
      const fx = rng.chance(0.5) ? rng.float(40, 120) : width - rng.float(160, 240);
      const fy = rng.float(140, 220);
      parts.push(
        `<rect x="${fx}" y="${fy}" width="120" height="150" fill="#5a4634"/>` +
          `<rect x="${fx + 10}" y="${fy + 10}" width="100" height="130" fill="${rng.pick(['#d9c9ae', '#b9c7c2', '#e3c9b9'])}"/>` +
          `<path d="M ${fx + 20} ${fy + 110} Q ${fx + 60} ${fy + 50} ${fx + 100} ${fy + 100}" fill="none" stroke="#8a6f55" stroke-width="3" opacity="0.6"/>`,
      );
    }
    parts.push(`<rect y="${surfaceTop}" width="${width}" height="${height - surfaceTop}" fill="url(#wood)"/>`);
    // Floor boards converge toward a point above the frame, which gives the surface depth.
    for (let i = -8; i <= 8; i++) {
      const x0 = width / 2 + i * 46;
      const x1 = width / 2 + i * 150;
      parts.push(`<path d="M ${x0} ${surfaceTop} L ${x1} ${height}" stroke="${darken(wood, 0.3)}" stroke-width="2" opacity="0.45"/>`);
    }
    for (let i = 0; i < 14; i++) {
      const y = rng.float(surfaceTop + 10, height);
      const x = rng.float(0, width - 200);
      parts.push(`<path d="M ${x.toFixed(1)} ${y.toFixed(1)} q 60 ${rng.float(-4, 4).toFixed(1)} 140 0" fill="none" stroke="${darken(wood, 0.22)}" stroke-width="1.5" opacity="0.5"/>`);
    }
    parts.push(`<rect y="${surfaceTop}" width="${width}" height="6" fill="${darken(wall, 0.25)}" opacity="0.5"/>`);
    const side = rng.pick(['left', 'right'] as const);
    const kind = rng.pick(['plant', 'mug_books', 'books'] as const);
    const x = propX(rng, { width, height }, side);
    if (kind === 'plant') parts.push(plant(rng, x, groundY + 30, rng.float(0.7, 0.9)));
    if (kind !== 'plant') parts.push(books(rng, x, groundY + 30, 0.9));
    if (kind === 'mug_books') parts.push(mug(x, groundY + 30 - 66, 0.8, rng.pick(['#f2efe8', '#3f5e73', '#c97b5a'])));
    return { defs, background: parts.join(''), foreground: '', groundY, light: 'soft', plinthColor: darken(wood, 0.05) };
  },
};
