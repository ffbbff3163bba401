/**
 * Sections 3 and 4 of the batch bench: an ingest of catalog rows with the offline embedder, and the memory shape
 * of a long one. Each ingest runs in a child process (bench/batch-ingest.ts) so its peak memory is its own.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../src/util/paths.js';
import { ingestCatalogFiles } from './batch-fixtures.js';
import { commandLine, loadAverage } from './batch-results.js';

export interface IngestArgs {
  ingestRows: number;
  /** Rows of the before-issue-12 baseline measured in the same run (0: none). */
  baselineRows: number;
  shapeRows: number;
  shapeRecipe: string;
  distinctImages: number;
}

/** Runs the ingest sections asked for over the drawn photos in `imagesDir`; `flush` writes the results so far. */
export async function ingestSections(args: IngestArgs, tmp: string, imagesDir: string, report: string[], raw: Record<string, unknown>, log: (s: string) => void, flush: () => void): Promise<void> {
  if (args.ingestRows > 0) {
    const csv = await ingestCatalogFiles(path.join(tmp, 'ingest'), args.ingestRows, args.distinctImages);
    // The same rows the way ingest ran before issue 12 (embedder on the main thread, no compaction during the
    // ingest), over the first `baselineRows`, in the same run: the ratio is what to read on a shared machine.
    const baselineRows = Math.min(args.baselineRows, args.ingestRows);
    let base: IngestChildResult | undefined;
    let loadAtBase = '';
    if (baselineRows > 0) {
      const baseCsv = await ingestCatalogFiles(path.join(tmp, 'ingest-base'), baselineRows, args.distinctImages);
      loadAtBase = loadAverage();
      log(`ingest baseline: ${baselineRows} rows, 1 thread, no compaction (load ${loadAtBase})…`);
      base = runIngestChild(baseCsv, imagesDir, path.join(tmp, 'ingest-base-ws'), 'default', ['--threads', '1', '--compact-every', '0']);
      raw.ingestBaseline = base;
    }
    const loadAtIngest = loadAverage();
    log(`ingest: ${args.ingestRows} rows, default recipe, ${os.availableParallelism()} threads (load ${loadAtIngest})…`);
    const r = runIngestChild(csv, imagesDir, path.join(tmp, 'ingest-ws'), 'default', []);
    const loadAfter = loadAverage();
    raw.ingest = r;
    const rate = (x: IngestChildResult) => x.rows / x.seconds;
    const cpuMs = (x: IngestChildResult) => (x.cpuSeconds / x.rows) * 1000;
    const cores = (x: IngestChildResult) => x.cpuSeconds / x.seconds;
    const col = (x: IngestChildResult | undefined, f: (x: IngestChildResult) => string) => (x ? f(x) : 'n/a');
    const marks = [0.1, 0.25, 0.5, 0.75, 1].map((f) => Math.round(f * r.rows));
    const at = (rows: number) => r.samples.find((s) => s.rows >= rows) ?? r.samples[r.samples.length - 1];
    report.push(
      `## 3. Ingest of ${args.ingestRows.toLocaleString('en')} catalog rows, offline embedder`,
      '',
      `Command: \`${commandLine()}\` (load average at the start of the baseline: ${loadAtBase || 'n/a'}; of the ingest: ${loadAtIngest}; after it: ${loadAfter})`,
      '',
      `Rows cycle through ${args.distinctImages} distinct 640×800 photo-like JPEGs (every row is a distinct product id, so every row is embedded: ingest only skips an image whose hash is already stored for that id). ` +
        `Embedder: ${r.embedderId} (${r.dimension}-d), LanceDB store. "Now": the embedder on ${r.threads} worker threads, reading, embedding and writing overlapped, ` +
        `writes of 512 rows, compaction every ${r.compactEveryRows} rows. "Before": the same code with one thread on the main thread and no compaction during the ingest, ` +
        `over the first ${baselineRows.toLocaleString('en')} rows, measured just before.`,
      '',
      '| measure | before (1 thread, no compaction) | **now** |',
      '|---|---|---|',
      `| rows | ${col(base, (x) => String(x.rows))} | ${r.rows} (${r.storeCount} stored, ${r.problems} problem(s)) |`,
      `| wall time | ${col(base, (x) => `${x.seconds.toFixed(1)} s`)} | ${r.seconds.toFixed(1)} s |`,
      `| **rows per second** | ${col(base, (x) => rate(x).toFixed(1))} | **${rate(r).toFixed(1)}** |`,
      `| CPU time per row (all threads) | ${col(base, (x) => `${cpuMs(x).toFixed(1)} ms`)} | ${cpuMs(r).toFixed(1)} ms |`,
      `| cores used (CPU time / wall time) | ${col(base, (x) => cores(x).toFixed(2))} | ${cores(r).toFixed(2)} |`,
      `| rows per second two free cores would give (2 / CPU per row) | ${col(base, (x) => Math.min(rate(x) / cores(x), 2000 / cpuMs(x)).toFixed(1))} | ${(2000 / cpuMs(r)).toFixed(1)} |`,
      `| store writes / compactions (wall, overlapping the embedding now) | ${col(base, (x) => `${x.storeSeconds.upsert.toFixed(1)} s / –`)} | ${r.storeSeconds.upsert.toFixed(1)} s / ${r.storeSeconds.compact.toFixed(1)} s in ${r.storeSeconds.compactions} |`,
      `| resident memory while the rows go in | ${col(base, (x) => steadyRange(x.samples))} | ${steadyRange(r.samples)} |`,
      `| **peak memory (max RSS)** | ${col(base, (x) => `${x.maxRssMB} MiB`)} | **${r.maxRssMB} MiB** (${r.maxRssBeforeOptimizeMB} MiB before the store built its vector index at the end, which took ${r.optimizeSeconds.toFixed(1)} s) |`,
      '',
      'Resident memory of the "now" run as the rows go by (sampled once a second; the worker threads are part of the process):',
      '',
      '| rows done | resident (RSS) | JS heap used (main thread) | rows/s since the previous line | CPU ms per row since the previous line |',
      '|---|---|---|---|---|',
      ...marks.map((m, i) => {
        const s = at(m);
        const p = i === 0 ? { rows: 0, seconds: 0, cpuSeconds: 0 } : at(marks[i - 1]);
        const rows = Math.max(1, s.rows - p.rows);
        return `| ${s.rows.toLocaleString('en')} | ${s.rssMB} MiB | ${s.heapMB} MiB | ${(rows / Math.max(1e-9, s.seconds - p.seconds)).toFixed(1)} | ${(((s.cpuSeconds - p.cpuSeconds) / rows) * 1000).toFixed(1)} |`;
      }),
      '',
    );
    flush();
  }
  if (args.shapeRows > 0) {
    const csv = await ingestCatalogFiles(path.join(tmp, 'shape'), args.shapeRows, args.distinctImages);
    // glibc gives each thread that allocates under contention an arena of its own (up to 8 per core) and keeps
    // what is freed in it; LanceDB's many native threads then hold more than they use. The same ingest is run
    // with the default allocator settings and with MALLOC_ARENA_MAX=2 (README, "Memory").
    const runs: Array<{ label: string; env: NodeJS.ProcessEnv; load: string; r: IngestChildResult }> = [];
    for (const [label, env] of [['default allocator', {}], ['MALLOC_ARENA_MAX=2', { MALLOC_ARENA_MAX: '2' }]] as Array<[string, NodeJS.ProcessEnv]>) {
      const load = loadAverage();
      log(`memory shape: ${args.shapeRows} rows, ${args.shapeRecipe} recipe, ${label} (load ${load})…`);
      const r = runIngestChild(csv, imagesDir, path.join(tmp, `shape-ws-${runs.length}`), args.shapeRecipe, [], env);
      runs.push({ label, env, load, r });
    }
    raw.shape = runs[0].r;
    raw.shapeArenaMax2 = runs[1].r;
    const marks = [0.1, 0.25, 0.5, 0.75, 1].map((f) => Math.round(f * args.shapeRows));
    const at = (r: IngestChildResult, rows: number) => r.samples.find((s) => s.rows >= rows) ?? r.samples[r.samples.length - 1];
    report.push(
      `## 4. Memory shape of an ingest of ${args.shapeRows.toLocaleString('en')} rows`,
      '',
      `Command: \`${commandLine()}\` (load average at the start of each run: ${runs.map((x) => `${x.label} ${x.load}`).join('; ')})`,
      '',
      `Same code path as section 3 (ingestCatalog → LanceDB, writes of 512 rows, compaction every ${runs[0].r.compactEveryRows} rows), with the cheaper \`${args.shapeRecipe}\` recipe of the offline embedder (${runs[0].r.embedderId}, ${runs[0].r.dimension}-d) ` +
        `so that ${args.shapeRows.toLocaleString('en')} rows finish in reasonable time on this shared 2-core machine; the recipe changes the per-image work, not what is held in memory. ` +
        'The same ingest twice, in child processes of their own: with glibc\'s default allocator settings, then with `MALLOC_ARENA_MAX=2` in the environment. Resident memory sampled once a second while the rows go by:',
      '',
      `| rows done | ${runs.map((x) => `RSS, ${x.label}`).join(' | ')} | JS heap used (${runs[0].label}) | external + array buffers (${runs[0].label}) |`,
      `|---|${runs.map(() => '---|').join('')}---|---|`,
      ...marks.map((m) => {
        const first = at(runs[0].r, m);
        return `| ${first.rows.toLocaleString('en')} | ${runs.map((x) => `${at(x.r, m).rssMB} MiB`).join(' | ')} | ${first.heapMB} MiB | ${first.externalMB} MiB |`;
      }),
      '',
      ...runs.map(
        (x) =>
          `- ${x.label}: ${x.r.seconds.toFixed(1)} s (${(x.r.rows / x.r.seconds).toFixed(0)} rows/s), ${x.r.storeCount} rows stored; max RSS ${x.r.maxRssMB} MiB ` +
          `(${x.r.maxRssBeforeOptimizeMB} MiB before the store built its vector index at the end, which took ${x.r.optimizeSeconds.toFixed(1)} s). ${shapeNotes(x.r)}`,
      ),
      '',
    );
    flush();
  }
}

