import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { colorDistance, parseColor } from '../../src/imaging/color.js';
import { measureImage } from '../../src/imaging/image-stats.js';
import { HitlineError } from '../../src/core/errors.js';
import { NEAR_WHITE, busyScene, flatLay, halves, solid } from '../helpers/synthetic-images.js';

describe('measureImage', () => {
  it('finds the two colours of a half-red, half-blue image, each about half', async () => {
    const stats = await measureImage(await halves(200, 100, '#ff0000', '#0000ff'));
    expect(stats.palette).toHaveLength(2);
    const red = stats.palette.find((p) => colorDistance(parseColor(p.hex), [255, 0, 0]) < 10);
    const blue = stats.palette.find((p) => colorDistance(parseColor(p.hex), [0, 0, 255]) < 10);
    expect(red?.share).toBeCloseTo(0.5, 1);
    expect(blue?.share).toBeCloseTo(0.5, 1);
  });

  it('orders palette colours by share', async () => {
    const bytes = await sharp({ create: { width: 100, height: 100, channels: 3, background: '#20a040' } })
      .composite([{ input: await solid(100, 20, '#f0d000'), left: 0, top: 0 }])
      .png()
      .toBuffer();
    const stats = await measureImage(bytes);
    expect(colorDistance(parseColor(stats.palette[0].hex), [0x20, 0xa0, 0x40])).toBeLessThan(10);
    expect(stats.palette[0].share).toBeCloseTo(0.8, 1);
    expect(colorDistance(parseColor(stats.palette[1].hex), [0xf0, 0xd0, 0x00])).toBeLessThan(10);
  });

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

  it('finds the bounding box and centre of a drawn rectangle on a plain backdrop', async () => {
    // Rectangle from x 60..140 of 200 and y 90..250 of 300.
    const shot = await flatLay(200, 300, '<rect x="60" y="90" width="80" height="160" fill="#8a2040"/>', NEAR_WHITE, 'png');
    const stats = await measureImage(shot.bytes);
    expect(stats.background.kind).not.toBe('busy');
    const s = stats.subject!;
    expect(s.bbox.x).toBeCloseTo(0.3, 1);
    expect(s.bbox.y).toBeCloseTo(0.3, 1);
    expect(s.bbox.width).toBeCloseTo(0.4, 1);
    expect(s.bbox.height).toBeCloseTo(160 / 300, 1);
    expect(Math.abs(s.bbox.x - 0.3)).toBeLessThan(0.02);
    expect(Math.abs(s.bbox.y + s.bbox.height - 250 / 300)).toBeLessThan(0.02);
    expect(s.center.x).toBeCloseTo(0.5, 1);
    expect(s.center.y).toBeCloseTo(170 / 300, 1);
    expect(s.area).toBeCloseTo((80 * 160) / (200 * 300), 1);
    expect(s.touches).toEqual({ top: 0, bottom: 0, left: 0, right: 0 });
  });

  it('says when the subject runs off the bottom edge', async () => {
    const shot = await flatLay(200, 300, '<rect x="50" y="100" width="100" height="200" fill="#204080"/>', NEAR_WHITE, 'png');
    const stats = await measureImage(shot.bytes);
    expect(stats.subject!.touches.bottom).toBeCloseTo(0.5, 1);
    expect(stats.subject!.touches.top).toBe(0);
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
