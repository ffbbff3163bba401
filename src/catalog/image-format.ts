/**
 * Image format by content (magic bytes), never by file name: a text file renamed .jpg is not an image.
 * hitline accepts JPEG, PNG and WebP (what the cloud models and every marketplace take); other image
 * formats are named so the user knows what to convert.
 */
import type { LoadedImage } from '../core/product.js';

export type SupportedFormat = LoadedImage['format'];

export type SniffedFormat =
  | { kind: 'supported'; format: SupportedFormat }
  | { kind: 'unsupported'; name: string }
  | { kind: 'unknown' };

export function sniffImageFormat(bytes: Uint8Array): SniffedFormat {
  if (has(bytes, 0, [0xff, 0xd8, 0xff])) return { kind: 'supported', format: 'jpeg' };
  if (has(bytes, 0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { kind: 'supported', format: 'png' };
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return { kind: 'supported', format: 'webp' };

  const unsupported = otherImageFormat(bytes);
  return unsupported ? { kind: 'unsupported', name: unsupported } : { kind: 'unknown' };
}

function otherImageFormat(bytes: Uint8Array): string | undefined {
  const head4 = ascii(bytes, 0, 4);
  if (head4 === 'GIF8') return 'gif';
  if (ascii(bytes, 0, 2) === 'BM') return 'bmp';
  if (has(bytes, 0, [0x49, 0x49, 0x2a, 0x00]) || has(bytes, 0, [0x4d, 0x4d, 0x00, 0x2a])) return 'tiff';
  if (head4 === '8BPS') return 'psd';
  if (has(bytes, 0, [0x00, 0x00, 0x01, 0x00])) return 'ico';
  if (has(bytes, 0, [0xff, 0x0a]) || has(bytes, 4, [0x4a, 0x58, 0x4c, 0x20])) return 'jxl';
  if (ascii(bytes, 4, 4) === 'ftyp') {
    const brand = ascii(bytes, 8, 4);
    if (brand === 'avif' || brand === 'avis') return 'avif';
    if (['heic', 'heix', 'hevc', 'hevx', 'mif1', 'msf1'].includes(brand)) return 'heic';
  }
  const text = ascii(bytes, 0, 256).trimStart().toLowerCase();
  if (text.startsWith('<svg') || (text.startsWith('<?xml') && text.includes('<svg'))) return 'svg';
  return undefined;
}

function has(bytes: Uint8Array, offset: number, expected: number[]): boolean {
  return bytes.length >= offset + expected.length && expected.every((b, i) => bytes[offset + i] === b);
}

function ascii(bytes: Uint8Array, offset: number, length: number): string {
  return Buffer.from(bytes.subarray(offset, offset + length)).toString('latin1');
}
