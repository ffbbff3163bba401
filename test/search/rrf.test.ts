import { describe, expect, it } from 'vitest';
import { DEFAULT_RRF_K, fuseRrf } from '../../src/search/rrf.js';

const ids = (hits: ReturnType<typeof fuseRrf>) => hits.map((h) => h.id);

describe('fuseRrf (Milvus formula: Σ weight / (k + rank), rank from 1)', () => {
  it('matches hand-computed scores for two legs with k = 60', () => {
    const fused = fuseRrf([
      { name: 'dense', ids: ['a', 'b', 'c'] },
      { name: 'keyword', ids: ['c', 'a', 'd'] },
    ]);
    // a: 1/61 + 1/62 = 0.0325221; c: 1/63 + 1/61 = 0.0322664; b: 1/62; d: 1/63
    expect(ids(fused)).toEqual(['a', 'c', 'b', 'd']);
    expect(fused[0].score).toBeCloseTo(1 / 61 + 1 / 62, 15);
    expect(fused[1].score).toBeCloseTo(1 / 63 + 1 / 61, 15);
    expect(fused[2].score).toBeCloseTo(1 / 62, 15);
    expect(fused[3].score).toBeCloseTo(1 / 63, 15);
    expect(fused[0].ranks).toEqual({ dense: 1, keyword: 2 });
    expect(fused[3].ranks).toEqual({ dense: null, keyword: 3 });
    expect(DEFAULT_RRF_K).toBe(60);
  });

  it('counts ranks from 1, not 0 (LanceDB built-in RRF would give 1/k for the first hit)', () => {
    expect(fuseRrf([{ name: 'only', ids: ['x'] }], 10)[0].score).toBeCloseTo(1 / 11, 15);
  });

  it('applies leg weights', () => {
    const fused = fuseRrf(
      [
        { name: 'dense', ids: ['a', 'b'], weight: 2 },
        { name: 'keyword', ids: ['b', 'c'], weight: 0.5 },
      ],
      60,
    );
    // a: 2/61 = 0.032787; b: 2/62 + 0.5/61 = 0.040454; c: 0.5/62 = 0.008065
    expect(ids(fused)).toEqual(['b', 'a', 'c']);
    expect(fused[0].score).toBeCloseTo(2 / 62 + 0.5 / 61, 15);
    expect(fused[1].score).toBeCloseTo(2 / 61, 15);
    expect(fused[2].score).toBeCloseTo(0.5 / 62, 15);
  });

  it('a weight of 0 keeps the ids but adds nothing to their score', () => {
    const fused = fuseRrf([
      { name: 'dense', ids: ['a'] },
      { name: 'keyword', ids: ['b', 'a'], weight: 0 },
    ]);
    expect(fused.find((h) => h.id === 'a')!.score).toBeCloseTo(1 / 61, 15);
    expect(fused.find((h) => h.id === 'b')!.score).toBe(0);
    expect(fused.find((h) => h.id === 'b')!.ranks).toEqual({ dense: null, keyword: 1 });
  });

  it('handles an empty leg and no legs', () => {
    const fused = fuseRrf([
      { name: 'dense', ids: ['a', 'b'] },
      { name: 'keyword', ids: [] },
    ]);
    expect(ids(fused)).toEqual(['a', 'b']);
    expect(fused[1].ranks).toEqual({ dense: 2, keyword: null });
    expect(fuseRrf([])).toEqual([]);
    expect(fuseRrf([{ name: 'dense', ids: [] }])).toEqual([]);
  });

  it('ignores repeats of an id within a leg without letting them take a rank', () => {
    const fused = fuseRrf([{ name: 'dense', ids: ['a', 'a', 'b', 'a'] }], 60);
    expect(ids(fused)).toEqual(['a', 'b']);
    expect(fused[1].ranks).toEqual({ dense: 2 });
    expect(fused[1].score).toBeCloseTo(1 / 62, 15);
    expect(fused[0].score).toBeCloseTo(1 / 61, 15);
  });

  it('breaks score ties by best rank, then by id', () => {
    // k = 0: x scores 1/1 = 1 from rank 1; m scores 1/2 + 1/2 = 1 from rank 2 in both legs.
    const byRank = fuseRrf(
      [
        { name: 'dense', ids: ['x', 'm'] },
        { name: 'keyword', ids: ['y', 'm'] },
      ],
      0,
    );
    expect(byRank.map((h) => [h.id, h.score])).toEqual([
      ['x', 1],
      ['y', 1],
      ['m', 1],
    ]);
    // Same score and same best rank: by id.
    const byId = fuseRrf([
      { name: 'dense', ids: ['q', 'p'] },
      { name: 'keyword', ids: ['p', 'q'] },
    ]);
    expect(ids(byId)).toEqual(['p', 'q']);
    expect(byId[0].score).toBe(byId[1].score);
  });

  it('rejects a negative or non-finite k', () => {
    expect(() => fuseRrf([], -1)).toThrow(RangeError);
    expect(() => fuseRrf([], Number.NaN)).toThrow(RangeError);
    expect(() => fuseRrf([], Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});
