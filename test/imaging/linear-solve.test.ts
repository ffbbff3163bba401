import { describe, expect, it } from 'vitest';
import { solveLinear } from '../../src/imaging/linear-solve.js';

describe('solveLinear', () => {
  it('solves a system that needs pivoting', () => {
    const x = solveLinear([[0, 2, 1], [1, 1, 1], [2, 1, 3]], [7, 6, 13]);
    expect(x?.map((v) => Math.round(v * 1e9) / 1e9)).toEqual([1, 2, 3]);
  });

  it('says null for a singular matrix', () => {
    expect(solveLinear([[1, 2], [2, 4]], [3, 6])).toBeNull();
  });
});
