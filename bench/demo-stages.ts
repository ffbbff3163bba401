/**
 * Wall time of `hitline demo` per stage (drawing the catalog, ingest, run) and in total, as a user runs it:
 * a fresh workspace and a new process each time. Medians of --runs runs (default 3).
 *
 *   node --import tsx bench/demo-stages.ts [--runs 3]
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../src/util/paths.js';

const run = promisify(execFile);
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 3;

function parseSeconds(text: string): number {
  const m = /^(?:(\d+)m)?([\d.]+)s$/.exec(text.trim());
  if (!m) throw new Error(`cannot read a duration from "${text}"`);
  return Number(m[1] ?? 0) * 60 + Number(m[2]);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const samples: Array<Record<string, number>> = [];
for (let i = 0; i < runs; i += 1) {
  const ws = await mkdtemp(path.join(os.tmpdir(), 'hitline-demo-bench-'));
  const t0 = performance.now();
  const { stdout } = await run(process.execPath, [path.join(REPO_ROOT, 'bin/hitline.js'), 'demo', '--workspace', ws, '--progress', 'quiet'], { maxBuffer: 1 << 24 });
  const total = (performance.now() - t0) / 1000;
  const line = stdout.split('\n').find((l) => l.startsWith('Demo:'));
  if (!line) throw new Error(`no timing line in the demo output:\n${stdout}`);
  const stages = Object.fromEntries([...line.matchAll(/(catalog|ingest|run) ([\dm.]+s)/g)].map((m) => [m[1], parseSeconds(m[2])]));
  samples.push({ ...stages, total });
  console.log(`run ${i + 1}: ${JSON.stringify(samples.at(-1))}`);
  await rm(ws, { recursive: true, force: true });
}

const keys = ['catalog', 'ingest', 'run', 'total'];
const table = [
  '| stage | median wall time (s) | all runs (s) |',
  '|---|---|---|',
  ...keys.map((k) => `| ${k} | ${median(samples.map((s) => s[k])).toFixed(1)} | ${samples.map((s) => s[k].toFixed(1)).join(', ')} |`),
].join('\n');
const load = os.loadavg()[0].toFixed(1);
const md = `# hitline demo: wall time per stage\n\nCommand: \`node --import tsx bench/demo-stages.ts --runs ${runs}\` (${new Date().toISOString().slice(0, 10)}, ` +
  `${os.cpus().length} cores, load average ${load} at the end). Each run is a new process on a fresh workspace: 40 hits and 4 new products drawn, ` +
  `ingested with the offline embedder, then matched, analysed and composited at 3:4 1K with 2 variants. "total" includes process start-up.\n\n${table}\n`;
await writeFile(path.join(REPO_ROOT, 'bench/results/demo-stages.md'), md);
console.log(md);
