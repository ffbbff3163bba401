/**
 * Ingest rate and query latency of the same synthetic catalog through the LanceDB store and through the
 * Milvus store on Milvus Lite. Milvus Lite is a Python engine on the same two cores, so this measures
 * hitline's Milvus adapter plus Lite, not what a Milvus server would do.
 *
 * Data: 2048-d vectors around 64 cluster centres (as bench/store-speed.ts), 14 categories independent of
 * the clusters, sales 0..9999, 8 keywords per row from a Zipf vocabulary of 600 words. Queries: a vector
 * near a centre, 3 keywords, filter `category = X and sales_count > 10` (keeps ~7%).
 */
import type { Filter } from '../../src/core/filter.js';
import type { StoredProduct, VectorStore } from '../../src/ports/vector-store.js';
import { mulberry32 } from '../../src/util/seeded-random.js';

export const DIM = 2048;
const CLUSTERS = 64;
const CATEGORIES = 14;
const NOISE = 0.02;
const VOCAB = 600;

export interface Latency {
  p50: number;
  p95: number;
}

export interface SpeedResult {
  rows: number;
  batchRows: number;
  upsertSeconds: number;
  rowsPerSecond: number;
  /** CPU time of this Node process during the upserts (for Milvus: hitline and the SDK only, the server is another process). */
  upsertCpuSeconds: number;
  optimizeSeconds: number;
  hybrid: Latency;
  dense: Latency;
  keyword: Latency;
}

function gaussian(random: () => number): number {
  return (random() + random() + random() + random() - 2) * 1.7320508;
}

function unit(v: Float32Array): Float32Array {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

const centreRandom = mulberry32(42);
const CENTRES = Array.from({ length: CLUSTERS }, () => unit(Float32Array.from({ length: DIM }, () => gaussian(centreRandom))));
const ZIPF = (() => {
  const weights = Array.from({ length: VOCAB }, (_, i) => 1 / (i + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  let acc = 0;
  return weights.map((w) => (acc += w / total));
})();

function word(random: () => number): string {
  const r = random();
  const i = ZIPF.findIndex((c) => c >= r);
  return `w${(i < 0 ? VOCAB - 1 : i).toString(36)}`;
}

function nearCentre(random: () => number): Float32Array {
  const centre = CENTRES[Math.floor(random() * CLUSTERS)];
  return unit(Float32Array.from(centre, (c) => c + NOISE * gaussian(random)));
}

/** Rows `start`..`start + count - 1`, the same on every run and for every store. */
export function syntheticRows(start: number, count: number): StoredProduct[] {
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
      vector: nearCentre(random),
    };
  });
}

function queries(n: number): Array<{ vector: Float32Array; keywords: string; filter: Filter }> {
  const random = mulberry32(7);
  return Array.from({ length: n }, () => ({
    vector: nearCentre(random),
    keywords: Array.from({ length: 3 }, () => word(random)).join(' '),
    filter: [
      { field: 'category', op: 'eq', value: `cat${Math.floor(random() * CATEGORIES)}` },
      { field: 'salesCount', op: 'gt', value: 10 },
    ],
  }));
}

async function latency(n: number, run: (i: number) => Promise<unknown>): Promise<Latency> {
  for (let i = 0; i < Math.min(5, n); i++) await run(i); // warm-up
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await run(i);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(0.5 * n)], p95: times[Math.min(n - 1, Math.floor(0.95 * n))] };
}

/** Fills an opened, empty `store` with `rows` synthetic rows in upserts of `batchRows`, optimizes, then times queries. */
export async function measureSpeed(store: VectorStore, rows: number, batchRows: number, queryCount: number): Promise<SpeedResult> {
  let upsertMs = 0;
  let cpuMicros = 0;
  for (let start = 0; start < rows; start += batchRows) {
    const batch = syntheticRows(start, Math.min(batchRows, rows - start));
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await store.upsert(batch);
    const c = process.cpuUsage(c0);
    cpuMicros += c.user + c.system;
    upsertMs += performance.now() - t0;
  }
  const t1 = performance.now();
  await store.optimize();
  const optimizeSeconds = (performance.now() - t1) / 1000;
  const qs = queries(queryCount + 5);
  return {
    rows,
    batchRows,
    upsertSeconds: upsertMs / 1000,
    rowsPerSecond: rows / (upsertMs / 1000),
    upsertCpuSeconds: cpuMicros / 1e6,
    optimizeSeconds,
    hybrid: await latency(queryCount, (i) => store.hybridSearch({ ...qs[i], perLeg: 20, top: 3, rrfK: 60 })),
    dense: await latency(queryCount, (i) => store.denseSearch(qs[i].vector, { filter: qs[i].filter, limit: 10 })),
    keyword: await latency(queryCount, (i) => store.keywordSearch(qs[i].keywords, { filter: qs[i].filter, limit: 20 })),
  };
}
