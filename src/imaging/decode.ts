/** Image bytes to raw pixels, EXIF orientation applied: RGB flattened onto white (measuring), or RGBA (cutting out). */
import { decodeOriented } from '../catalog/load-image.js';
import { HitlineError } from '../core/errors.js';

/** Interleaved 8-bit RGB pixels. */
export interface RawRgb {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Interleaved 8-bit RGBA pixels of a decoded photo. */
export interface RawRgba {
  data: Buffer;
  width: number;
  height: number;
  /** Whether the file had an alpha channel at all. */
  hasAlpha: boolean;
  /** Decoded pixels per original pixel. */
  scale: number;
}

const DECODE_HINT = 'Use a JPEG, PNG or WebP file that opens in an image viewer.';

/**
 * Decodes image bytes to RGB with EXIF orientation applied and transparency flattened onto white,
 * downscaled so the long side is at most `maxSide` (never enlarged).
 */
export async function decodeRgb(bytes: Buffer, maxSide: number): Promise<RawRgb> {
  try {
    const { data, info } = await decodeOriented(bytes)
      .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`expected 3 channels after decoding, got ${info.channels}`);
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
  } catch (error) {
    throw new HitlineError(`could not decode the image: ${(error as Error).message}`, { hint: DECODE_HINT, cause: error });
  }
}

/**
 * Decodes a product photo to RGBA with its long side at `minSide`..`maxSide`: a smaller photo is enlarged
 * to `minSide` (so an outline is smoothed at that resolution), a larger one reduced to `maxSide`.
 */
export async function decodeRgba(bytes: Buffer, maxSide: number, minSide: number): Promise<RawRgba> {
  try {
    const image = decodeOriented(bytes);
    const meta = await image.metadata();
    const long = Math.max(meta.autoOrient?.width ?? meta.width ?? 0, meta.autoOrient?.height ?? meta.height ?? 0);
    const side = Math.min(maxSide, Math.max(long, minSide));
    const { data, info } = await image
      .resize({ width: side, height: side, fit: 'inside' })
      .toColourspace('srgb')
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height, hasAlpha: Boolean(meta.hasAlpha), scale: long ? Math.max(info.width, info.height) / long : 1 };
  } catch (error) {
    throw new HitlineError(`could not decode the product photo: ${(error as Error).message}`, { hint: DECODE_HINT, cause: error });
  }
}

/** Pixel size after EXIF orientation, read from the file's header. */
export async function orientedSize(bytes: Buffer): Promise<{ width?: number; height?: number }> {
  const meta = await decodeOriented(bytes)
    .metadata()
    .catch((error: Error) => {
      throw new HitlineError(`could not read the image: ${error.message}`, { hint: DECODE_HINT, cause: error });
    });
  return { width: meta.autoOrient?.width ?? meta.width, height: meta.autoOrient?.height ?? meta.height };
}
