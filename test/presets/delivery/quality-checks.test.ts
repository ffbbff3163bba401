/** The file-level checks fail when the file is wrong, and the vision verdict maps to a check. */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { buildXmpPacket } from '../../../src/presets/delivery/ai-metadata.js';
import { checkEncodedFile, checkFill, checkTextContrast, visionQualityCheck } from '../../../src/presets/delivery/quality-checks.js';

const preset = { width: 400, height: 300, format: 'jpeg' as const, maxFileBytes: 1_000_000 };
const provenance = { sourceType: 'compositeSynthetic', syntheticPerformer: false };

async function file(width: number, height: number, format: 'jpeg' | 'png', syntheticPerformer = false): Promise<Buffer> {
  const img = sharp({ create: { width, height, channels: 3, background: '#8899aa' } }).withXmp(buildXmpPacket({ sourceType: 'compositeSynthetic', syntheticPerformer }));
  return format === 'jpeg' ? img.jpeg().toBuffer() : img.png().toBuffer();
}

const byName = (checks: Awaited<ReturnType<typeof checkEncodedFile>>) => Object.fromEntries(checks.map((c) => [c.check, c]));

describe('file checks', () => {
  it('pass a file of the exact size, format and metadata', async () => {
    const checks = await checkEncodedFile(await file(400, 300, 'jpeg'), preset, provenance);
    expect(checks.map((c) => [c.check, c.passed])).toEqual([['size', true], ['aspect', true], ['format', true], ['file-size', true], ['metadata', true]]);
  });

  it('fail a file one pixel off, in the wrong format, too large, or tagged wrongly', async () => {
    const off = byName(await checkEncodedFile(await file(401, 300, 'png', true), { ...preset, maxFileBytes: 100 }, provenance));
    expect(off.size).toMatchObject({ passed: false, value: '401×300', threshold: '400×300' });
    expect(off.aspect.passed).toBe(true); // 401/300 is within 0.5% of 4:3
    expect(off.format).toMatchObject({ passed: false, value: 'png', threshold: 'jpeg' });
    expect(off['file-size'].passed).toBe(false);
    expect(off.metadata.passed).toBe(false); // tagged contains-synthetic-performer though no performer was expected
    const wide = byName(await checkEncodedFile(await file(400, 200, 'jpeg'), preset, provenance));
    expect(wide.aspect.passed).toBe(false);
  });
});

describe('pixel checks', () => {
  it('fill is the product\'s long-side share of the frame', () => {
    const W = 200;
    const data = new Uint8Array(W * W * 3).fill(255);
    for (let y = 20; y < 180; y++) for (let x = 60; x < 140; x++) data.set([30, 30, 30], (y * W + x) * 3);
    expect(checkFill({ data, width: W, height: W }, 0.85)).toMatchObject({ passed: false, value: 0.8 });
    expect(checkFill({ data, width: W, height: W }, 0.75).passed).toBe(true);
  });

  it('text contrast takes the worst drawn element', () => {
    const drawn = [
      { role: 'title' as const, lines: ['A'], box: { x: 0, y: 0, width: 1, height: 1 }, fontPx: 20, color: '#fff', contrast: 7.1, panel: false },
      { role: 'price' as const, lines: ['$1'], box: { x: 0, y: 0, width: 1, height: 1 }, fontPx: 20, color: '#fff', contrast: 3.2, panel: true },
    ];
    expect(checkTextContrast(drawn)).toMatchObject({ passed: false, value: 3.2, threshold: 4.5 });
  });

  it('a vision verdict becomes a check that names every problem', () => {
    const check = visionQualityCheck({ sameProduct: false, labelOrTagVisible: true, extraItems: false, garbledText: false, notes: 'collar label visible' }, 'vision/test');
    expect(check.passed).toBe(false);
    expect(check.detail).toBe('vision/test: not the same product as the photo; a label or tag is visible (collar label visible)');
  });
});
