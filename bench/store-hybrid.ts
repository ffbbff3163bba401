/**
 * Issue 12, store speed: hitline's hybrid filtered top-3 (LanceDbStore.hybridSearch: id-only legs, RRF in
 * hitline's code, one read of the winners) against LanceDB's own built-in hybrid query (nearestTo +
 * fullTextSearch + RRFReranker, same filter, same top-k, the same record columns returned), on the same
 * synthetic rows (bench/store/synthetic.ts), in the same run, queries interleaved so load drift hits both.
 *
 *   node --import tsx bench/store-hybrid.ts [--rows 10000,50000] [--queries 100] [--out bench/results/store-hybrid.md]
 *
 * Two copies of the same table: hitline's, indexed by `optimize()` (ann-index.ts: compact, then build), and a
 * plain one, indexed as a LanceDB user would (the same IVF_HNSW_SQ settings built on the table as written,
 * then `Table.optimize()`, which is what hitline's `optimize` did before issue 12): the build times of the
 * two orders answer why the index build at 100k took about twice as long as a plain build.
 * LanceDB's built-in hybrid is timed on both copies, and on a third copy indexed with LanceDB's defaults
 * (`createIndex('vector')` with no settings, then `Table.optimize()`: what a LanceDB user who does not tune
 * gets), with that copy's own dense recall. Beside them, hitline's dense leg alone (`denseSearch`, what
 * `match` runs per leg): the floor of any hybrid built on LanceDB's prefiltered ANN search.
 * Recall@10: hitline's dense leg against exact search (bypassVectorIndex, same prefilter).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as lancedb from '@lancedb/lancedb';
import { ANN_SEARCH, HNSW_BUILD, partitionsFor, probesFor, refineFactorFor } from '../src/adapters/lancedb/ann-index.js';
import { compileFilter } from '../src/adapters/lancedb/compile-filter.js';
import { openLanceDbStore } from '../src/adapters/lancedb/index.js';
import { RECORD_COLUMNS } from '../src/adapters/lancedb/schema.js';
import { REPO_ROOT } from '../src/util/paths.js';
import { sweepDenseSettings, type DenseSettingResult } from './store/dense-settings.js';
import { DIM, makeBatch, makeQueries } from './store/synthetic.js';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '10000' },
    queries: { type: 'string', default: '100' },
    out: { type: 'string', default: path.join(REPO_ROOT, 'bench', 'results', 'store-hybrid.md') },
  },
});
const SIZES = args.rows.split(',').map((s) => Number(s.replace(/_/g, '')));
const QUERIES = Number(args.queries);
if (SIZES.some((n) => !Number.isInteger(n) || n < 1) || !Number.isInteger(QUERIES) || QUERIES < 1) throw new Error('bad --rows or --queries');
const BATCH = 5_000;
const PER_LEG = 20;
const TOP = 3;
const K = 60;
const log = (line: string) => process.stderr.write(`[store-hybrid] ${line}\n`);

interface SizeResult {
  rows: number;
  keptShare: number;
  partitions: number;
  hitlineBuildS: number;
  plainIndexS: number;
  plainOptimizeS: number;
  defaultsBuildS: number;
  hitline: number[];
  denseLeg: number[];
  builtinPlain: number[];
  builtinSame: number[];
  builtinDefaults: number[];
  recall: number;
  recallDefaults: number;
  sweep: DenseSettingResult[];
  recallBuiltinTop3: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const seconds = async (work: () => Promise<unknown>) => {
  const t = performance.now();
  await work();
  return (performance.now() - t) / 1000;
};

async function runSize(rows: number, base: string): Promise<SizeResult> {
  const dir = path.join(base, `hitline-${rows}`);
  const plainDir = path.join(base, `plain-${rows}`);
  const defaultsDir = path.join(base, `defaults-${rows}`);
  const store = openLanceDbStore({ dir });
  await store.open({ embedderId: 'bench/synthetic-2048@1', dimension: DIM });
  log(`${rows} rows: writing`);
  for (let start = 0; start < rows; start += BATCH) await store.upsert(makeBatch(start, Math.min(BATCH, rows - start)));
  await store.close();
  execFileSync('cp', ['-r', dir, plainDir]);
  execFileSync('cp', ['-r', dir, defaultsDir]);

  log(`${rows} rows: hitline optimize (compact, then build)`);
  await store.open({ embedderId: 'bench/synthetic-2048@1', dimension: DIM });
  const hitlineBuildS = await seconds(() => store.optimize());

  log(`${rows} rows: plain build, then Table.optimize()`);
  const partitions = partitionsFor(rows);
  const plain = await (await lancedb.connect(plainDir)).openTable('products');
  const plainIndexS = await seconds(() =>
    plain.createIndex('vector', { config: lancedb.Index.hnswSq({ distanceType: 'cosine', numPartitions: partitions, ...HNSW_BUILD }) }),
  );
  const plainOptimizeS = await seconds(() => plain.optimize());
  log(`${rows} rows: LanceDB's default vector index, then Table.optimize()`);
  const defaults = await (await lancedb.connect(defaultsDir)).openTable('products');
  const defaultsBuildS = await seconds(async () => {
    await defaults.createIndex('vector');
    await defaults.optimize();
  });
  const same = await (await lancedb.connect(dir)).openTable('products');

  const queries = makeQueries(QUERIES + 5);
  const keptShare = (await store.count(queries[0].filter)) / (await store.count());
  const reranker = await lancedb.rerankers.RRFReranker.create(K);
  // The default index is built for L2 (LanceDB's default metric); a cosine query would bypass it for a flat
  // scan, so that copy is queried with L2, which orders the synthetic rows' unit vectors as cosine does.
  const builtin = (table: lancedb.Table, i: number) =>
    table
      .query()
      .nearestTo(queries[i].vector)
      .distanceType(table === defaults ? 'l2' : 'cosine')
      .fullTextSearch(queries[i].keywords, { columns: 'keywords' })
      .where(compileFilter(queries[i].filter)!)
      .select([...RECORD_COLUMNS])
      .rerank(reranker)
      .limit(TOP)
      .toArray();
  const ours = (i: number) => store.hybridSearch({ vector: queries[i].vector, keywords: queries[i].keywords, filter: queries[i].filter, perLeg: PER_LEG, top: TOP, rrfK: K });

  log(`${rows} rows: ${QUERIES} queries of each kind, interleaved`);
  const times = { hitline: [] as number[], denseLeg: [] as number[], builtinPlain: [] as number[], builtinSame: [] as number[], builtinDefaults: [] as number[] };
  let agree = 0;
  for (let i = 0; i < QUERIES + 5; i++) {
    const t0 = performance.now();
    const mine = await ours(i);
    const t1 = performance.now();
    const theirs = await builtin(plain, i);
    const t2 = performance.now();
    await builtin(same, i);
    const t3 = performance.now();
    await builtin(defaults, i);
    const t4 = performance.now();
    await store.denseSearch(queries[i].vector, { filter: queries[i].filter, limit: PER_LEG });
    const t5 = performance.now();
    if (i < 5) continue; // warm-up
    times.hitline.push(t1 - t0);
    times.builtinPlain.push(t2 - t1);
    times.builtinSame.push(t3 - t2);
    times.builtinDefaults.push(t4 - t3);
    times.denseLeg.push(t5 - t4);
    const theirIds = new Set(theirs.map((r) => String(r.id)));
    agree += mine.hits.filter((h) => theirIds.has(h.product.id)).length / TOP;
  }
  let found = 0;
  let foundDefaults = 0;
  let wanted = 0;
  const exactSets: Array<Set<string>> = [];
  for (let i = 5; i < QUERIES + 5; i++) {
    const ann = await store.denseSearch(queries[i].vector, { filter: queries[i].filter, limit: 10 });
    const exact = new Set((await store.denseSearch(queries[i].vector, { filter: queries[i].filter, limit: 10, exact: true })).map((h) => h.id));
    // The defaults copy searched as a LanceDB user would: default metric (L2), nprobes and refine.
    const theirs = await defaults.query().nearestTo(queries[i].vector).where(compileFilter(queries[i].filter)!).select(['id', '_distance']).limit(10).toArray();
    found += ann.filter((h) => exact.has(h.id)).length;
    foundDefaults += theirs.filter((r) => exact.has(String(r.id))).length;
    wanted += exact.size;
    exactSets.push(exact);
  }
  log(`${rows} rows: dense settings`);
  const probes = probesFor(partitions);
  const sweep = await sweepDenseSettings(same, queries.slice(5), exactSets, [
    { label: 'hitline (`denseSearch` at limit 10)', probes, ef: ANN_SEARCH.minEf, refineFactor: refineFactorFor(10) },
    { label: 'no re-scoring', probes, ef: ANN_SEARCH.minEf, refineFactor: 0 },
    { label: 're-scoring 10 (refine factor 1)', probes, ef: ANN_SEARCH.minEf, refineFactor: 1 },
    { label: 'ef 20', probes, ef: 20, refineFactor: refineFactorFor(10) },
    { label: 'every partition probed', probes: partitions, ef: ANN_SEARCH.minEf, refineFactor: refineFactorFor(10) },
  ]);
  plain.close();
  same.close();
  defaults.close();
  await store.close();
  await rm(plainDir, { recursive: true, force: true });
  await rm(defaultsDir, { recursive: true, force: true });
  return {
    rows, keptShare, partitions, hitlineBuildS, plainIndexS, plainOptimizeS, defaultsBuildS, ...times, sweep,
    recall: found / wanted, recallDefaults: foundDefaults / wanted, recallBuiltinTop3: agree / QUERIES,
  };
}

const loadBefore = os.loadavg();
const base = await mkdtemp(path.join(os.tmpdir(), 'hitline-store-hybrid-'));
const results: SizeResult[] = [];
try {
  for (const rows of SIZES) {
    const r = await runSize(rows, base);
    results.push(r);
    log(JSON.stringify({ rows, hitline: median(r.hitline), denseLeg: median(r.denseLeg), builtinPlain: median(r.builtinPlain), builtinSame: median(r.builtinSame), builtinDefaults: median(r.builtinDefaults), recall: r.recall, recallDefaults: r.recallDefaults, build: r.hitlineBuildS, plain: r.plainIndexS + r.plainOptimizeS, defaults: r.defaultsBuildS }));
  }
} finally {
  await rm(base, { recursive: true, force: true });
}

const ms = (x: number) => x.toFixed(1);
/** The built-in hybrid's p50 on a table with hitline's index settings: the faster of the plain copy and hitline's own table. */
const sameIndexBuiltin = (r: SizeResult) => Math.min(median(r.builtinPlain), median(r.builtinSame));
const version = JSON.parse(readFileSync(path.join(REPO_ROOT, 'node_modules/@lancedb/lancedb/package.json'), 'utf8')).version;
const command = `node --import tsx bench/store-hybrid.ts --rows ${args.rows} --queries ${QUERIES}`;
const lines = [
  '## Hybrid search: hitline against LanceDB\'s built-in hybrid query (issue 12)',
  '',
  `Command: \`${command}\` (${new Date().toISOString()}); ${os.cpus().length} shared cores, Node ${process.version}, @lancedb/lancedb ${version}; ` +
    `load average ${loadBefore.map((l) => l.toFixed(1)).join(' / ')} before, ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')} after.`,
  '',
  `Synthetic ${DIM}-d rows (bench/store/synthetic.ts), filter \`category = X AND sales_count > 10\`, top ${TOP}, RRF k ${K}. ` +
    `hitline: \`LanceDbStore.hybridSearch\`, ${PER_LEG} per leg, id-only legs, one read of the winners' records; IVF_HNSW_SQ with the partitions shown, ` +
    `probes max(${ANN_SEARCH.minProbes}, partitions / ${1 / ANN_SEARCH.probeShare}), legs ranked by the index's quantized distances (no refine); ` +
    `recall@10 is of \`denseSearch\` (limit 10, at least ${ANN_SEARCH.minRescored} hits re-scored with the full vectors). ` +
    'LanceDB built-in: `nearestTo().fullTextSearch().where().select(record columns).rerank(RRFReranker k 60).limit(3)` with its default search settings, ' +
    'on the plainly indexed copy, on hitline\'s own table and on the default-index copy. Each query runs the five in turn (after 5 warm-up queries).',
  '',
  '| rows | filter keeps | IVF partitions (probes) | hitline p50 | built-in p50, plain copy | built-in p50, same table | hitline / built-in with the same index (p50) | recall@10 dense leg vs exact | top-3 shared with built-in |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ...results.map((r) => {
    const base = sameIndexBuiltin(r);
    return `| ${r.rows.toLocaleString('en')} | ${(r.keptShare * 100).toFixed(1)}% | ${r.partitions} (${probesFor(r.partitions)}) | ${ms(median(r.hitline))} ms | ${ms(median(r.builtinPlain))} ms | ${ms(median(r.builtinSame))} ms | ${(median(r.hitline) / base).toFixed(2)} | ${r.recall.toFixed(3)} | ${r.recallBuiltinTop3.toFixed(2)} |`;
  }),
  '',
  'The floor, and LanceDB as it comes: hitline\'s dense leg alone (`denseSearch`, 20 hits, re-scored), and the built-in hybrid on the copy with LanceDB\'s default vector index (its dense recall@10 with default search settings beside it):',
  '',
  '| rows | hitline dense leg alone p50 | dense leg / built-in with the same index | built-in p50, LanceDB default index | its recall@10 | hitline / built-in with the default index | default index build + optimize |',
  '| --- | --- | --- | --- | --- | --- | --- |',
  ...results.map((r) => {
    const base = sameIndexBuiltin(r);
    return `| ${r.rows.toLocaleString('en')} | ${ms(median(r.denseLeg))} ms | ${(median(r.denseLeg) / base).toFixed(2)} | ${ms(median(r.builtinDefaults))} ms | ${r.recallDefaults.toFixed(3)} | ${(median(r.hitline) / median(r.builtinDefaults)).toFixed(2)} | ${r.defaultsBuildS.toFixed(1)} s |`;
  }),
  '',
  'Ratios: hitline p50 over the faster of the two built-in p50s on tables with hitline\'s index settings, or over the built-in p50 on the default-index copy.',
  '',
  'The dense leg\'s settings on hitline\'s table (filtered top 10, p50 and recall@10 against exact search, the same queries):',
  '',
  '| rows | setting | probes | ef | refine factor | p50 | recall@10 |',
  '| --- | --- | --- | --- | --- | --- | --- |',
  ...results.flatMap((r) => r.sweep.map((s) => `| ${r.rows.toLocaleString('en')} | ${s.label} | ${s.probes} | ${s.ef} | ${s.refineFactor || '–'} | ${ms(s.p50Ms)} ms | ${s.recall.toFixed(3)} |`)),
  '',
  '| rows | hitline `optimize()` (compact, then build) | plain: build on the table as written | then `Table.optimize()` (the old order) | plain total |',
  '| --- | --- | --- | --- | --- |',
  ...results.map((r) => `| ${r.rows.toLocaleString('en')} | ${r.hitlineBuildS.toFixed(1)} s | ${r.plainIndexS.toFixed(1)} s | ${r.plainOptimizeS.toFixed(1)} s | ${(r.plainIndexS + r.plainOptimizeS).toFixed(1)} s |`),
  '',
];
mkdirSync(path.dirname(args.out), { recursive: true });
writeFileSync(args.out, lines.join('\n'));
process.stdout.write(lines.join('\n') + '\n');
