import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { parseColor } from '../../src/imaging/color.js';
import { measureImage } from '../../src/imaging/image-stats.js';
import { HitlineError } from '../../src/core/errors.js';
import { busyScene, flatLay, halves, solid } from '../helpers/synthetic-images.js';

describe('measureImage', () => {
  it('tells a bright image from a dark one, and a flat one from a contrasty one', async () => {
    const bright = await measureImage(await solid(64, 64, '#e6e6e6'));
    const dark = await measureImage(await solid(64, 64, '#1e1e1e'));
    expect(bright.brightness).toBeCloseTo(230 / 255, 2);
    expect(dark.brightness).toBeCloseTo(30 / 255, 2);
    expect(bright.contrast).toBeLessThan(0.01);
    const contrasty = await measureImage(await halves(64, 64, '#000000', '#ffffff'));
    expect(contrasty.contrast).toBeGreaterThan(0.45);
  });

  it('calls an orange image warm, a blue one cool and a grey one neutral', async () => {
    expect((await measureImage(await solid(64, 64, '#d9904a'))).temperature).toBe('warm');
    expect((await measureImage(await solid(64, 64, '#4a7fd9'))).temperature).toBe('cool');
    const grey = await measureImage(await solid(64, 64, '#808080'));
    expect(grey.temperature).toBe('neutral');
    expect(grey.saturation).toBe(0);
  });

  it('classifies backdrops: plain, smooth gradient, busy', async () => {
    const plain = await measureImage((await flatLay(200, 300, '<circle cx="100" cy="150" r="50" fill="#333"/>', { top: [245, 245, 245], bottom: [245, 245, 245], noise: 2 })).bytes);
    expect(plain.background.kind).toBe('plain');
    expect(plain.background.plainness).toBeGreaterThan(0.95);
    const gradient = await measureImage((await flatLay(200, 300, '<circle cx="100" cy="150" r="50" fill="#333"/>', { top: [235, 235, 240], bottom: [150, 150, 160], noise: 2 })).bytes);
    expect(gradient.background.kind).toBe('gradient');
    expect(parseColor(gradient.background.topColor)[0]).toBeGreaterThan(parseColor(gradient.background.bottomColor)[0] + 50);
    const busy = await measureImage(await busyScene(300, 400));
    expect(busy.background.kind).toBe('busy');
    expect(busy.subject).toBeNull();
  });

  it('applies EXIF orientation before measuring', async () => {
    // Stored 300 wide × 200 high with a dark block at x 20..80, y 40..160; orientation 6 means
    // "rotate 90° clockwise to view", which maps stored (x, y) to viewed (199 − y, x).
    const stored = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#f5f5f5' } })
      .composite([{ input: await solid(60, 120, '#202020'), left: 20, top: 40 }])
      .jpeg({ quality: 95 })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const stats = await measureImage(stored);
    expect([stats.width, stats.height]).toEqual([200, 300]);
    const box = stats.subject!.bbox;
    expect(Math.abs(box.x - 40 / 200)).toBeLessThan(0.02);
    expect(Math.abs(box.width - 120 / 200)).toBeLessThan(0.02);
    expect(Math.abs(box.y - 20 / 300)).toBeLessThan(0.02);
    expect(Math.abs(box.height - 60 / 300)).toBeLessThan(0.02);
  });

  it('is deterministic', async () => {
    const bytes = await busyScene(240, 320, 11);
    expect(await measureImage(bytes)).toEqual(await measureImage(bytes));
  });

  it('rejects bytes that are not an image with a HitlineError and a hint', async () => {
    const error = await measureImage(Buffer.from('not an image')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HitlineError);
    expect((error as HitlineError).hint).toBeTruthy();
  });
});
