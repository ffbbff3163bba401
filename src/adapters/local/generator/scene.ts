/**
 * The backdrop, drawn at a small "draw resolution" (smooth light and shadows survive upscaling) and then
 * scaled to the output. Two sources:
 * - studio: the top reference's own backdrop model (its colour and gradient) stretched over the frame, with a
 *   light pool around the product, a gentle vignette and, for standing products, a seamless floor sweep;
 * - photo: a busy reference (a street, a room) blurred heavily into an out-of-focus backdrop, calmed down so
 *   the product stands out.
 */
import sharp from 'sharp';
import { backgroundAt, type BackgroundModel } from '../../../imaging/background-model.js';
import { luma } from '../../../imaging/color.js';
import type { RawRgb } from '../../../imaging/decode.js';
import type { ProductBox } from './placement.js';
import type { Staging } from './staging.js';
import type { VariantJitter } from './variant.js';

export type SceneSource =
  | { kind: 'studio'; model: Pick<BackgroundModel, 'coef'>; accent: [number, number, number] | null; brightness: number }
  | { kind: 'photo'; thumbnail: RawRgb; brightness: number };

/** Float RGB (0..255) at draw resolution. */
export interface DrawBuffer {
  data: Float32Array;
  width: number;
  height: number;
  /** Draw pixels per output pixel. */
  scale: number;
}

const DRAW_LONG_SIDE = 768;
const DRAW_SHORT_SIDE = 160;

export function drawScale(frameWidth: number, frameHeight: number): number {
  const long = Math.max(frameWidth, frameHeight);
  const short = Math.min(frameWidth, frameHeight);
  return Math.min(1, Math.max(DRAW_LONG_SIDE / long, DRAW_SHORT_SIDE / short));
}

export interface SceneLayout {
  frameWidth: number;
  frameHeight: number;
  box: ProductBox;
  staging: Staging;
  jitter: VariantJitter;
}

export async function drawBackdrop(source: SceneSource, layout: SceneLayout): Promise<DrawBuffer> {
  const scale = drawScale(layout.frameWidth, layout.frameHeight);
  const width = Math.max(2, Math.round(layout.frameWidth * scale));
  const height = Math.max(2, Math.round(layout.frameHeight * scale));
  const data = source.kind === 'studio' ? studioBase(source, width, height) : await photoBase(source.thumbnail, width, height);
  const buffer: DrawBuffer = { data, width, height, scale };
  if (source.kind === 'studio' && layout.staging === 'standing') addFloor(buffer, layout);
  addLightPool(buffer, layout, source);
  return buffer;
}

function studioBase(source: Extract<SceneSource, { kind: 'studio' }>, width: number, height: number): Float32Array {
  const data = new Float32Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const v = y / (height - 1);
    for (let x = 0; x < width; x++) {
      // The reference's backdrop is stretched over the frame (no extrapolation of the fitted field beyond its edges).
      const c = backgroundAt(source.model, x / (width - 1), v);
      const i = (y * width + x) * 3;
      data[i] = clamp255(c[0]);
      data[i + 1] = clamp255(c[1]);
      data[i + 2] = clamp255(c[2]);
    }
  }
  return data;
}

/** Cover-crops the reference to the frame, blurs it out of focus, and lowers its saturation and contrast. */
async function photoBase(thumb: RawRgb, width: number, height: number): Promise<Float32Array> {
  const sigma = Math.max(2, 0.035 * Math.max(width, height));
  const raw = await sharp(Buffer.from(thumb.data.buffer, thumb.data.byteOffset, thumb.data.length), { raw: { width: thumb.width, height: thumb.height, channels: 3 } })
    .resize(width, height, { fit: 'cover' })
    .blur(sigma)
    .modulate({ saturation: 0.75 })
    .raw()
    .toBuffer();
  let mean = 0;
  for (let i = 0; i < raw.length; i++) mean += raw[i];
  mean /= raw.length;
  const data = new Float32Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = 0.7 * raw[i] + 0.3 * mean;
  return data;
}

/** A seamless sweep: the wall turns into a slightly darker floor just below the product's base. */
function addFloor(buf: DrawBuffer, layout: SceneLayout): void {
  const floorV = (layout.box.top + layout.box.height) / layout.frameHeight + 0.01;
  for (let y = 0; y < buf.height; y++) {
    const v = y / (buf.height - 1);
    const f = 1 - 0.08 * smoothstep(floorV - 0.12, floorV + 0.03, v);
    for (let x = 0; x < buf.width; x++) {
      const i = (y * buf.width + x) * 3;
      buf.data[i] *= f;
      buf.data[i + 1] *= f;
      buf.data[i + 2] *= f;
    }
  }
}

/**
 * Light falls on the product and fades toward the frame's edges; darker reference sets get a stronger
 * fall-off (low-key), bright ones a faint one (high-key). The edges pick up a trace of the reference's
 * accent colour so the backdrop belongs to the same palette.
 */
function addLightPool(buf: DrawBuffer, layout: SceneLayout, source: SceneSource): void {
  const { box, frameWidth, frameHeight, jitter } = layout;
  const lx = ((box.left + box.width / 2) / frameWidth + jitter.lightShiftX) * buf.width;
  const ly = ((box.top + box.height * 0.4) / frameHeight) * buf.height;
  const radius = 0.8 * Math.max(buf.width, buf.height);
  const strength = Math.max(0.04, Math.min(0.3, 0.06 + 0.22 * (1 - source.brightness) + jitter.vignetteDelta));
  const accent = source.kind === 'studio' ? source.accent : null;
  for (let y = 0; y < buf.height; y++) {
    for (let x = 0; x < buf.width; x++) {
      const d = Math.hypot(x - lx, y - ly) / radius;
      const edge = smoothstep(0.2, 1.0, d);
      const f = 1 - strength * edge;
      const i = (y * buf.width + x) * 3;
      for (let ch = 0; ch < 3; ch++) {
        let c = buf.data[i + ch] * f;
        if (accent) c += (accent[ch] * f - c) * 0.04 * edge;
        buf.data[i + ch] = c;
      }
    }
  }
}

/** The backdrop's colour where the key light falls (used to match the product to the scene's light). */
export function lightColorAt(buf: DrawBuffer, layout: SceneLayout): [number, number, number] {
  const x = Math.min(buf.width - 1, Math.max(0, Math.round(((layout.box.left + layout.box.width / 2) / layout.frameWidth) * buf.width)));
  const y = Math.min(buf.height - 1, Math.max(0, Math.round((Math.max(0, layout.box.top - layout.box.height * 0.05) / layout.frameHeight) * buf.height)));
  const i = (y * buf.width + x) * 3;
  return [buf.data[i], buf.data[i + 1], buf.data[i + 2]];
}

export function toBytes(buf: DrawBuffer): Buffer {
  const out = Buffer.alloc(buf.data.length);
  for (let i = 0; i < out.length; i++) out[i] = clamp255(buf.data[i]);
  return out;
}

/** Mean luma of the backdrop, 0..1. */
export function backdropBrightness(buf: DrawBuffer): number {
  let s = 0;
  for (let i = 0; i < buf.data.length; i += 3) s += luma(buf.data[i], buf.data[i + 1], buf.data[i + 2]);
  return s / (buf.data.length / 3) / 255;
}

export function smoothstep(edge0: number, edge1: number, x: number): number {
  const t = Math.max(0, Math.min(1, (x - edge0) / (edge1 - edge0)));
  return t * t * (3 - 2 * t);
}

function clamp255(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
}