interface Sample {
  seconds: number;
  rows: number;
  rssMB: number;
  heapMB: number;
  externalMB: number;
  cpuSeconds: number;
}

/** What bench/batch-ingest.ts prints. */
interface IngestChildResult {
  recipe: string;
  embedderId: string;
  dimension: number;
  threads: number;
  compactEveryRows: number;
  storeSeconds: { upsert: number; compact: number; compactions: number };
  rows: number;
  storeCount: number;
  problems: number;
  seconds: number;
  cpuSeconds: number;
  maxRssMB: number;
  maxRssBeforeOptimizeMB: number;
  optimizeSeconds: number;
  samples: Sample[];
}

/** Runs bench/batch-ingest.ts in a child process, so its peak memory is its own. */
function runIngestChild(csv: string, imagesDir: string, workspace: string, recipe: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}): IngestChildResult {
  const argv = ['--import', 'tsx', path.join(REPO_ROOT, 'bench/batch-ingest.ts'), '--catalog', csv, '--images', imagesDir, '--workspace', workspace, '--recipe', recipe, ...extra];
  const out = execFileSync(process.execPath, argv, {
    cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env },
  });
  return JSON.parse(out.trim().split('\n').pop()!);
}

/**
 * What the samples of a long ingest say, computed from them: the JS heap and Buffers (where image bytes would
 * be) against resident memory, resident growth per 1,000 rows over the first and the second half of the
 * ingest (equal halves: still growing; a small second half: a plateau), and the rate early and late.
 */
