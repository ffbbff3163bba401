/** Images to and from the data URIs OpenRouter carries in `image_url` parts. */
import { decodeOriented } from '../../catalog/load-image.js';
import { UserInputError } from '../../core/errors.js';

export interface PreparedImage {
  /** data:image/jpeg;base64,... */
  uri: string;
  width: number;
  height: number;
}

/**
 * Any encoded image → JPEG data URI, EXIF orientation applied, downscaled so the long side is at most
 * `maxSide` (never enlarged), transparency flattened onto white (JPEG has no alpha).
 */
export async function toJpegDataUri(bytes: Buffer, options: { maxSide: number; quality: number; what?: string }): Promise<PreparedImage> {
  try {
    // decodeOriented: the project's one decode path (EXIF orientation, pixel limit, corrupt data is an error).
    const { data, info } = await decodeOriented(bytes)
      .resize({ width: options.maxSide, height: options.maxSide, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: options.quality })
      .toBuffer({ resolveWithObject: true });
    return { uri: `data:image/jpeg;base64,${data.toString('base64')}`, width: info.width, height: info.height };
  } catch (e) {
    throw new UserInputError(`${options.what ?? 'An image'} could not be decoded (${(e as Error).message}).`, {
      hint: 'Use a JPEG, PNG or WebP file that opens in an image viewer.',
      cause: e,
    });
  }
}

/** "data:<mime>;base64,<data>" → bytes, or undefined when the URL is not a base64 data URI. */
export function decodeDataUri(url: string): { mime: string; bytes: Buffer } | undefined {
  const m = /^data:([\w.+/-]+)?(?:;[\w=.-]+)*;base64,/i.exec(url);
  if (!m) return undefined;
  return { mime: (m[1] ?? 'application/octet-stream').toLowerCase(), bytes: Buffer.from(url.slice(m[0].length), 'base64') };
}
