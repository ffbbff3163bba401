/**
 * Ingest of a prepared catalog with the offline embedder, in a process of its own so its peak memory is
 * its own. Started by bench/batch.ts; prints one JSON line with the result and the memory samples.
 *
 *   node --import tsx bench/batch-ingest.ts --catalog products.csv --images images/ --workspace DIR [--recipe default]
 *        [--threads <cores>] [--compact-every 2048]
 *
 * `--threads` is the local embedder's worker threads (1: on the main thread, as before issue 12);
 * `--compact-every 0` never compacts during the ingest (as before issue 12).
 */
import { availableParallelism } from 'node:os';
import { createLocalEmbedder, type LocalRecipeName } from '../src/adapters/local/embedder/index.js';
import { COMPACT_EVERY_ROWS, ingestCatalog } from '../src/pipeline/ingest.js';
import { openLanceDbStore } from '../src/adapters/lancedb/index.js';
import type { ProgressSink } from '../src/util/progress.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i].replace(/^--/, ''), process.argv[i + 1]);
const need = (k: string) => {
  const v = args.get(k);
  if (!v) throw new Error(`--${k} is required`);
  return v;
};

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const samples: Array<{ seconds: number; rows: number; rssMB: number; heapMB: number; externalMB: number; cpuSeconds: number }> = [];
let rowsDone = 0;
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const sample = () => {
  const m = process.memoryUsage();
  const cpu = process.cpuUsage(cpu0);
  samples.push({
    seconds: Math.round((performance.now() - t0) / 100) / 10, rows: rowsDone, rssMB: mb(m.rss), heapMB: mb(m.heapUsed), externalMB: mb(m.external + m.arrayBuffers),
    cpuSeconds: Math.round((cpu.user + cpu.system) / 1e4) / 100,
  });
};
const timer = setInterval(sample, 1000);
const progress: ProgressSink = { start() {}, finish() {}, note() {}, update: (e) => (rowsDone = e.done) };

const threads = Number(args.get('threads') ?? availableParallelism());
const compactEveryRows = Number(args.get('compact-every') ?? COMPACT_EVERY_ROWS) || Number.POSITIVE_INFINITY;
const recipe = args.get('recipe') ?? 'default';
const embedder = createLocalEmbedder({ recipe: recipe === 'default' ? undefined : (recipe as LocalRecipeName), threads });
const store = await openLanceDbStore({ dir: need('workspace') });
// Where the wall time goes: seconds spent in the store's writes and compactions (they overlap the embedding).
const storeSeconds = { upsert: 0, compact: 0, compactions: 0 };
const upsert = store.upsert.bind(store);
store.upsert = async (rows, onProgress) => {
  const t = performance.now();
  await upsert(rows, onProgress);
  storeSeconds.upsert += (performance.now() - t) / 1000;
};
const compact = store.compact.bind(store);
store.compact = async () => {
  const t = performance.now();
  await compact();
  storeSeconds.compact += (performance.now() - t) / 1000;
  storeSeconds.compactions += 1;
};
// The process peak before and after the store builds its indexes (the last step of an ingest).
let maxRssBeforeOptimizeMB = 0;
let optimizeSeconds = 0;
const optimize = store.optimize.bind(store);
store.optimize = async () => {
  maxRssBeforeOptimizeMB = Math.round(process.resourceUsage().maxRSS / 1024);
  const t = performance.now();
  await optimize();
  optimizeSeconds = (performance.now() - t) / 1000;
};
try {
  const report = await ingestCatalog({ catalogCsv: need('catalog'), imagesDir: need('images'), store, embedder, progress, compactEveryRows });
  sample();
  clearInterval(timer);
  const cpu = process.cpuUsage(cpu0);
  process.stdout.write(
    JSON.stringify({
      recipe: embedder.recipe.name, embedderId: embedder.id, dimension: embedder.dimension, threads, compactEveryRows: Number.isFinite(compactEveryRows) ? compactEveryRows : 0, storeSeconds,
      rows: report.rowsRead, added: report.added, embedded: report.embedded, problems: report.problems.length, storeCount: report.storeCount,
      seconds: report.seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6,
      maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024), maxRssBeforeOptimizeMB, optimizeSeconds, samples,
    }) + '\n',
  );
} finally {
  await store.close();
  await embedder.close();
}
