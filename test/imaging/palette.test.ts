import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { colorDistance, parseColor } from '../../src/imaging/color.js';
import { decodeRgb } from '../../src/imaging/decode.js';
import { dominantColors, mergeClose } from '../../src/imaging/palette.js';
import { halves, solid } from '../helpers/synthetic-images.js';

const paletteOf = async (bytes: Buffer) => dominantColors(await decodeRgb(bytes, 160));

describe('dominantColors', () => {
  it('finds the two colours of a half-red, half-blue image, each about half', async () => {
    const palette = await paletteOf(await halves(200, 100, '#ff0000', '#0000ff'));
    expect(palette).toHaveLength(2);
    const red = palette.find((p) => colorDistance(parseColor(p.hex), [255, 0, 0]) < 10);
    const blue = palette.find((p) => colorDistance(parseColor(p.hex), [0, 0, 255]) < 10);
    expect(red?.share).toBeCloseTo(0.5, 1);
    expect(blue?.share).toBeCloseTo(0.5, 1);
  });

  it('orders palette colours by share', async () => {
    const bytes = await sharp({ create: { width: 100, height: 100, channels: 3, background: '#20a040' } })
      .composite([{ input: await solid(100, 20, '#f0d000'), left: 0, top: 0 }])
      .png()
      .toBuffer();
    const palette = await paletteOf(bytes);
    expect(colorDistance(parseColor(palette[0].hex), [0x20, 0xa0, 0x40])).toBeLessThan(10);
    expect(palette[0].share).toBeCloseTo(0.8, 1);
    expect(colorDistance(parseColor(palette[1].hex), [0xf0, 0xd0, 0x00])).toBeLessThan(10);
  });

  it('merges colours closer than the distance into their weighted mean, heaviest first', () => {
    const merged = mergeClose([{ c: [100, 100, 100], w: 1 }, { c: [110, 100, 100], w: 3 }, { c: [200, 0, 0], w: 1 }], 28);
    expect(merged).toEqual([{ c: [107.5, 100, 100], w: 4 }, { c: [200, 0, 0], w: 1 }]);
  });
});
