/**
 * Fitting a generated image to a preset's exact pixels. A model's output is an intermediate: it comes at the
 * nearest supported aspect ratio and a size tier, sometimes at a size nobody asked for. hitline crops around
 * the product to the preset's ratio (padding with a blurred extension when the product would not fit),
 * resizes to the exact pixels and encodes in the preset's format under its file-size limit.
 */
import sharp from 'sharp';
import type { ImageGenerator } from '../../ports/image-generator.js';
import { nearestAspectRatio, outputSize, SIZE_TIERS, type AspectRatio, type SizeTier } from '../../core/output-sizes.js';
import type { Preset } from '../preset.js';
import { HitlineError } from '../../core/errors.js';
import type { FractionBox } from '../../core/geometry.js';
import type { RawRgb } from '../../imaging/decode.js';

export interface GenerationSize {
  aspectRatio: AspectRatio;
  sizeTier: SizeTier;
  /** The generator's output pixels for that ratio and tier. */
  output: { width: number; height: number };
  /** Whether the largest crop of the preset's ratio inside the output has at least the preset's pixels. */
  covers: boolean;
}

/**
 * What to ask the generator for: the supported ratio nearest the preset's, and the smallest supported tier
 * whose output, cropped to the preset's ratio, still has the preset's pixels (the preset's own tier when it names one).
 * When no tier covers, the largest is chosen and the fit upscales (reported as a warning).
 */
export function chooseGenerationSize(preset: Preset, generator: Pick<ImageGenerator, 'supportedAspectRatios' | 'supportedSizeTiers'>): GenerationSize {
  const aspectRatio = nearestAspectRatio(preset.width, preset.height, generator.supportedAspectRatios);
  const tiers = SIZE_TIERS.filter((t) => generator.supportedSizeTiers.includes(t));
  if (tiers.length === 0) throw new HitlineError('the image generator supports no size tier', { hint: 'Choose another generator model.' });
  const covering = (t: SizeTier) => {
    const out = outputSize(aspectRatio, t);
    return cropForRatio(out.width, out.height, preset.width / preset.height).height >= preset.height;
  };
  if (preset.sizeTier && tiers.includes(preset.sizeTier)) {
    return { aspectRatio, sizeTier: preset.sizeTier, output: outputSize(aspectRatio, preset.sizeTier), covers: covering(preset.sizeTier) };
  }
  const tier = tiers.find(covering) ?? tiers[tiers.length - 1];
  return { aspectRatio, sizeTier: tier, output: outputSize(aspectRatio, tier), covers: covering(tier) };
}

/** The largest window of aspect `ratio` (width/height) inside width×height. */
export function cropForRatio(width: number, height: number, ratio: number): { width: number; height: number } {
  return width / height > ratio
    ? { width: Math.max(1, Math.round(height * ratio)), height }
    : { width, height: Math.max(1, Math.round(width / ratio)) };
}

export interface FitOptions {
  /** Where the product is in the input (fractions); absent means keep the centre. */
  productBox?: FractionBox;
  /** Space kept around the product when cropping, as a share of its long side (default 0.06). */
  productMargin?: number;
}

export interface FittedImage {
  /** Exactly preset.width × preset.height RGB pixels. */
  image: RawRgb;
  /** Where the product box ended up, in fractions of the output (when one was given). */
  productBox?: FractionBox;
  /** What was done, for the record: "crop 1264×848 at 32,0", "pad …", "resize …". */
  operations: string[];
  warnings: string[];
}

