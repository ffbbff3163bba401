/**
 * Reads one image file and checks it before anything expensive touches it: format by content, pixel size
 * from the header (EXIF orientation applied) with a decompression-bomb limit checked before any pixel is
 * decoded, then a cheap downscaled decode that catches corrupt or truncated files.
 *
 * Every module that decodes product or reference images goes through `decodeOriented`, so they all see
 * the same orientation and the same limits.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import sharp, { type Metadata, type Sharp } from 'sharp';
import { UserInputError, fsProblemText, isNodeFsError } from '../core/errors.js';
import { sniffImageFormat, type SupportedFormat } from './image-format.js';
import type { LoadedImage } from '../core/product.js';

/** 40 MP: above any phone or studio camera photo, far below what would exhaust memory when decoded. */
export const DEFAULT_MAX_PIXELS = 40_000_000;
/** Files larger than this are refused before being read into memory. */
export const DEFAULT_MAX_BYTES = 200 * 1024 * 1024;

export interface LoadImageOptions {
  maxPixels?: number;
  maxBytes?: number;
}

/** One image that cannot be used; `reason` is short ("file is empty", "unsupported format gif", …). */
export class ImageProblemError extends UserInputError {
  readonly absPath: string;
  readonly reason: string;
  /** The decoder's own words, when there are any. */
  readonly detail?: string;
  constructor(absPath: string, reason: string, options: { hint: string; detail?: string; cause?: unknown }) {
    super(`image ${absPath}: ${reason}${options.detail ? ` (${options.detail})` : ''}`, { hint: options.hint, cause: options.cause });
    this.absPath = absPath;
    this.reason = reason;
    this.detail = options.detail;
  }
}

const CONVERT_HINT = 'Convert the image to JPEG, PNG or WebP.';

export async function loadImage(absPath: string, options: LoadImageOptions = {}): Promise<LoadedImage> {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  const bytes = await readImageBytes(absPath, options.maxBytes ?? DEFAULT_MAX_BYTES);

  const sniffed = sniffImageFormat(bytes);
  if (sniffed.kind === 'unknown') {
    throw new ImageProblemError(absPath, 'not an image (expected JPEG, PNG or WebP)', {
      hint: 'Check that the file is really a photo; renaming a file does not convert it.',
    });
  }
  if (sniffed.kind === 'unsupported') {
    throw new ImageProblemError(absPath, `unsupported format ${sniffed.name}`, { hint: CONVERT_HINT });
  }
  const format = sniffed.format;

  const { width, height, pixels } = await headerSize(absPath, bytes, format);
  if (pixels > maxPixels) {
    throw new ImageProblemError(absPath, `${grouped(pixels)} pixels exceeds the ${grouped(maxPixels)}-pixel limit`, {
      hint: `Downscale the image (${grouped(width)}×${grouped(height)} now) to at most ${grouped(maxPixels)} pixels.`,
    });
  }
  await checkDecodes(absPath, bytes, format, maxPixels);

  return {
    absPath,
    bytes,
    contentHash: createHash('sha256').update(bytes).digest('hex'),
    width,
    height,
    format,
  };
}

/**
 * A sharp pipeline over the bytes with EXIF orientation applied, the pixel limit enforced and corrupt data
 * treated as an error. Use it wherever an image is decoded (embedding, analysis, compositing).
 */
export function decodeOriented(bytes: Uint8Array, maxPixels: number = DEFAULT_MAX_PIXELS): Sharp {
  return sharp(bytes, { limitInputPixels: maxPixels, failOn: 'warning', autoOrient: true });
}

async function readImageBytes(absPath: string, maxBytes: number): Promise<Buffer> {
  try {
    const info = await stat(absPath);
    if (!info.isFile()) throw new ImageProblemError(absPath, 'is not a file', { hint: 'Point image_path at an image file.' });
    if (info.size === 0) throw emptyFile(absPath);
    if (info.size > maxBytes) {
      throw new ImageProblemError(absPath, `file is ${grouped(info.size)} bytes, over the ${grouped(maxBytes)}-byte limit`, {
        hint: 'Re-export the image at a smaller size.',
      });
    }
    const bytes = await readFile(absPath);
    if (bytes.length === 0) throw emptyFile(absPath);
    return bytes;
  } catch (err) {
    if (err instanceof ImageProblemError) throw err;
    const code = isNodeFsError(err) ? err.code : undefined;
    const reason = code === 'ENOENT' || code === 'ENOTDIR' ? 'file not found' : `cannot be read: ${isNodeFsError(err) ? fsProblemText(err) : (err as Error).message}`;
    throw new ImageProblemError(absPath, reason, { hint: 'Check the image path and the file permissions.', cause: err });
  }
}

function emptyFile(absPath: string): ImageProblemError {
  return new ImageProblemError(absPath, 'file is empty', { hint: 'Copy the image again; the file has no content.' });
}

/** Size from the header only; nothing is decoded, so the pixel limit can be checked first. */
async function headerSize(absPath: string, bytes: Buffer, format: SupportedFormat) {
  let meta: Metadata;
  try {
    // No pixel limit here: this reads the header only, and the limit is checked (with a clear message) next.
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (err) {
    throw corrupt(absPath, format, err);
  }
  if (!meta.width || !meta.height) throw corrupt(absPath, format, new Error('no pixel size in the header'));
  const width = meta.autoOrient?.width ?? meta.width;
  const height = meta.autoOrient?.height ?? meta.height;
  return { width, height, pixels: meta.width * meta.height };
}

/**
 * Decodes at a small size: JPEG and WebP decode with shrink-on-load, so this is cheap, yet every byte of
 * compressed data is read and a truncated or damaged file fails here rather than later in a paid call.
 */
async function checkDecodes(absPath: string, bytes: Buffer, format: SupportedFormat, maxPixels: number): Promise<void> {
  try {
    await decodeOriented(bytes, maxPixels).resize(64, 64, { fit: 'inside' }).raw().toBuffer();
  } catch (err) {
    throw corrupt(absPath, format, err);
  }
}

function corrupt(absPath: string, format: SupportedFormat, cause: unknown): ImageProblemError {
  const detail = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
  return new ImageProblemError(absPath, `corrupt or truncated ${format === 'jpeg' ? 'JPEG' : format === 'png' ? 'PNG' : 'WebP'}`, {
    hint: 'Open the image in an editor and save it again, or copy it again from the original.',
    detail,
    cause,
  });
}

function grouped(n: number): string {
  return n.toLocaleString('en-US');
}
