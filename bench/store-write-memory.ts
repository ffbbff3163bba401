/**
 * Issue 12, ingest memory: is what grows during a long ingest the store's data or the C allocator? The store's
 * write pattern alone (no embedder): writes of 512 synthetic 2048-d rows by mergeInsert, the keyword index
 * refreshed after each, a compaction every 2,048 rows, as `hitline ingest` does. Each variant runs in a child
 * process of its own: glibc's default allocator settings, then MALLOC_ARENA_MAX=2.
 *
 *   node --import tsx bench/store-write-memory.ts [--rows 40960] [--out bench/results/store-write-memory.md]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openLanceDbStore } from '../src/adapters/lancedb/index.js';
import { COMPACT_EVERY_ROWS, WRITE_BATCH_ROWS } from '../src/pipeline/ingest.js';
import { REPO_ROOT } from '../src/util/paths.js';
import { DIM, makeBatch } from './store/synthetic.js';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '40960' },
    out: { type: 'string', default: path.join(REPO_ROOT, 'bench', 'results', 'store-write-memory.md') },
    child: { type: 'boolean', default: false },
  },
});
const ROWS = Number(args.rows.replace(/_/g, ''));
if (!Number.isInteger(ROWS) || ROWS < WRITE_BATCH_ROWS) throw new Error(`--rows must be a whole number of at least ${WRITE_BATCH_ROWS}`);
const mib = (bytes: number) => Math.round(bytes / 1048576);

interface Sample {
  rows: number;
  rssMiB: number;
  heapMiB: number;
}

/** The write loop, in this process: one sample after every compaction. */
async function writeLoop(): Promise<Sample[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hitline-write-memory-'));
  const store = openLanceDbStore({ dir });
  const samples: Sample[] = [];
  try {
    await store.open({ embedderId: 'bench/synthetic-2048@1', dimension: DIM });
    for (let start = 0; start < ROWS; start += WRITE_BATCH_ROWS) {
      await store.upsert(makeBatch(start, Math.min(WRITE_BATCH_ROWS, ROWS - start)));
      const written = Math.min(ROWS, start + WRITE_BATCH_ROWS);
      if (written % COMPACT_EVERY_ROWS === 0) {
        await store.compact();
        const m = process.memoryUsage();
        samples.push({ rows: written, rssMiB: mib(m.rss), heapMiB: mib(m.heapUsed) });
      }
    }
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
  return samples;
}

if (args.child) {
  process.stdout.write(JSON.stringify(await writeLoop()) + '\n');
} else {
  const variants: Array<[string, NodeJS.ProcessEnv]> = [
    ['default allocator', {}],
    ['MALLOC_ARENA_MAX=2', { MALLOC_ARENA_MAX: '2' }],
  ];
  const loadBefore = os.loadavg();
  const runs = variants.map(([label, env]) => {
    process.stderr.write(`[store-write-memory] ${ROWS} rows, ${label}\n`);
    const out = execFileSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', '--rows', String(ROWS)], {
      cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 16 * 1024 * 1024,
    });
    return { label, samples: JSON.parse(out.trim().split('\n').pop()!) as Sample[] };
  });
  const marks = [0.1, 0.25, 0.5, 0.75, 1].map((f) => Math.max(COMPACT_EVERY_ROWS, Math.round((f * ROWS) / COMPACT_EVERY_ROWS) * COMPACT_EVERY_ROWS));
  const at = (samples: Sample[], rows: number) => samples.find((s) => s.rows >= rows) ?? samples[samples.length - 1];
  const lines = [
    '## Store writes alone: resident memory (issue 12)',
    '',
    `Command: \`node --import tsx bench/store-write-memory.ts --rows ${ROWS}\` (${new Date().toISOString()}); ${os.cpus().length} shared cores, Node ${process.version}; ` +
      `load average ${loadBefore.map((l) => l.toFixed(1)).join(' / ')} before, ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')} after.`,
    '',
    `The LanceDB store written as \`hitline ingest\` writes it, without the embedder: upserts of ${WRITE_BATCH_ROWS} synthetic ${DIM}-d rows ` +
      `(keyword index refreshed after each), a compaction every ${COMPACT_EVERY_ROWS.toLocaleString('en')} rows; resident memory and JS heap after each compaction, ` +
      'each variant in a child process of its own.',
    '',
    `| rows written | ${runs.map((r) => `RSS, ${r.label}`).join(' | ')} | JS heap (${runs[0].label}) |`,
    `|---|${runs.map(() => '---|').join('')}---|`,
    ...marks.map((m) => `| ${at(runs[0].samples, m).rows.toLocaleString('en')} | ${runs.map((r) => `${at(r.samples, m).rssMiB} MiB`).join(' | ')} | ${at(runs[0].samples, m).heapMiB} MiB |`),
    '',
  ];
  mkdirSync(path.dirname(args.out), { recursive: true });
  writeFileSync(args.out, lines.join('\n'));
  process.stdout.write(lines.join('\n') + '\n');
}
