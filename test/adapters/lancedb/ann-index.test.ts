import { describe, expect, it } from 'vitest';
import { ANN_MIN_ROWS, partitionsFor, probesFor, vectorIndexPlan } from '../../../src/adapters/lancedb/ann-index.js';

describe('the ANN index grows with the table (issue 12)', () => {
  it('has 32 IVF partitions at 100k rows and a few at 10k, probing an eighth of them and at least 4', () => {
    expect(partitionsFor(100_000)).toBe(32);
    expect(probesFor(32)).toBe(4);
    expect(partitionsFor(10_000)).toBe(3);
    expect(probesFor(3)).toBe(4);
    expect(probesFor(100)).toBe(13);
  });

  it('is built from ANN_MIN_ROWS rows and rebuilt once the table has twice the partitions it was built with', () => {
    expect(vectorIndexPlan(null, ANN_MIN_ROWS - 1)).toBe('none');
    expect(vectorIndexPlan(null, ANN_MIN_ROWS)).toBe('build');
    const built = { name: 'vector_ivf3_idx', partitions: 3 };
    expect(vectorIndexPlan(built, 15_000)).toBe('none');
    expect(vectorIndexPlan(built, 20_000)).toBe('rebuild');
  });
});
