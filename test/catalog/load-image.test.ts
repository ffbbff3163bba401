import { createHash } from 'node:crypto';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_PIXELS, ImageProblemError, decodeOriented, loadImage } from '../../src/catalog/load-image.js';
import { UserInputError } from '../../src/core/errors.js';
import { imageBytes, noisyJpeg, pngClaimingSize, tempDir, writeFile } from './fixtures.js';

const dir = tempDir();

/** The ImageProblemError that loading `file` throws. */
async function problemOf(file: string, options?: { maxPixels?: number }): Promise<ImageProblemError> {
  const err = await loadImage(file, options).then(
    () => { throw new Error(`expected ${file} to be refused`); },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ImageProblemError);
  expect(err).toBeInstanceOf(UserInputError);
  expect((err as ImageProblemError).hint).toBeTruthy();
  return err as ImageProblemError;
}

describe('loadImage', () => {
  it.each(['jpeg', 'png', 'webp'] as const)('loads a %s: format by content, size, bytes and sha256', async (format) => {
    const bytes = await imageBytes(format, 120, 80);
    // The extension lies on purpose: the format comes from the content.
    const file = writeFile(dir, `photo-${format}.img`, bytes);
    const image = await loadImage(file);
    expect(image).toMatchObject({ absPath: file, format, width: 120, height: 80 });
    expect(image.bytes.equals(bytes)).toBe(true);
    expect(image.contentHash).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('gives a content hash that depends on the bytes only', async () => {
    const bytes = await imageBytes('jpeg', 50, 50, '#336699');
    const a = writeFile(dir, 'hash/a.jpg', bytes);
    const b = writeFile(dir, 'hash/copy of a.jpg', bytes);
    const other = writeFile(dir, 'hash/other.jpg', await imageBytes('jpeg', 50, 50, '#336698'));
    const [first, again, copy, different] = await Promise.all([loadImage(a), loadImage(a), loadImage(b), loadImage(other)]);
    expect(first.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(again.contentHash).toBe(first.contentHash);
    expect(copy.contentHash).toBe(first.contentHash);
    expect(different.contentHash).not.toBe(first.contentHash);
  });

  it('reports the size with EXIF orientation applied, and decodeOriented rotates the pixels the same way', async () => {
    const upright = await sharp({ create: { width: 300, height: 100, channels: 3, background: '#888' } }).jpeg().toBuffer();
    const rotated = await sharp(upright).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    expect((await sharp(rotated).metadata()).width).toBe(300); // stored landscape…
    const image = await loadImage(writeFile(dir, 'exif6.jpg', rotated));
    expect([image.width, image.height]).toEqual([100, 300]); // …shown portrait
    const { info } = await decodeOriented(rotated).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([100, 300]);
  });

  it('refuses a truncated JPEG', async () => {
    const jpeg = await noisyJpeg();
    const file = writeFile(dir, 'truncated.jpg', jpeg.subarray(0, Math.floor(jpeg.length * 0.6)));
    const err = await problemOf(file);
    expect(err.reason).toBe('corrupt or truncated JPEG');
    expect(err.message).toContain(file);
  });

  it('refuses a JPEG damaged in the middle', async () => {
    const jpeg = Buffer.from(await noisyJpeg());
    const middle = Math.floor(jpeg.length / 2);
    for (let i = middle; i < middle + 300; i++) jpeg[i] = (i * 31) & 0xff;
    expect((await problemOf(writeFile(dir, 'damaged.jpg', jpeg))).reason).toBe('corrupt or truncated JPEG');
  });

  it('refuses a PNG cut off after its header', async () => {
    const png = await imageBytes('png', 200, 200);
    expect((await problemOf(writeFile(dir, 'short.png', png.subarray(0, 40)))).reason).toBe('corrupt or truncated PNG');
  });

  it('refuses a text file named .jpg', async () => {
    const err = await problemOf(writeFile(dir, 'notes.jpg', 'product notes: red dress, size M\n'));
    expect(err.reason).toBe('not an image (expected JPEG, PNG or WebP)');
  });

  it('refuses a GIF (and other image formats) by name', async () => {
    expect((await problemOf(writeFile(dir, 'anim.jpg', await imageBytes('gif')))).reason).toBe('unsupported format gif');
    const tiff = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } }).tiff().toBuffer();
    expect((await problemOf(writeFile(dir, 'scan.png', tiff))).reason).toBe('unsupported format tiff');
    const svg = '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>';
    expect((await problemOf(writeFile(dir, 'logo.png', svg))).reason).toBe('unsupported format svg');
  });

  it('refuses an empty file and a missing file', async () => {
    expect((await problemOf(writeFile(dir, 'empty.jpg', Buffer.alloc(0)))).reason).toBe('file is empty');
    expect((await problemOf(path.join(dir, 'nowhere.jpg'))).reason).toBe('file not found');
  });

  it('refuses a PNG whose header claims 62.5 MP before decoding any pixel', async () => {
    // Its pixel data is garbage: a decode would fail as "corrupt", so this reason proves no decode happened.
    const err = await problemOf(writeFile(dir, 'bomb.png', pngClaimingSize(25_000, 2_500)));
    expect(DEFAULT_MAX_PIXELS).toBe(40_000_000);
    expect(err.reason).toBe('62,500,000 pixels exceeds the 40,000,000-pixel limit');
    expect(err.hint).toContain('25,000×2,500');
  });

  it('applies a lower maxPixels to a real image, and accepts it at the default', async () => {
    const file = writeFile(dir, 'big.jpg', await imageBytes('jpeg', 2000, 1500));
    expect((await problemOf(file, { maxPixels: 1_000_000 })).reason).toBe('3,000,000 pixels exceeds the 1,000,000-pixel limit');
    expect(await loadImage(file, { maxPixels: 3_000_000 })).toMatchObject({ width: 2000, height: 1500 });
    expect(await loadImage(file)).toMatchObject({ width: 2000, height: 1500 });
  });

  it('decodeOriented enforces the pixel limit too', async () => {
    const bytes = await imageBytes('png', 200, 200);
    await expect(decodeOriented(bytes, 10_000).raw().toBuffer()).rejects.toThrow(/pixel limit/);
    await expect(decodeOriented(bytes, 40_000).raw().toBuffer()).resolves.toHaveLength(200 * 200 * 3);
  });
});
