/**
 * Synthetic catalog rows for the store benchmarks: 2048-d vectors around 64 random cluster centres (cosine to
 * the centre ≈ 0.74), 14 categories assigned independently of the clusters (so `category = X` keeps ~7% of
 * rows and cuts across clusters), sales counts 0..9999, keywords drawn from a 600-word Zipf vocabulary.
 * Everything comes from seeded PRNGs, batch by batch, so no more than one batch of vectors is ever held.
 */
import type { Filter } from '../../src/core/filter.js';
import type { StoredProduct } from '../../src/ports/vector-store.js';
import { mulberry32 } from '../../src/util/seeded-random.js';

export const DIM = 2048;
const CLUSTERS = 64;
const CATEGORIES = 14;
const NOISE = 0.02; // per-dimension noise around a cluster centre
const VOCAB = 600;

/** Approximately normal (sum of 4 uniforms, scaled to unit variance); fast enough for 200M draws. */
function gaussian(random: () => number): number {
  return (random() + random() + random() + random() - 2) * 1.7320508;
}

function normalise(v: Float32Array): Float32Array {
  let n = 0;
  for (let i = 0; i < v.length; i++) n += v[i] * v[i];
  n = Math.sqrt(n);
  for (let i = 0; i < v.length; i++) v[i] /= n;
  return v;
}

const centreRandom = mulberry32(42);
const CENTRES = Array.from({ length: CLUSTERS }, () => normalise(Float32Array.from({ length: DIM }, () => gaussian(centreRandom))));
const WORDS = Array.from({ length: VOCAB }, (_, i) => `w${i.toString(36)}`);
// Zipf(1) over the vocabulary, as a cumulative table.
const ZIPF = (() => {
  const weights = WORDS.map((_, i) => 1 / (i + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  let acc = 0;
  return weights.map((w) => (acc += w / total));
})();

function word(random: () => number): string {
  const r = random();
  let lo = 0;
  let hi = ZIPF.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ZIPF[mid] < r) lo = mid + 1;
    else hi = mid;
  }
  return WORDS[lo];
}

function nearCentre(random: () => number, cluster: number): Float32Array {
  const v = new Float32Array(DIM);
  const c = CENTRES[cluster];
  for (let i = 0; i < DIM; i++) v[i] = c[i] + NOISE * gaussian(random);
  return normalise(v);
}

/** Rows `start` .. `start + count - 1` (the same rows every time). */
export function makeBatch(start: number, count: number): StoredProduct[] {
  const random = mulberry32(1000 + start);
  return Array.from({ length: count }, (_, k) => {
    const i = start + k;
    const category = `cat${Math.floor(random() * CATEGORIES)}`;
    const words = Array.from({ length: 8 }, () => word(random));
    return {
      id: `p${i}`,
      category,
      color: `color${Math.floor(random() * 12)}`,
      style: `style${Math.floor(random() * 6)}`,
      season: ['spring', 'summer', 'autumn', 'winter'][Math.floor(random() * 4)],
      salesCount: Math.floor(random() * 10_000),
      price: Math.round(random() * 20_000) / 100,
      description: words.join(' '),
      imagePath: `/synthetic/${i}.jpg`,
      imageHash: `h${i}`,
      attributes: {},
      keywords: [...words, category].join(' '),
      vector: nearCentre(random, Math.floor(random() * CLUSTERS)),
    };
  });
}

export interface SyntheticQuery {
  vector: Float32Array;
  keywords: string;
  filter: Filter;
}

/** `count` queries: a vector near a random centre, three keywords, `category = X AND sales_count > 10`. */
export function makeQueries(count: number): SyntheticQuery[] {
  const random = mulberry32(7);
  return Array.from({ length: count }, () => {
    const cluster = Math.floor(random() * CLUSTERS);
    const category = `cat${Math.floor(random() * CATEGORIES)}`;
    const words = Array.from({ length: 3 }, () => word(random));
    return {
      vector: nearCentre(random, cluster),
      filter: [{ field: 'category', op: 'eq', value: category }, { field: 'salesCount', op: 'gt', value: 10 }],
      keywords: words.join(' '),
    };
  });
}
