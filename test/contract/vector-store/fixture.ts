/**
 * The VectorStore contract's fixture: seeded products (English and Chinese descriptions, some null
 * prices), and the expected answers computed from it (exact cosine over the filtered rows, matchesFilter
 * for filters), never written down by hand.
 */
import { matchesFilter, type Filter } from '../../../src/core/filter.js';
import { keywordText } from '../../../src/search/tokenize.js';
import type { EmbedderInfo, ProductRecord, StoredProduct } from '../../../src/ports/vector-store.js';
import { mulberry32 } from '../../../src/util/seeded-random.js';
import { cosineSimilarity } from '../../../src/util/vector-math.js';

export const DIM = 16;
export const EMBEDDER: EmbedderInfo = { embedderId: 'contract/seeded-random@1', dimension: DIM };

/** Deterministic data, so every run and every adapter sees the same fixture. */
export const seededRandom = mulberry32;

export function randomUnitVector(random: () => number, dimension: number): Float32Array {
  const v = new Float32Array(dimension);
  let norm = 0;
  for (let i = 0; i < dimension; i++) {
    v[i] = random() * 2 - 1;
    norm += v[i] * v[i];
  }
  norm = Math.sqrt(norm);
  for (let i = 0; i < dimension; i++) v[i] /= norm;
  return v;
}

export const cosine = cosineSimilarity;

export function makeProduct(id: string, fields: Partial<StoredProduct> & { vector: Float32Array }): StoredProduct {
  const base = {
    category: 'dress',
    color: 'red',
    style: 'casual',
    season: 'summer',
    salesCount: 100,
    price: 19.99 as number | null,
    description: '',
    imagePath: `/images/${id}.jpg`,
    imageHash: `hash-${id}`,
    attributes: {} as Record<string, string>,
    ...fields,
  };
  return {
    id,
    ...base,
    keywords: fields.keywords ?? keywordText(base.description, base.category, base.color, base.style, base.season),
  };
}

const DESCRIPTIONS = [
  'floral midi_dress with puff sleeves',
  'wool coat with a belted waist',
  'linen shirt for warm days',
  '羽绒服 冬季 保暖 长款',
  'UPF50 防晒衣 轻薄 透气',
  'denim jacket with brass buttons',
  'silk scarf with a paisley print',
  'knitted sweater in chunky wool',
  '连衣裙 碎花 夏季',
  'pleated skirt in navy',
];
const CATEGORIES = ['dress', 'coat', 'shirt', 'outerwear'];
const COLORS = ['red', 'navy', 'white', 'black', 'green'];
const SEASONS = ['summer', 'winter', 'spring', 'autumn'];

/** 40 products with seeded vectors, assorted fields, some null prices, English and Chinese descriptions. */
export function catalogFixture(dimension = DIM, count = 40): StoredProduct[] {
  const random = seededRandom(1204);
  return Array.from({ length: count }, (_, i) =>
    makeProduct(`p${String(i).padStart(3, '0')}`, {
      category: CATEGORIES[i % CATEGORIES.length],
      color: COLORS[i % COLORS.length],
      style: i % 3 === 0 ? 'street' : 'casual',
      season: SEASONS[i % SEASONS.length],
      salesCount: (i * 37) % 500,
      price: i % 6 === 0 ? null : Math.round((5 + i * 3.25) * 100) / 100,
      description: DESCRIPTIONS[i % DESCRIPTIONS.length],
      attributes: { material: i % 2 ? 'cotton' : 'wool', note: `row ${i}` },
      vector: randomUnitVector(random, dimension),
    }),
  );
}

export function filterRow(p: StoredProduct) {
  return { id: p.id, category: p.category, color: p.color, style: p.style, season: p.season, salesCount: p.salesCount, price: p.price };
}

/** Exact cosine top-k over the rows the filter keeps: what a dense leg must return. */
export function exactDense(rows: readonly StoredProduct[], query: Float32Array, filter: Filter, k: number) {
  return rows
    .filter((p) => matchesFilter(filterRow(p), filter))
    .map((p) => ({ id: p.id, score: cosine(query, p.vector) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, k);
}

/** Ids whose keyword tokens share a term with the query: the set a keyword leg may return. */
export function keywordMatches(rows: readonly StoredProduct[], query: string, filter: Filter): string[] {
  const terms = new Set(query.split(' ').filter(Boolean));
  return rows
    .filter((p) => matchesFilter(filterRow(p), filter) && p.keywords.split(' ').some((t) => terms.has(t)))
    .map((p) => p.id)
    .sort();
}

export function record(p: StoredProduct): ProductRecord {
  const { vector: _vector, ...rest } = p;
  return rest;
}

export function nearby(v: Float32Array, random: () => number, amount: number): Float32Array {
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i] + (random() * 2 - 1) * amount;
  return out;
}

// Category values that break naive escaping, with decoys that a widened or mangled filter would match.
export const HOSTILE_VALUES = [
  "it's",
  'say "hi"',
  'back\\slash',
  'back\\\\slash',
  "' OR 1=1 --",
  "' OR '1'='1",
  '100%',
  'a_b',
  '羽绒服',
  '👗 dress',
  'line\nbreak',
  'x\\n',
  '`tick`',
  'semi; DROP TABLE products',
];
export const HOSTILE_DECOYS = ['its', 'say hi', 'backslash', 'back/slash', '1000', '100x', 'axb', 'ab', '羽绒', '👗', 'line break', 'x\n', 'tick', 'OR'];
