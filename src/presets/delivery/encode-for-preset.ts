/**
 * Encodes final pixels in a preset's format, in sRGB with an embedded profile and the XMP provenance packet,
 * under the preset's file-size limit: when the first encode is too large, quality is lowered step by step
 * (never below MIN_QUALITY); a file that still does not fit is returned with `fits: false` so the size check fails visibly.
 */
import sharp from 'sharp';
import type { Preset } from '../preset.js';
import type { RawRgb } from '../../imaging/decode.js';

/** Below this JPEG/WebP quality, artefacts show on product edges; eBay flags JPEG under 90. */
export const MIN_QUALITY = 60;
const QUALITY_STEP = 6;

export interface EncodedImage {
  bytes: Buffer;
  format: Preset['format'];
  /** The quality the file was finally written at (PNG: 100). */
  quality: number;
  /** How many encodes it took (1 = the preset's own quality fitted). */
  encodes: number;
  fits: boolean;
}

export interface EncodeOptions {
  /** The XMP packet (ai-metadata.ts). */
  xmp?: string;
  /** Full-resolution chroma (4:4:4): no colour bleeding into exact-white backgrounds or around thin text. Default true. */
  fullChroma?: boolean;
}

export async function encodeForPreset(image: RawRgb, preset: Pick<Preset, 'format' | 'quality' | 'maxFileBytes'>, options: EncodeOptions = {}): Promise<EncodedImage> {
  const encodeAt = async (quality: number): Promise<Buffer> => {
    let pipeline = sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.length), {
      raw: { width: image.width, height: image.height, channels: 3 },
    }).withIccProfile('srgb');
    if (options.xmp) pipeline = pipeline.withXmp(options.xmp);
    if (preset.format === 'jpeg') {
      return pipeline.jpeg({ quality, chromaSubsampling: options.fullChroma === false ? '4:2:0' : '4:4:4', mozjpeg: false }).toBuffer();
    }
    if (preset.format === 'webp') return pipeline.webp({ quality, smartSubsample: true }).toBuffer();
    return pipeline.png({ compressionLevel: 9, adaptiveFiltering: true }).toBuffer();
  };
  if (preset.format === 'png') {
    const bytes = await encodeAt(100);
    return { bytes, format: 'png', quality: 100, encodes: 1, fits: bytes.length <= preset.maxFileBytes };
  }
  let quality = preset.quality;
  let encodes = 0;
  for (;;) {
    const bytes = await encodeAt(quality);
    encodes += 1;
    if (bytes.length <= preset.maxFileBytes) return { bytes, format: preset.format, quality, encodes, fits: true };
    if (quality <= MIN_QUALITY) return { bytes, format: preset.format, quality, encodes, fits: false };
    // Aim at the limit from the size seen (size falls roughly linearly with quality in this range), at least one step.
    quality = Math.max(MIN_QUALITY, Math.min(quality - QUALITY_STEP, Math.floor(quality * Math.sqrt(preset.maxFileBytes / bytes.length))));
  }
}
