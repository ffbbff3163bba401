import { describe, expect, it } from 'vitest';
import { otsuThreshold, subjectThresholdFloor } from '../../src/imaging/threshold.js';

describe('otsuThreshold', () => {
  it('cuts between two well-separated groups and calls them separable', () => {
    const values = [...Array(500).fill(10), ...Array(300).fill(200)];
    const { threshold, separability } = otsuThreshold(values);
    expect(threshold).toBeGreaterThan(10);
    expect(threshold).toBeLessThan(200);
    expect(separability).toBeGreaterThan(0.99);
  });

  it('finds no separation in one flat value', () => {
    expect(otsuThreshold(new Float32Array(100).fill(42)).separability).toBe(0);
  });

  it('never lets the subject threshold fall below 20 or three times the backdrop noise', () => {
    expect(subjectThresholdFloor({ noise: 2 })).toBe(20);
    expect(subjectThresholdFloor({ noise: 9 })).toBe(27);
  });
});
