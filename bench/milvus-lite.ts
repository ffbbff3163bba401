/**
 * The Milvus store on a real Milvus engine, Milvus Lite, beside the LanceDB store:
 * 1. speed: ingest rate and hybrid p50 at --rows synthetic rows, upserts of --batch rows (bench/milvus-lite/speed.ts);
 * 2. quality: keyword P@5 on fashion-1204 with Milvus's BM25 function and with hitline's client-side
 *    weights, against LanceDB and the in-memory BM25, and how often the stores return the same lists
 *    (bench/milvus-lite/quality.ts; skipped where the photo set is absent).
 *
 *   node --import tsx bench/milvus-lite.ts [--rows 10000] [--batch 1000,64] [--queries 100] [--skip-speed] [--skip-quality]
 *
 * Needs the venv of test/helpers/milvus-lite.requirements.txt. Results: bench/results/milvus-lite.md.
 * This measures hitline's adapter plus Milvus Lite (a Python engine on the same cores), not Milvus.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openLanceDbStore } from '../src/adapters/lancedb/index.js';
import { createLocalEmbedder } from '../src/adapters/local/embedder/index.js';
import { MilvusStore } from '../src/adapters/milvus/index.js';
import type { VectorStore } from '../src/ports/vector-store.js';
import { REPO_ROOT } from '../src/util/paths.js';
import { MilvusLiteServer, milvusLiteSkipReason } from '../test/helpers/milvus-lite-server.js';
import { measureQuality, type QualityResult } from './milvus-lite/quality.js';
import { DIM, measureSpeed, type SpeedResult } from './milvus-lite/speed.js';
import { fashionSetMissingReason, loadFashionSet } from './retrieval/fashion-set.js';
import { embedSetCached } from './retrieval/feature-cache.js';
import { f3, markdownTable, scoreCells } from './retrieval/report.js';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '10000' },
    batch: { type: 'string', default: '1000,64' },
    queries: { type: 'string', default: '100' },
    'skip-speed': { type: 'boolean', default: false },
    'skip-quality': { type: 'boolean', default: false },
    out: { type: 'string', default: path.join(REPO_ROOT, 'bench', 'results', 'milvus-lite.md') },
  },
});
const log = (line: string) => process.stderr.write(`[milvus-lite] ${line}\n`);

const notInstalled = milvusLiteSkipReason();
if (notInstalled) {
  console.error(notInstalled);
  process.exit(1);
}
const rows = Number(args.rows);
const batches = args.batch.split(',').map(Number);
const queryCount = Number(args.queries);
const command = `node --import tsx bench/milvus-lite.ts ${process.argv.slice(2).join(' ')}`.trim();
const loadBefore = os.loadavg();
const server = await MilvusLiteServer.start();
const tmp = await mkdtemp(path.join(os.tmpdir(), 'hitline-bench-milvus-lite-'));
const speed: Array<{ store: string; result: SpeedResult }> = [];
let quality: QualityResult | string = 'skipped with --skip-quality';
try {
  if (!args['skip-speed']) {
    for (const batchRows of batches) {
      const stores: Array<[string, VectorStore]> = [
        ['LanceDB', openLanceDbStore({ dir: path.join(tmp, `lancedb-${batchRows}`) })],
        ['Milvus Lite', new MilvusStore({ address: server.address, collection: `speed_${batchRows}` })],
      ];
      for (const [name, store] of stores) {
        log(`speed: ${name}, ${rows} rows in upserts of ${batchRows}`);
        await store.open({ embedderId: 'bench/synthetic-2048@1', dimension: DIM });
        const result = await measureSpeed(store, rows, batchRows, queryCount);
        speed.push({ store: name, result });
        log(`  ${result.rowsPerSecond.toFixed(0)} rows/s, optimize ${result.optimizeSeconds.toFixed(1)} s, hybrid p50 ${result.hybrid.p50.toFixed(1)} ms`);
        await store.close();
      }
    }
  }
  const missing = fashionSetMissingReason();
  if (!args['skip-quality'] && missing) quality = `skipped: ${missing}`;
  else if (!args['skip-quality']) {
    const items = loadFashionSet();
    const embedder = createLocalEmbedder();
    const set = await embedSetCached(embedder, items, log);
    await embedder.close();
    log(`quality: ${items.length} products`);
    quality = await measureQuality(server.address, items, set.vectors, { embedderId: set.embedderId, dimension: set.dimension }, log);
  }
} finally {
  await server.dispose();
  await rm(tmp, { recursive: true, force: true });
}

const milvusLiteVersion = readFileSync(path.join(REPO_ROOT, 'test', 'helpers', 'milvus-lite.requirements.txt'), 'utf8').match(/^milvus-lite==(\S+)/m)?.[1];
const ms = (x: number) => `${x.toFixed(1)} ms`;
const pct = (x: number | null) => (x === null ? '' : `${(100 * x).toFixed(1)}%`);
const lines = [
  '# The Milvus store on Milvus Lite, beside LanceDB',
  '',
  `Command: \`${command}\` (${new Date().toISOString().slice(0, 10)}). Milvus Lite ${milvusLiteVersion} on 127.0.0.1; ` +
    `${os.cpus().length} shared cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}; load average ${loadBefore.map((l) => l.toFixed(1)).join(' / ')} before the run.`,
  '',
  '**What this measures:** hitline\'s Milvus adapter plus Milvus Lite, a Python engine running on the same two cores as the benchmark. ' +
    'It says what the adapter costs and how Lite behaves, not how fast a Milvus server or cluster is.',
  '',
];
if (speed.length > 0) {
  lines.push(
    '## Speed',
    '',
    `${rows.toLocaleString('en')} synthetic ${DIM}-d rows (bench/milvus-lite/speed.ts), written in upserts of the given size and timed without generating them; then \`optimize()\` ` +
      '(LanceDB: HNSW_SQ from 5,000 rows, keyword index, compaction; Milvus: flush, indexes, load). ' +
      `${queryCount} queries of each kind after 5 warm-ups, filter \`category = X and sales_count > 10\` (~7%); hybrid = 20 hits per leg, RRF k 60, top 3. ` +
      'Milvus: HNSW (M 16, efConstruction 200, ef 128) and the BM25 function as the keyword leg. ' +
      '"CPU of this process": for LanceDB the whole store (it runs in-process); for Milvus only hitline and the SDK (the server is another process), i.e. the adapter\'s share.',
    '',
    markdownTable(
      ['store', 'rows per upsert', 'ingest', 'CPU of this process while ingesting', 'optimize', 'hybrid top-3 p50 / p95', 'dense top-10 p50', 'keyword top-20 p50'],
      speed.map(({ store, result: r }) => [
        store,
        String(r.batchRows),
        `${r.upsertSeconds.toFixed(1)} s (**${r.rowsPerSecond.toFixed(0)} rows/s**)`,
        `${r.upsertCpuSeconds.toFixed(1)} s`,
        `${r.optimizeSeconds.toFixed(1)} s`,
        `**${ms(r.hybrid.p50)}** / ${ms(r.hybrid.p95)}`,
        ms(r.dense.p50),
        ms(r.keyword.p50),
      ]),
    ),
    '',
  );
}
lines.push('## Keyword leg quality and parity on fashion-1204', '');
if (typeof quality === 'string') lines.push(`Not measured: ${quality}.`, '');
else {
  lines.push(
    `Leave-one-out over ${quality.queries} products (bench/retrieval-quality.ts protocol; relevant = same articleType; every leg filtered with \`id != query\`). ` +
      'Keyword leg: the product\'s own name, tokenized by src/search/tokenize.ts. One hybrid search per query and store: 50 hits per leg, RRF k 60, top 10. ' +
      'Exact dense search on every store (Milvus FLAT; LanceDB below 5,000 rows). "Same as LanceDB": share of queries whose list is identical.',
    '',
    markdownTable(
      ['store / keyword leg', 'keyword P@1', 'keyword **P@5**', 'keyword mAP@10', 'hybrid P@5', 'dense top-10 same as LanceDB', 'keyword top-10 same', 'fused top-3 same', 'hybrid ms/query'],
      [
        ['in-memory BM25 (reference, bench/retrieval/bm25.ts)', ...scoreCells(quality.memoryKeyword), '', '', '', '', ''],
        ...quality.stores.map((s) => [
          s.store,
          ...scoreCells(s.keyword),
          f3(s.hybrid.p5),
          pct(s.denseTop10Same),
          pct(s.keywordTop10Same),
          pct(s.hybridTop3Same),
          s.msPerHybrid.toFixed(1),
        ]),
      ],
    ),
    '',
  );
}

const NOTES = '<!-- findings: kept by bench/milvus-lite.ts when it rewrites the tables above -->';
let kept = '';
try {
  const old = readFileSync(args.out, 'utf8');
  if (old.includes(NOTES)) kept = '\n' + old.slice(old.indexOf(NOTES));
} catch {
  // first run
}
mkdirSync(path.dirname(args.out), { recursive: true });
writeFileSync(args.out, lines.join('\n') + kept);
process.stdout.write(lines.join('\n') + '\n');
