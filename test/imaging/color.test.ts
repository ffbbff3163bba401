import { describe, expect, it } from 'vitest';
import { colorDistance, deltaE2000, luma, parseColor, toHex } from '../../src/imaging/color.js';

describe('colour', () => {
  it('parses CSS colours to 0..255 channels and formats them back as #rrggbb', () => {
    expect(parseColor('#c0392b')).toEqual([192, 57, 43]);
    expect(parseColor('#FFF')).toEqual([255, 255, 255]);
    expect(parseColor('navy')).toEqual([0, 0, 128]);
    expect(toHex([192, 57, 43])).toBe('#c0392b');
    expect(toHex([127.5, -3, 300])).toBe('#8000ff'); // rounded and clamped
  });

  it('refuses text that is not a colour, naming it', () => {
    expect(() => parseColor('#12345')).toThrow('not a colour: "#12345"');
  });

  it('measures CIEDE2000: 0 for the same colour, 100 from black to white, the published red–green value', () => {
    expect(deltaE2000([12, 34, 56], [12, 34, 56])).toBe(0);
    expect(deltaE2000([0, 0, 0], [255, 255, 255])).toBeCloseTo(100, 3);
    expect(deltaE2000([255, 0, 0], [0, 255, 0])).toBeCloseTo(86.61, 1);
    // Five levels of mid grey are about two just-noticeable differences.
    expect(deltaE2000([128, 128, 128], [133, 133, 133])).toBeGreaterThan(1);
    expect(deltaE2000([128, 128, 128], [133, 133, 133])).toBeLessThan(2.5);
  });

  it('luma and RGB distance', () => {
    expect(luma(255, 255, 255)).toBeCloseTo(255, 9);
    expect(colorDistance([0, 0, 0], [3, 4, 0])).toBe(5);
  });
});