export async function fitToPreset(bytes: Buffer, preset: Pick<Preset, 'width' | 'height'>, options: FitOptions = {}): Promise<FittedImage> {
  const { data, info } = await sharp(bytes)
    .rotate()
    .flatten({ background: '#ffffff' })
    .toColourspace('srgb')
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true })
    .catch((error: Error) => {
      throw new HitlineError(`the generated image cannot be decoded: ${error.message}`, { hint: 'Run the product again; if it repeats, try another generator model.', cause: error });
    });
  const W = info.width;
  const H = info.height;
  const ratio = preset.width / preset.height;
  const operations: string[] = [];
  const warnings: string[] = [];

  const win = placeWindow(W, H, ratio, options.productBox, options.productMargin ?? 0.06);
  const inside = {
    left: Math.max(0, win.left),
    top: Math.max(0, win.top),
    right: Math.min(W, win.left + win.width),
    bottom: Math.min(H, win.top + win.height),
  };
  const needsPad = inside.left > win.left || inside.top > win.top || inside.right < win.left + win.width || inside.bottom < win.top + win.height;
  const raw = { raw: { width: W, height: H, channels: 3 as const } };
  let windowImage: Buffer;
  if (!needsPad) {
    windowImage = await sharp(data, raw).extract({ left: win.left, top: win.top, width: win.width, height: win.height }).raw().toBuffer();
    if (win.width !== W || win.height !== H) operations.push(`crop ${win.width}×${win.height} at ${win.left},${win.top} of ${W}×${H}`);
  } else {
    // The product does not fit a crop: extend the picture's own edges outward (edge pixels repeated, then blurred
    // at a small size so the streaks melt into a soft backdrop), and put the picture back on top, unblurred.
    const pw = inside.right - inside.left;
    const ph = inside.bottom - inside.top;
    const part = await sharp(data, raw).extract({ left: inside.left, top: inside.top, width: pw, height: ph }).raw().toBuffer();
    const extended = await sharp(part, { raw: { width: pw, height: ph, channels: 3 } })
      .extend({ left: inside.left - win.left, top: inside.top - win.top, right: win.left + win.width - inside.right, bottom: win.top + win.height - inside.bottom, extendWith: 'copy' })
      .raw()
      .toBuffer();
    const scale = Math.max(win.width, win.height) / 200;
    const sw = Math.max(8, Math.round(win.width / scale));
    const sh = Math.max(8, Math.round(win.height / scale));
    const blurred = await sharp(extended, { raw: { width: win.width, height: win.height, channels: 3 } }).resize(sw, sh, { fit: 'fill' }).blur(3).raw().toBuffer();
    const fill = await sharp(blurred, { raw: { width: sw, height: sh, channels: 3 } }).resize(win.width, win.height, { fit: 'fill', kernel: 'cubic' }).raw().toBuffer();
    windowImage = await sharp(fill, { raw: { width: win.width, height: win.height, channels: 3 } })
      .composite([{ input: part, raw: { width: pw, height: ph, channels: 3 }, left: inside.left - win.left, top: inside.top - win.top }])
      .removeAlpha()
      .raw()
      .toBuffer();
    operations.push(`pad ${W}×${H} to ${win.width}×${win.height} (the product would not fit a ${preset.width}:${preset.height} crop)`);
  }
  let out = windowImage;
  if (win.width !== preset.width || win.height !== preset.height) {
    if (win.width < preset.width) warnings.push(`upscaled ${(preset.width / win.width).toFixed(2)}×: the generator's output was smaller than the preset`);
    out = await sharp(windowImage, { raw: { width: win.width, height: win.height, channels: 3 } })
      .resize(preset.width, preset.height, { fit: 'fill', kernel: 'lanczos3' })
      .removeAlpha()
      .raw()
      .toBuffer();
    operations.push(`resize ${win.width}×${win.height} → ${preset.width}×${preset.height}`);
  }
  const box = options.productBox;
  return {
    image: { data: new Uint8Array(out.buffer, out.byteOffset, out.length), width: preset.width, height: preset.height },
    productBox: box && {
      x: (box.x * W - win.left) / win.width,
      y: (box.y * H - win.top) / win.height,
      width: (box.width * W) / win.width,
      height: (box.height * H) / win.height,
    },
    operations,
    warnings,
  };
}

interface Window {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * The window of `ratio` to cut: the largest inside the image, centred on the product (or the image centre);
 * when the product plus margin is larger than that window, a larger window that reaches outside the image.
 */
function placeWindow(W: number, H: number, ratio: number, productBox: FractionBox | undefined, margin: number): Window {
  const crop = cropForRatio(W, H, ratio);
  if (!productBox) return { left: Math.floor((W - crop.width) / 2), top: Math.floor((H - crop.height) / 2), ...crop };
  const m = margin * Math.max(productBox.width * W, productBox.height * H);
  let bx = productBox.x * W - m;
  let by = productBox.y * H - m;
  let bw = productBox.width * W + 2 * m;
  let bh = productBox.height * H + 2 * m;
  let width = crop.width;
  let height = crop.height;
  if (bw > width || bh > height) {
    if (productBox.width * W <= width && productBox.height * H <= height) {
      // The product itself fits the crop, only the margin does not: crop tighter rather than pad.
      [bx, by, bw, bh] = [productBox.x * W, productBox.y * H, productBox.width * W, productBox.height * H];
    } else {
      width = Math.ceil(Math.max(bw, bh * ratio));
      height = Math.ceil(width / ratio);
    }
  }
  const place = (size: number, full: number, boxStart: number, boxSize: number) => {
    const centred = boxStart + boxSize / 2 - size / 2;
    if (size <= full) return Math.round(Math.min(full - size, Math.max(0, centred)));
    // Larger than the image: keep the product inside, the overhang split as evenly as the product allows.
    const even = (full - size) / 2;
    return Math.round(Math.min(boxStart, Math.max(boxStart + boxSize - size, even)));
  };
  return { left: place(width, W, bx, bw), top: place(height, H, by, bh), width, height };
}
