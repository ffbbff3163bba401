import { describe, expect, it } from 'vitest';
import { fitBackground } from '../../src/imaging/background-model.js';
import { decodeRgb } from '../../src/imaging/decode.js';
import { findSubject } from '../../src/imaging/subject.js';
import { NEAR_WHITE, flatLay } from '../helpers/synthetic-images.js';

async function subjectOf(bytes: Buffer) {
  const img = await decodeRgb(bytes, 160);
  return findSubject(img, fitBackground(img));
}

describe('findSubject', () => {
  it('finds the bounding box and centre of a drawn rectangle on a plain backdrop', async () => {
    // Rectangle from x 60..140 of 200 and y 90..250 of 300.
    const shot = await flatLay(200, 300, '<rect x="60" y="90" width="80" height="160" fill="#8a2040"/>', NEAR_WHITE, 'png');
    const s = (await subjectOf(shot.bytes))!;
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
    const s = (await subjectOf(shot.bytes))!;
    expect(s.touches.bottom).toBeCloseTo(0.5, 1);
    expect(s.touches.top).toBe(0);
  });

  it('finds nothing on an empty backdrop', async () => {
    expect(await subjectOf((await flatLay(200, 300, '', NEAR_WHITE, 'png')).bytes)).toBeNull();
  });
});
