/**
 * Speed of the LanceDB VectorStore on synthetic catalog data, measured through LanceDbStore itself.
 *
 *   node --import tsx bench/store-speed.ts [--rows 10000,100000] [--queries 100] [--out bench/results/store-speed.md]
 *
 * Data: 2048-d vectors around 64 random cluster centres (cosine to the centre ≈ 0.74), 14 categories
 * assigned independently of the clusters (so `category = X` keeps ~7% of rows and cuts across clusters),
 * sales counts 0..9999, keywords drawn from a 600-word Zipf vocabulary. Everything is generated in
 * batches of 5,000 rows from a seeded PRNG; no more than one batch of vectors is held in memory.
 *
 * "Exact" search is LanceDB brute force through the same store path (`denseSearch(..., { exact: true })`,
 * i.e. bypassVectorIndex with the same prefilter): the reference both for latency and for recall@10.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openLanceDbStore, type LanceDbStore } from '../src/adapters/lancedb/index.js';
import { ANN_MIN_ROWS, ANN_SEARCH, HNSW_BUILD, ROWS_PER_PARTITION } from '../src/adapters/lancedb/ann-index.js';
import { REPO_ROOT } from '../src/util/paths.js';
import { DIM, makeBatch, makeQueries } from './store/synthetic.js';

const BATCH = 5_000;
const UNFILTERED_QUERIES = 20;

interface Args {
  rows: number[];
  queries: number;
  out: string;
  dir?: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { rows: [10_000], queries: 100, out: path.join(REPO_ROOT, 'bench/results/store-speed.md') };
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    switch (argv[i]) {
      case '--rows':
        args.rows = value.split(',').map((s) => Number(s.replace(/_/g, '')));
        i++;
        break;
      case '--queries':
        args.queries = Number(value);
        i++;
        break;
      case '--out':
        args.out = path.resolve(value);
        i++;
        break;
      case '--dir':
        args.dir = path.resolve(value);
        i++;
        break;
      default:
        throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  if (args.rows.some((n) => !Number.isInteger(n) || n < 1) || !(args.queries >= 1)) throw new Error('bad --rows or --queries');
  return args;
}

// ---- measuring ----------------------------------------------------------------------------------

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function timeQueries<T>(n: number, run: (i: number) => Promise<T>): Promise<{ p50: number; p95: number; results: T[] }> {
  for (let i = 0; i < Math.min(5, n); i++) await run(i); // warm caches
  const times: number[] = [];
  const results: T[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    results.push(await run(i));
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95), results };
}

interface Result {
  rows: number;
  queries: number;
  ingestSeconds: number;
  ingestRate: number;
  singleUpsertSeconds: number;
  optimizeSeconds: number;
  growRows: number;
  growUpsertSeconds: number;
  incrementalOptimizeSeconds: number;
  unfilteredQueries: number;
  annBuilt: boolean;
  diskMb: number;
  hybrid: { p50: number; p95: number };
  dense: { p50: number; p95: number };
  keyword: { p50: number; p95: number };
  exact: { p50: number; p95: number };
  denseUnfiltered: { p50: number; p95: number };
  exactUnfiltered: { p50: number; p95: number };
  recallFiltered: number;
  recallUnfiltered: number;
  keptShare: number;
}

async function runSize(rows: number, queries: number, baseDir: string): Promise<Result> {
  const dir = path.join(baseDir, `rows-${rows}`);
  const store: LanceDbStore = openLanceDbStore({ dir });
  await store.open({ embedderId: 'bench/synthetic-2048@1', dimension: DIM });

  log(`${rows} rows: ingesting in batches of ${BATCH}`);
  // Only the upsert calls are timed, not generating the synthetic rows.
  let upsertMs = 0;
  for (let start = 0; start < rows; start += BATCH) {
    const batch = makeBatch(start, Math.min(BATCH, rows - start));
    const tb = performance.now();
    await store.upsert(batch);
    upsertMs += performance.now() - tb;
    if ((start / BATCH) % 4 === 3) log(`  ${start + batch.length} rows, ${((start + batch.length) / (upsertMs / 1000)).toFixed(0)} rows/s`);
  }
  const ingestSeconds = upsertMs / 1000;

  // A one-row upsert at full size: mergeInsert plus the keyword re-index every write pays.
  const kr = performance.now();
  await store.upsert(makeBatch(0, 1));
  const singleUpsertSeconds = (performance.now() - kr) / 1000;

  log(`${rows} rows: optimize (indexes${rows >= ANN_MIN_ROWS ? ' + IVF_HNSW_SQ' : ''}, compaction)`);
  const to = performance.now();
  await store.optimize();
  const optimizeSeconds = (performance.now() - to) / 1000;

  const qs = makeQueries(queries + 5);
  const keptShare = (await store.count(qs[0].filter)) / (await store.count());

  log(`${rows} rows: ${queries} queries of each kind`);
  const hybrid = await timeQueries(queries, (i) =>
    store.hybridSearch({ vector: qs[i].vector, keywords: qs[i].keywords, filter: qs[i].filter, perLeg: 20, top: 3, rrfK: 60 }),
  );
  const dense = await timeQueries(queries, (i) => store.denseSearch(qs[i].vector, { filter: qs[i].filter, limit: 10 }));
  const keyword = await timeQueries(queries, (i) => store.keywordSearch(qs[i].keywords, { filter: qs[i].filter, limit: 20 }));
  const exact = await timeQueries(queries, (i) => store.denseSearch(qs[i].vector, { filter: qs[i].filter, limit: 10, exact: true }));
  // Unfiltered exact search scans every vector (over a second per query at 100k rows), so fewer queries.
  const unfilteredQueries = Math.min(queries, UNFILTERED_QUERIES);
  const denseUnfiltered = await timeQueries(unfilteredQueries, (i) => store.denseSearch(qs[i].vector, { filter: [], limit: 10 }));
  const exactUnfiltered = await timeQueries(unfilteredQueries, (i) => store.denseSearch(qs[i].vector, { filter: [], limit: 10, exact: true }));

  // Growing the collection by 1% afterwards: the upsert, then an incremental optimize (indexes extended, not rebuilt).
  const extra = Math.max(1, Math.round(rows / 100));
  const tg = performance.now();
  await store.upsert(makeBatch(rows, extra));
  const growUpsertSeconds = (performance.now() - tg) / 1000;
  const ti = performance.now();
  await store.optimize();
  const incrementalOptimizeSeconds = (performance.now() - ti) / 1000;

  const recall = (got: Array<Array<{ id: string }>>, want: Array<Array<{ id: string }>>) => {
    let hit = 0;
    let total = 0;
    got.forEach((g, i) => {
      const truth = new Set(want[i].map((h) => h.id));
      hit += g.filter((h) => truth.has(h.id)).length;
      total += truth.size;
    });
    return hit / total;
  };

  const du = Number(execFileSync('du', ['-sm', dir]).toString().split('\t')[0]);
  await store.close();
  return {
    rows,
    queries,
    ingestSeconds,
    ingestRate: rows / ingestSeconds,
    singleUpsertSeconds,
    optimizeSeconds,
    growRows: extra,
    growUpsertSeconds,
    incrementalOptimizeSeconds,
    unfilteredQueries,
    annBuilt: rows >= ANN_MIN_ROWS,
    diskMb: du,
    hybrid,
    dense,
    keyword,
    exact,
    denseUnfiltered,
    exactUnfiltered,
    recallFiltered: recall(dense.results, exact.results),
    recallUnfiltered: recall(denseUnfiltered.results, exactUnfiltered.results),
    keptShare,
  };
}

function log(line: string): void {
  process.stderr.write(`[store-speed] ${line}\n`);
}

function ms(x: number): string {
  return `${x.toFixed(1)} ms`;
}

function report(results: Result[], command: string, loadBefore: number[]): string {
  const cpu = os.cpus();
  const lancedbVersion = JSON.parse(readFileSync(path.join(REPO_ROOT, 'node_modules/@lancedb/lancedb/package.json'), 'utf8')).version;
  const lines = [
    '## Vector store speed (LanceDB adapter)',
    '',
    `Command: \`${command}\``,
    `Date: ${new Date().toISOString()}; machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ` +
      `Node ${process.version}, @lancedb/lancedb ${lancedbVersion}; load average before the run ${loadBefore.map((l) => l.toFixed(2)).join(' / ')} ` +
      '(the 2 cores are shared with other work, so absolute times are noisy).',
    '',
    `Synthetic 2048-d rows (64 clusters, 14 categories independent of clusters, Zipf keywords). Filter: \`category = X AND sales_count > 10\`. ` +
      `IVF_HNSW_SQ (cosine, m ${HNSW_BUILD.m}, efConstruction ${HNSW_BUILD.efConstruction}, one partition per ${ROWS_PER_PARTITION.toLocaleString('en')} rows) is built by \`optimize()\` from ${ANN_MIN_ROWS.toLocaleString('en')} rows; ` +
      `ANN queries probe max(${ANN_SEARCH.minProbes}, partitions / ${1 / ANN_SEARCH.probeShare}) partitions with ef = max(${ANN_SEARCH.minEf}, ${ANN_SEARCH.efPerResult} × limit) re-scoring at least ${ANN_SEARCH.minRescored} hits with the full vectors. "Exact" is LanceDB brute force through the same store path ` +
      '(`denseSearch(..., { exact: true })` = bypassVectorIndex, same prefilter). Recall@10 compares the dense leg with it.',
    '',
    '| rows | filter keeps | ingest (upsert, 5k batches) | one-row upsert at full size (incl. keyword re-index) | optimize (index build + compaction) | +1% rows: upsert, then optimize | disk |',
    '|---|---|---|---|---|---|---|',
    ...results.map(
      (r) =>
        `| ${r.rows.toLocaleString('en')} | ${(r.keptShare * 100).toFixed(1)}% | ${r.ingestSeconds.toFixed(1)} s (${r.ingestRate.toFixed(0)} rows/s) | ${r.singleUpsertSeconds.toFixed(2)} s | ${r.optimizeSeconds.toFixed(1)} s${r.annBuilt ? ' (IVF_HNSW_SQ)' : ' (no ANN)'} | ${r.growRows} rows: ${r.growUpsertSeconds.toFixed(2)} s, then ${r.incrementalOptimizeSeconds.toFixed(1)} s | ${r.diskMb} MB |`,
    ),
    '',
    `Latency: each kind of query ${results[0]?.queries ?? 0} times after 5 warm-up queries (unfiltered ones ${UNFILTERED_QUERIES} times); hybrid = both legs with 20 hits each, RRF k 60, top 3.`,
    '',
    '| rows | queries | hybrid top-3 + filter p50 / p95 | dense top-10 + filter p50 / p95 | keyword top-20 + filter p50 | exact filtered p50 / p95 | hybrid / exact (p50) | dense unfiltered p50 | exact unfiltered p50 | recall@10 filtered | recall@10 unfiltered |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...results.map(
      (r) =>
        `| ${r.rows.toLocaleString('en')} | ${r.queries} | ${ms(r.hybrid.p50)} / ${ms(r.hybrid.p95)} | ${ms(r.dense.p50)} / ${ms(r.dense.p95)} | ${ms(r.keyword.p50)} | ${ms(r.exact.p50)} / ${ms(r.exact.p95)} | ${(r.hybrid.p50 / r.exact.p50).toFixed(2)} | ${ms(r.denseUnfiltered.p50)} | ${ms(r.exactUnfiltered.p50)} | ${r.recallFiltered.toFixed(3)} | ${r.recallUnfiltered.toFixed(3)} |`,
    ),
    '',
  ];
  return lines.join('\n');
}

// Hand-written findings below this line in the results file survive a re-run.
const NOTES_MARKER = '<!-- findings: kept by bench/store-speed.ts when it rewrites the tables above -->';

function keptNotes(file: string): string {
  try {
    const old = readFileSync(file, 'utf8');
    const at = old.indexOf(NOTES_MARKER);
    return at >= 0 ? '\n' + old.slice(at) : '';
  } catch {
    return '';
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const command = `node --import tsx bench/store-speed.ts ${process.argv.slice(2).join(' ')}`.trim();
  const loadBefore = os.loadavg();
  const baseDir = args.dir ?? (await mkdtemp(path.join(os.tmpdir(), 'hitline-store-speed-')));
  const results: Result[] = [];
  try {
    for (const rows of args.rows) {
      const r = await runSize(rows, args.queries, baseDir);
      results.push(r);
      log(JSON.stringify({ ...r, hybrid: r.hybrid.p50, dense: r.dense.p50, keyword: r.keyword.p50, exact: r.exact.p50 }, (k, v) => (k === 'results' ? undefined : v)));
    }
  } finally {
    if (!args.dir) await rm(baseDir, { recursive: true, force: true });
  }
  const text = report(results, command, loadBefore);
  mkdirSync(path.dirname(args.out), { recursive: true });
  writeFileSync(args.out, text + keptNotes(args.out));
  process.stdout.write(text + '\n');
}

await main();
