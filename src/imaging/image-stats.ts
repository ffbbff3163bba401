/**
 * Colour, light and layout measurements of one image, shared by the offline style analyzer
 * (which turns them into words) and the offline compositor (which turns them into a scene).
 * Everything is computed on a small thumbnail and is deterministic: the same bytes give the same numbers.
 * The pieces live beside this file: decode, color, palette, background-model, threshold, subject.
 */
import { backgroundAt, fitBackground, type BackgroundModel } from './background-model.js';
import { colorDistance, luma, toHex } from './color.js';
import { decodeRgb, orientedSize, type RawRgb } from './decode.js';
import { dominantColors, type PaletteColor } from './palette.js';
import { findSubject, type SubjectStats } from './subject.js';

export type BackgroundKind = 'plain' | 'gradient' | 'busy';

export interface BackgroundStats {
  /** Median colour of the border ring. */
  color: string;
  /** Background colour along the top and bottom edges, from the fitted model. */
  topColor: string;
  bottomColor: string;
  /** Share of border pixels that one smooth colour field explains (within 20/255 per channel on average). */
  plainness: number;
  /** Mean neighbour-to-neighbour difference inside the background, 0..255: texture. */
  roughness: number;
  kind: BackgroundKind;
  /** Which side of the backdrop is brighter (a hint of the key light's side). */
  brighterSide: 'left' | 'right' | 'even';
}

export interface ImageStats {
  /** Pixel size after EXIF orientation. */
  width: number;
  height: number;
  /** width / height */
  aspect: number;
  /** Dominant colours, most dominant first. */
  palette: PaletteColor[];
  /** Mean luma, 0..1. */
  brightness: number;
  /** Standard deviation of luma, 0..1. */
  contrast: number;
  /** Mean (R − B) / 255: positive is warm, negative is cool. */
  warmth: number;
  temperature: 'warm' | 'neutral' | 'cool';
  /** Mean HSV saturation, 0..1. */
  saturation: number;
  background: BackgroundStats;
  /** null when the background is too busy to tell subject from background. */
  subject: SubjectStats | null;
}

/** Long side of the thumbnail the statistics are measured on. */
const STATS_THUMBNAIL_SIDE = 160;

/** Warmth beyond ±this is called warm / cool. */
const WARMTH_THRESHOLD = 0.04;

/** Measures an image from its file bytes. */
export async function measureImage(bytes: Buffer): Promise<ImageStats> {
  const size = await orientedSize(bytes);
  const img = await decodeRgb(bytes, STATS_THUMBNAIL_SIDE);
  const width = size.width ?? img.width;
  const height = size.height ?? img.height;
  return { width, height, aspect: width / height, ...measureRgb(img) };
}

/** The measurements that depend only on pixels (the thumbnail). */
export function measureRgb(img: RawRgb): Omit<ImageStats, 'width' | 'height' | 'aspect'> {
  const { data } = img;
  const n = img.width * img.height;
  let lumaSum = 0;
  let lumaSq = 0;
  let warmSum = 0;
  let satSum = 0;
  for (let i = 0; i < n; i++) {
    const r = data[i * 3];
    const g = data[i * 3 + 1];
    const b = data[i * 3 + 2];
    const y = luma(r, g, b) / 255;
    lumaSum += y;
    lumaSq += y * y;
    warmSum += (r - b) / 255;
    const max = Math.max(r, g, b);
    satSum += max === 0 ? 0 : (max - Math.min(r, g, b)) / max;
  }
  const brightness = lumaSum / n;
  const contrast = Math.sqrt(Math.max(0, lumaSq / n - brightness * brightness));
  const warmth = warmSum / n;
  const model = fitBackground(img);
  const background = describeBackground(model);
  return {
    palette: dominantColors(img),
    brightness,
    contrast,
    warmth,
    temperature: warmth > WARMTH_THRESHOLD ? 'warm' : warmth < -WARMTH_THRESHOLD ? 'cool' : 'neutral',
    saturation: satSum / n,
    background,
    subject: background.kind === 'busy' ? null : findSubject(img, model),
  };
}

/** Plain: one colour, well explained. Gradient: smooth but varying. Busy: the model explains too little or the texture is rough. */
const PLAIN_MIN_SHARE = 0.75;
const PLAIN_MAX_SPREAD = 18;
const MAX_SMOOTH_ROUGHNESS = 6;

function describeBackground(model: BackgroundModel): BackgroundStats {
  const samples = [0, 0.5, 1].flatMap((u) => [0, 0.5, 1].map((v) => backgroundAt(model, u, v)));
  const spread = Math.max(...samples.flatMap((a) => samples.map((b) => colorDistance(a, b))));
  const kind: BackgroundKind =
    model.inlierShare < PLAIN_MIN_SHARE || model.roughness > MAX_SMOOTH_ROUGHNESS ? 'busy' : spread <= PLAIN_MAX_SPREAD ? 'plain' : 'gradient';
  const lumaAt = (u: number, v: number) => luma(...backgroundAt(model, u, v));
  const leftRight = (lumaAt(0, 0.3) + lumaAt(0, 0.7)) / 2 - (lumaAt(1, 0.3) + lumaAt(1, 0.7)) / 2;
  return {
    color: toHex(model.median),
    topColor: toHex(backgroundAt(model, 0.5, 0)),
    bottomColor: toHex(backgroundAt(model, 0.5, 1)),
    plainness: model.inlierShare,
    roughness: model.roughness,
    kind,
    brighterSide: kind === 'busy' || Math.abs(leftRight) < 8 ? 'even' : leftRight > 0 ? 'left' : 'right',
  };
}
