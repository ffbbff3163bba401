/**
 * Product photos drawn in code for the embedder tests: simple garments and shoes on a white studio
 * backdrop, as SVG rendered by sharp (no binaries in the repo).
 */
import sharp from 'sharp';
import { cosineSimilarity } from '../../../../src/util/vector-math.js';

const W = 240;
const H = 320;

function svg(body: string): Buffer {
  return Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><rect width="100%" height="100%" fill="#ffffff"/>${body}</svg>`);
}

/** A sleeveless A-line dress, centred; `dx` shifts it, `flare` widens the hem. */
export function dressSvg(fill: string, options: { dx?: number; flare?: number; belt?: string } = {}): Buffer {
  const dx = options.dx ?? 0;
  const f = options.flare ?? 0;
  const c = 120 + dx;
  const belt = options.belt ? `<rect x="${c - 30}" y="130" width="60" height="10" fill="${options.belt}"/>` : '';
  return svg(
    `<path d="M ${c - 22} 40 L ${c + 22} 40 L ${c + 32} 130 L ${c + 70 + f} 290 L ${c - 70 - f} 290 L ${c - 32} 130 Z" fill="${fill}"/>` +
      `<path d="M ${c - 22} 40 Q ${c} 60 ${c + 22} 40" fill="none" stroke="#00000033" stroke-width="3"/>` +
      belt,
  );
}

/** A low sneaker seen from the side. */
export function shoeSvg(fill: string): Buffer {
  return svg(
    `<path d="M 20 200 L 40 150 L 110 140 L 150 170 L 215 185 Q 230 200 220 215 L 25 215 Z" fill="${fill}"/>` +
      `<rect x="22" y="212" width="200" height="14" rx="5" fill="#f2f2f2" stroke="#999999" stroke-width="2"/>` +
      `<path d="M 70 150 L 100 175 M 80 146 L 112 170" stroke="#ffffff" stroke-width="4"/>`,
  );
}

export async function jpeg(svgBytes: Buffer, quality = 92): Promise<Buffer> {
  return sharp(svgBytes).jpeg({ quality }).toBuffer();
}

/**
 * The same photo stored sideways with an EXIF tag saying how to turn it upright (what phones write):
 * pixels rotated 90° counter-clockwise, orientation 6 = "rotate 90° clockwise to display".
 */
export async function sidewaysWithExif(uprightJpeg: Buffer): Promise<Buffer> {
  const sideways = await sharp(uprightJpeg).rotate(-90).jpeg({ quality: 92 }).toBuffer();
  return sharp(sideways).withMetadata({ orientation: 6 }).jpeg({ quality: 92 }).toBuffer();
}

export const cosine = cosineSimilarity;

export function norm(v: Float32Array): number {
  let s = 0;
  for (const x of v) s += x * x;
  return Math.sqrt(s);
}
