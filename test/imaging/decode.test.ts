import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { HitlineError } from '../../src/core/errors.js';
import { decodeRgb, decodeRgba, orientedSize } from '../../src/imaging/decode.js';
import { solid } from '../helpers/synthetic-images.js';

describe('decode', () => {
  it('applies EXIF orientation and shrinks to the long side, never enlarging', async () => {
    const stored = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#f5f5f5' } }).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    expect(await orientedSize(stored)).toEqual({ width: 200, height: 300 });
    const small = await decodeRgb(stored, 150);
    expect([small.width, small.height]).toEqual([100, 150]);
    const whole = await decodeRgb(stored, 1000);
    expect([whole.width, whole.height]).toEqual([200, 300]);
    expect(whole.data.length).toBe(200 * 300 * 3);
  });

  it('flattens transparency onto white for RGB, and keeps it (enlarging a small photo) for RGBA', async () => {
    const clear = await sharp({ create: { width: 40, height: 20, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();
    const rgb = await decodeRgb(clear, 100);
    expect([...rgb.data.subarray(0, 3)]).toEqual([255, 255, 255]);
    const rgba = await decodeRgba(clear, 2048, 400);
    expect([rgba.width, rgba.height, rgba.hasAlpha, rgba.scale]).toEqual([400, 200, true, 10]);
    expect(rgba.data[3]).toBe(0);
    expect((await decodeRgba(await solid(40, 20, '#123456'), 2048, 10)).hasAlpha).toBe(false);
  });

  it('rejects bytes that are not an image with a HitlineError and a hint', async () => {
    // Started one at a time: a rejection made before its turn to be awaited counts as unhandled.
    for (const attempt of [() => decodeRgb(Buffer.from('not an image'), 100), () => decodeRgba(Buffer.from('nope'), 100, 10), () => orientedSize(Buffer.from('nope'))]) {
      const error = await attempt().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HitlineError);
      expect((error as HitlineError).hint).toMatch(/JPEG, PNG or WebP/);
    }
  });
});
