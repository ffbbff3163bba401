/** The keyword leg's client-side sparse weights (src/adapters/milvus/sparse.ts). */
import { describe, expect, it } from 'vitest';
import { keywordText } from '../../../src/search/tokenize.js';
import { BM25_B, BM25_K1, REFERENCE_LENGTH, documentSparse, querySparse, sparseDict, sparseDot, termIndex } from '../../../src/adapters/milvus/sparse.js';

describe('termIndex', () => {
  it('is FNV-1a over UTF-8 with the top bit cleared: stable, below 2^31', () => {
    // FNV-1a 32-bit reference values: "" → 0x811c9dc5, "a" → 0xe40c292c, "foobar" → 0xbf9cf968.
    expect(termIndex('')).toBe(0x811c9dc5 & 0x7fffffff);
    expect(termIndex('a')).toBe(0xe40c292c & 0x7fffffff);
    expect(termIndex('foobar')).toBe(0xbf9cf968 & 0x7fffffff);
    for (const t of ['dress', '羽绒服', '👗', 'upf50']) {
      expect(termIndex(t)).toBeGreaterThanOrEqual(0);
      expect(termIndex(t)).toBeLessThan(2 ** 31);
    }
    expect(termIndex('羽绒')).not.toBe(termIndex('羽绒服'));
  });
});

describe('documentSparse', () => {
  it('gives one sorted entry per distinct term with BM25 term-frequency weights', () => {
    const v = documentSparse('wool coat wool');
    expect(v.indices).toEqual([termIndex('wool'), termIndex('coat')].sort((a, b) => a - b));
    const norm = BM25_K1 * (1 - BM25_B + (BM25_B * 3) / REFERENCE_LENGTH);
    const w = (tf: number) => (tf * (BM25_K1 + 1)) / (tf + norm);
    expect(v.values[v.indices.indexOf(termIndex('wool'))]).toBeCloseTo(w(2), 12);
    expect(v.values[v.indices.indexOf(termIndex('coat'))]).toBeCloseTo(w(1), 12);
  });

  it('saturates repeated terms and favours shorter documents for the same term', () => {
    const once = documentSparse('silk').values[0];
    const many = documentSparse('silk silk silk silk silk silk silk silk').values[0];
    expect(many).toBeGreaterThan(once);
    expect(many).toBeLessThan(BM25_K1 + 1);
    const short = documentSparse('silk scarf').values[documentSparse('silk scarf').indices.indexOf(termIndex('silk'))];
    const longText = `silk ${Array.from({ length: 60 }, (_, i) => `filler${i}`).join(' ')}`;
    const long = documentSparse(longText);
    expect(short).toBeGreaterThan(long.values[long.indices.indexOf(termIndex('silk'))]);
  });

  it('is empty for an empty keywords text', () => {
    expect(documentSparse('')).toEqual({ indices: [], values: [] });
    expect(querySparse('  ')).toEqual({ indices: [], values: [] });
  });
});

describe('querySparse and scoring', () => {
  it('weights each distinct query term 1, so the dot product sums the matched terms\' document weights', () => {
    const q = querySparse('wool coat wool');
    expect(q.values).toEqual([1, 1]);
    const both = documentSparse('wool coat belted');
    const one = documentSparse('coat linen belted');
    expect(sparseDot(q, both)).toBeGreaterThan(sparseDot(q, one));
    expect(sparseDot(q, documentSparse('plain filler'))).toBe(0);
  });

  it('matches Chinese through the shared tokenizer terms', () => {
    const doc = documentSparse(keywordText('羽绒服 冬季 保暖'));
    expect(sparseDot(querySparse(keywordText('羽绒')), doc)).toBeGreaterThan(0);
    expect(sparseDot(querySparse(keywordText('防晒衣')), doc)).toBe(0);
  });

  it('gives the SDK a {index: weight} object whose keys iterate in ascending order', () => {
    const v = documentSparse('zebra apple mango kiwi');
    const dict = sparseDict(v);
    expect(Object.keys(dict).map(Number)).toEqual(v.indices);
    expect(Object.values(dict)).toEqual(v.values);
  });
});
