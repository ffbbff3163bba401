import { describe, expect, it } from 'vitest';
import { backgroundAt, backgroundDistance, fitBackground } from '../../src/imaging/background-model.js';
import type { RawRgb } from '../../src/imaging/decode.js';
import { backdropRaw } from '../helpers/synthetic-images.js';

function raw(width: number, height: number, data: Buffer | Uint8Array): RawRgb {
  return { data: new Uint8Array(data), width, height };
}

describe('background model', () => {
  it('fits a vertical studio gradient from the border and explains the whole backdrop', () => {
    const img = raw(120, 160, backdropRaw(120, 160, { top: [240, 240, 245], bottom: [160, 160, 170], noise: 2 }));
    const model = fitBackground(img);
    expect(model.inlierShare).toBeGreaterThan(0.95);
    expect(model.noise).toBeLessThan(6);
    expect(backgroundAt(model, 0.5, 0)[0]).toBeCloseTo(240, -1);
    expect(backgroundAt(model, 0.5, 1)[0]).toBeCloseTo(160, -1);
    const dist = backgroundDistance(img, model);
    expect(Math.max(...dist)).toBeLessThan(20);
  });

  it('stands out what differs from it, even when the model came from a smaller thumbnail', () => {
    const big = backdropRaw(200, 200, { top: [250, 250, 250], bottom: [250, 250, 250], noise: 1 });
    for (let y = 80; y < 120; y++) for (let x = 80; x < 120; x++) big.set([30, 30, 120], (y * 200 + x) * 3);
    const small = backdropRaw(50, 50, { top: [250, 250, 250], bottom: [250, 250, 250], noise: 1 });
    const dist = backgroundDistance(raw(200, 200, big), fitBackground(raw(50, 50, small)));
    expect(dist[100 * 200 + 100]).toBeGreaterThan(200);
    expect(dist[10 * 200 + 10]).toBeLessThan(8);
  });

  it('explains little of a border that is not one smooth colour field', () => {
    const data = new Uint8Array(100 * 100 * 3);
    for (let i = 0; i < data.length; i += 3) data.set((i / 3) % 7 < 3 ? [20, 200, 40] : [230, 30, 200], i);
    expect(fitBackground(raw(100, 100, data)).inlierShare).toBeLessThan(0.75);
  });
});