function shapeNotes(r: { samples: Array<{ seconds: number; rows: number; rssMB: number; heapMB: number; externalMB: number }> }): string {
  const s = r.samples.slice(0, -1).filter((x) => x.rows > 0);
  const last = s[s.length - 1];
  if (!last || last.rows < 10_000) return '';
  const range = (xs: number[]) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)} MiB`;
  const at = (rows: number) => s.find((x) => x.rows >= rows) ?? last;
  const a = at(last.rows * 0.1);
  const mid = at(last.rows * 0.5);
  const b = at(last.rows * 0.9);
  const perK = (from: typeof a, to: typeof a) => ((to.rssMB - from.rssMB) / Math.max(1e-9, (to.rows - from.rows) / 1000)).toFixed(1);
  const early = a.rows / a.seconds;
  const late = (last.rows - b.rows) / Math.max(1e-9, last.seconds - b.seconds);
  return (
    `JS heap ${range(s.map((x) => x.heapMB))}, Buffers ${range(s.map((x) => x.externalMB))}, resident ${range(s.map((x) => x.rssMB))} from the first row to the last; ` +
    `resident memory grew ${perK(a, mid)} MiB per 1,000 rows from ${a.rows.toLocaleString('en')} to ${mid.rows.toLocaleString('en')} rows and ` +
    `${perK(mid, b)} MiB per 1,000 rows from there to ${b.rows.toLocaleString('en')}; ${early.toFixed(0)} rows/s over the first ${a.rows.toLocaleString('en')} rows, ` +
    `${late.toFixed(0)} rows/s over the last ${(last.rows - b.rows).toLocaleString('en')}.`
  );
}

/** The lowest and highest resident memory sampled while rows were going in (the last sample is after the ingest). */
function steadyRange(samples: Array<{ rows: number; rssMB: number }>): string {
  const during = samples.slice(0, -1).filter((x) => x.rows > 0);
  if (during.length === 0) return 'n/a';
  return `${Math.min(...during.map((x) => x.rssMB))}–${Math.max(...during.map((x) => x.rssMB))} MiB`;
}
