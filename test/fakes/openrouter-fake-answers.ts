/**
 * The fake OpenRouter's deterministic answers: embeddings from a hash of the input, style briefs,
 * vision-check verdicts, and real PNG images of the requested size.
 */
import sharp from 'sharp';
import { seedFromText, seededRandom } from './seeded-random.js';
import type { StyleBrief } from '../../src/core/style-brief.js';
import type { VisionVerdict } from '../../src/ports/vision-checker.js';

/** A vector derived from the input's hash: the same input always gives the same vector. Not normalised. */
export function fakeEmbedding(input: unknown, dimension: number): number[] {
  const rnd = seededRandom(seedFromText(JSON.stringify(input)));
  const v = new Array<number>(dimension);
  for (let i = 0; i < dimension; i++) v[i] = (rnd() * 2 - 1) * 3;
  return v;
}

const SCENES = ['plain light-grey studio backdrop', 'sunlit city street', 'minimal white loft', 'garden terrace at golden hour'];
const LIGHTS = ['soft diffused key light from the left', 'bright natural daylight', 'warm backlight with gentle fill'];
const MOODS = ['calm and confident', 'fresh and playful', 'elegant and relaxed'];

/** A valid style brief chosen from a hash of the request, so the same request gets the same brief. */
export function fakeBrief(seedText: string): StyleBrief {
  const rnd = seededRandom(seedFromText(seedText));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const hex = () =>
    `#${Math.floor(rnd() * 0xffffff)
      .toString(16)
      .padStart(6, '0')}`;
  const scene = pick(SCENES);
  return {
    scene,
    background: `${scene}, uncluttered`,
    lighting: pick(LIGHTS),
    colorTone: 'neutral, softly saturated',
    palette: [hex(), hex(), hex()],
    composition: 'full body, centred, camera at chest height, some headroom',
    pose: 'standing three-quarter turn, one hand relaxed',
    mood: pick(MOODS),
    props: ['small leather handbag'],
    negatives: ['visible labels', 'extra garments', 'text'],
    prompt: `Full-body photo of a model wearing the new garment in a ${scene}, ${pick(LIGHTS)}, natural fit, sharp fabric detail, photorealistic.`,
  };
}

/**
 * A brief as real vision models often answer: the JSON in a Markdown fence after a sentence of prose, colours
 * by name and as rgb(), a field nobody asked for, no "props" list, and a prompt of 128 words (over the 100
 * allowed), in sentences. Everything in it can be normalised; nothing needs a repair.
 */
export function looseBriefAnswer(seedText: string): string {
  const { props: _props, ...brief } = fakeBrief(seedText);
  const sentence = 'The model stands in soft window light with the garment shown in full, fabric texture crisp and colours true to life.';
  const loose = {
    ...brief,
    palette: ['navy blue', 'rgb(200, 40, 40)', 'light grey', '#F5F5DC'],
    confidence: 0.9,
    prompt: `${brief.prompt} ${Array.from({ length: 5 }, () => sentence).join(' ')}`,
  };
  return `Here is the style brief you asked for:\n\n\`\`\`json\n${JSON.stringify(loose, null, 2)}\n\`\`\`\n\nLet me know if you need anything else.`;
}

/** A verdict as a loose model answers it: fenced, after prose, with a field nobody asked for and no "notes". */
export function looseVerdictAnswer(): string {
  const { notes: _notes, ...verdict } = fakeVisionVerdict();
  return `Verdict:\n\`\`\`json\n${JSON.stringify({ ...verdict, confidence: 'high' })}\n\`\`\``;
}

/** The vision check's answer for an image with nothing wrong (a fault of kind "text" gives any other answer). */
export function fakeVisionVerdict(): VisionVerdict {
  return { sameProduct: true, labelOrTagVisible: false, extraItems: false, garbledText: false, notes: 'ok' };
}

/**
 * A real PNG of exactly width×height: either a solid frame with a mark in one corner (fast, the
 * default), or a tinted copy of the first input image (looks like an edit of the product).
 */
export async function fakeImage(width: number, height: number, options: { seedText: string; style: 'solid' | 'tinted'; source?: Buffer }): Promise<Buffer> {
  const rnd = seededRandom(seedFromText(options.seedText));
  const colour = { r: Math.floor(rnd() * 200) + 30, g: Math.floor(rnd() * 200) + 30, b: Math.floor(rnd() * 200) + 30 };
  if (options.style === 'tinted' && options.source) {
    return sharp(options.source).resize(width, height, { fit: 'cover' }).tint(colour).png({ compressionLevel: 1 }).toBuffer();
  }
  const markW = Math.max(1, Math.round(width / 8));
  const markH = Math.max(1, Math.round(height / 8));
  const mark = await sharp({ create: { width: markW, height: markH, channels: 3, background: { r: 255 - colour.r, g: 255 - colour.g, b: 255 - colour.b } } })
    .png()
    .toBuffer();
  return sharp({ create: { width, height, channels: 3, background: colour } })
    .composite([{ input: mark, left: Math.round(width / 16), top: Math.round(height / 16) }])
    .png({ compressionLevel: 1 })
    .toBuffer();
}
