/**
 * Decoding for the local embedder: EXIF orientation applied (through the catalog's `decodeOriented`, so the
 * embedder sees exactly what the rest of hitline sees), alpha flattened onto white, 8-bit sRGB pixels.
 */
import sharp from 'sharp';
import { decodeOriented } from '../../../catalog/load-image.js';
import { UserInputError } from '../../../core/errors.js';

/** Interleaved 8-bit RGB pixels, row-major. */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Decodes an encoded image (JPEG, PNG, WebP) upright. Throws sharp's error for unreadable bytes. */
export async function decodeUprightRgb(bytes: Buffer): Promise<RgbImage> {
  const { data, info } = await decodeOriented(bytes)
    .flatten({ background: '#ffffff' })
    .toColourspace('srgb')
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
}

/** The error an embedder call gives for an image it cannot decode: which image of the call, and sharp's reason. */
export function undecodableImage(index: number, total: number, reason: string, cause?: unknown): UserInputError {
  return new UserInputError(`image ${index + 1} of ${total} could not be decoded: ${reason}`, {
    hint: 'Check that the file is a complete JPEG, PNG or WebP image.',
    cause,
  });
}

/** A rectangle in pixel coordinates. */
export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Resizes the part of `image` inside `box` to size×size, padding the short side with `background` (no distortion). */
export async function cropToSquare(image: RgbImage, box: Box, size: number, background: [number, number, number]): Promise<RgbImage> {
  const { data } = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .extract(box)
    .resize(size, size, { fit: 'contain', background: { r: background[0], g: background[1], b: background[2] }, kernel: 'cubic' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: size, height: size };
}
