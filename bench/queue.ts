/**
 * Runs on the queue, measured (issue 14):
 *
 *   node --import tsx bench/queue.ts [--products 200] [--scale 0.25] [--workers 1,2,4] [--worker-concurrency 24]
 *        [--offline-products 40] [--offline-workers 1,2] [--out bench/results/queue.md]
 *
 * 1. A `--products` run through the latency-faithful fake OpenRouter (bench/batch-fake-server.ts, latencies
 *    real × `--scale`, the default caps of 8 in flight per model) with 1, 2 and 4 `hitline worker` processes
 *    (`hitline run --queue`), and in one process without a queue for reference: wall time against the ideal
 *    bound those caps allow, calls made, the most generations in flight at the fake (must stay ≤ the cap).
 * 2. The same run again, every result stored: nothing is called, but every product still goes through the
 *    queue (job, photo to the shared storage, the stored results read, files back): queue overhead per job
 *    against the same cached run in one process.
 * 3. CPU-bound offline runs (`--offline`: CNN embedder, compositor) of `--offline-products` products with 1
 *    and 2 workers (2 products at once each), and in one process.
 * Everything is a child process (Redis, the fake, the workers, `hitline run`), started here and stopped after.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../src/util/paths.js';
import { startRedisServer } from '../test/helpers/redis-server.js';
import { batchCatalog } from './batch-fixtures.js';
import { loadAverage } from './batch-results.js';
import { REAL_LATENCY_S, idealBoundSeconds, startFake } from './latency-fake.js';
import { hitline, type Child } from './service-process.js';

interface Args { products: number; scale: number; workers: number[]; workerConcurrency: number; offlineProducts: number; offlineWorkers: number[]; out: string }

function parseArgs(argv: string[]): Args {
  const a: Args = { products: 200, scale: 0.25, workers: [1, 2, 4], workerConcurrency: 24, offlineProducts: 40, offlineWorkers: [1, 2], out: path.join(REPO_ROOT, 'bench/results/queue.md') };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, v] = [argv[i], argv[i + 1]];
    const key = flag.replace(/^--/, '').replace(/-(\w)/g, (_, ch: string) => ch.toUpperCase()) as keyof Args;
    if (!(key in a)) throw new Error(`unknown argument ${flag}`);
    const value = key === 'out' ? path.resolve(v) : key === 'workers' || key === 'offlineWorkers' ? v.split(',').map(Number) : Number(v);
    (a as unknown as Record<string, unknown>)[key] = value;
  }
  return a;
}

const log = (s: string) => process.stderr.write(`${s}\n`);
const s1 = (x: number) => `${x.toFixed(1)} s`;

/** `n` workers, each ready (its "worker started" line) before this resolves. */
async function startWorkers(n: number, concurrency: number, env: NodeJS.ProcessEnv): Promise<Child[]> {
  const workers = Array.from({ length: n }, () => hitline(['worker', '--concurrency', String(concurrency)], env));
  await Promise.all(workers.map((w) => new Promise<void>((resolve, reject) => {
    let seen = '';
    w.child.stderr!.on('data', (d: Buffer) => {
      seen += d.toString();
      if (seen.includes('"worker started"')) resolve();
    });
    void w.exited.then((code) => reject(new Error(`a worker exited with ${code}: ${seen.slice(-2000)}`)));
  })));
  return workers;
}

async function stopWorkers(workers: Child[]): Promise<void> {
  for (const w of workers) w.child.kill('SIGTERM');
  await Promise.all(workers.map((w) => w.exited));
}

interface Timed { wall: number; summary: { runId: string; totals: { done: number; failed: number; pending: number; seconds: number } } }

async function timedRun(args: string[], env: NodeJS.ProcessEnv): Promise<Timed> {
  const t0 = performance.now();
  const run = hitline(['run', ...args, '--progress', 'quiet', '--json'], env);
  const code = await run.exited;
  const wall = (performance.now() - t0) / 1000;
  if (code !== 0) throw new Error(`hitline run exited with ${code}`);
  return { wall, summary: JSON.parse(run.stdout()) };
}

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'hitline-bench-queue-'));
  const redis = await startRedisServer();
  const fake = await startFake();
  const report: string[] = [];
  const raw: Record<string, unknown> = {};
  try {
    const env = { OPENROUTER_API_KEY: 'bench-key', OPENROUTER_BASE_URL: fake.baseUrl, HITLINE_QUEUE: '' };
    const queued = { ...env, HITLINE_QUEUE: redis.url };

    // 1 and 2: through the latency-faithful fake.
    log(`drawing 40 hits and ${a.products} new products…`);
    const inputs = await batchCatalog(path.join(tmp, 'inputs'), a.products);
    const latency = { embed: REAL_LATENCY_S.embed * a.scale, analyze: REAL_LATENCY_S.analyze * a.scale, generate: REAL_LATENCY_S.generate * a.scale };
    await fake.ask({ cmd: 'latency', ms: { embed: latency.embed * 1000, analyze: latency.analyze * 1000, generate: latency.generate * 1000 } });
    const caps = { embed: 8, analyze: 8, generate: 8 };
    const bound = idealBoundSeconds(a.products, latency, caps);
    const runArgs = (ws: string) => ['--new', inputs.newCsv, '--images', inputs.newImagesDir, '--workspace', ws, '--size', '1K'];
    const rows: Array<{ mode: string; wall: number; done: number; requests: string; peakGenerate: number; cachedWall: number; load: string }> = [];
    for (const n of [0, ...a.workers]) {
      const ws = path.join(tmp, `ws-${n}`);
      await hitline(['ingest', '--catalog', inputs.catalogCsv, '--images', inputs.imagesDir, '--workspace', ws, '--progress', 'quiet'], env).exited;
      const workers = n > 0 ? await startWorkers(n, a.workerConcurrency, queued) : [];
      try {
        await fake.ask({ cmd: 'reset' });
        const load = loadAverage();
        log(`${n ? `${n} worker(s)` : 'in one process'}: ${a.products} products (load ${load})…`);
        const first = await timedRun(runArgs(ws), n ? queued : env);
        const stats = (await fake.ask({ cmd: 'stats' })).stats;
        await fake.ask({ cmd: 'reset' });
        const cached = await timedRun(runArgs(ws), n ? queued : env);
        const cachedStats = (await fake.ask({ cmd: 'stats' })).stats;
        if (cachedStats.requests.generate + cachedStats.requests.analyze + cachedStats.requests.embed > 0) throw new Error('the cached re-run called the provider');
        rows.push({
          mode: n ? `queue, ${n} worker(s)` : 'one process (no queue)', wall: first.wall, done: first.summary.totals.done,
          requests: `${stats.requests.embed} / ${stats.requests.analyze} / ${stats.requests.generate}`, peakGenerate: stats.peakInFlight.generate, cachedWall: cached.wall, load,
        });
      } finally {
        await stopWorkers(workers);
      }
    }
    raw.latency = { latency, caps, bound, rows };
    report.push(
      `## 1. ${a.products} products through the latency-faithful fake OpenRouter, 1 to ${Math.max(...a.workers)} workers`,
      '',
      `Latencies real × ${a.scale}: embedding ${s1(latency.embed)}, analysis ${s1(latency.analyze)}, generation ${s1(latency.generate)}; caps 8 in flight per model ` +
        `(the defaults), held for the whole fleet in Redis; each worker takes up to ${a.workerConcurrency} products at once. Ideal bound the caps allow: ` +
        `**${s1(bound.seconds)}** (bound by ${bound.bindingStage}). Wall time is \`hitline run\` from start to its summary, workers already running.`,
      '',
      '| how | wall | ÷ ideal bound | done | calls embed / analyze / generate | most generations in flight at the fake |',
      '|---|---|---|---|---|---|',
      ...rows.map((r) => `| ${r.mode} | ${s1(r.wall)} | ${(r.wall / bound.seconds).toFixed(2)} | ${r.done} | ${r.requests} | ${r.peakGenerate} (cap 8) |`),
      '',
      `Load averages during the runs: ${rows.map((r) => `${r.mode}: ${r.load}`).join('; ')}.`,
      '',
      `## 2. Queue overhead per job`,
      '',
      `The same ${a.products}-product run again, every result stored (no call is made): each product still goes through the queue (a job, its photo to ` +
        'the shared storage, the stored results read by a worker, its files back into the run folder). The time per product of a queued cached run is ' +
        'an upper bound on the queue\'s overhead per job (it also holds reading the stored results, writing the outputs, the report and the contact ' +
        'sheets). The one-process row is there for reference; on a shared machine it is not a baseline to subtract: processes compete for the same ' +
        'cores with other work, and several processes get a larger share than one.',
      '',
      '| how | wall | per product |',
      '|---|---|---|',
      ...rows.map((r) => `| ${r.mode} | ${s1(r.cachedWall)} | ${((r.cachedWall / a.products) * 1000).toFixed(0)} ms |`),
      '',
    );

    // 3: CPU-bound, offline.
    if (a.offlineProducts > 0) {
      const offline = await batchCatalog(path.join(tmp, 'offline-inputs'), a.offlineProducts);
      const orows: Array<{ mode: string; wall: number; done: number; load: string }> = [];
      for (const n of [0, ...a.offlineWorkers]) {
        const ws = path.join(tmp, `offline-ws-${n}`);
        await hitline(['ingest', '--offline', '--catalog', offline.catalogCsv, '--images', offline.imagesDir, '--workspace', ws, '--progress', 'quiet'], env).exited;
        const workers = n > 0 ? await startWorkers(n, 2, queued) : [];
        try {
          const load = loadAverage();
          log(`offline, ${n ? `${n} worker(s)` : 'in one process'}: ${a.offlineProducts} products (load ${load})…`);
          const r = await timedRun(['--offline', '--new', offline.newCsv, '--images', offline.newImagesDir, '--workspace', ws, '--size', '1K', '--concurrency', '2'], n ? queued : env);
          orows.push({ mode: n ? `queue, ${n} worker(s) × 2 products` : 'one process, 2 products at once', wall: r.wall, done: r.summary.totals.done, load });
        } finally {
          await stopWorkers(workers);
        }
      }
      raw.offline = orows;
      report.push(
        `## 3. CPU-bound offline runs, ${a.offlineProducts} products`,
        '',
        `\`--offline\`: the CNN embedder and the compositor, all CPU. This machine has ${os.cpus().length} cores shared with other work, so a second worker ` +
          'on the same machine can only use what the first leaves; on separate machines each worker brings its own cores.',
        '',
        '| how | wall | per product | done | load at start |',
        '|---|---|---|---|---|',
        ...orows.map((r) => `| ${r.mode} | ${s1(r.wall)} | ${(r.wall / a.offlineProducts).toFixed(2)} s | ${r.done} | ${r.load} |`),
        '',
      );
    }
    const header = [
      '# Queue benchmark',
      '',
      `Machine: ${os.cpus().length} CPU(s) (${os.cpus()[0]?.model ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; Redis ${'`redis-server`'} on loopback, ` +
        'every worker a process on this machine (no multi-machine network). The machine is shared with other work: wall times are pessimistic. One run each, command:',
      '',
      `    node --import tsx bench/queue.ts${process.argv.length > 2 ? ` ${process.argv.slice(2).join(' ')}` : ''}`,
      '',
    ];
    await mkdir(path.dirname(a.out), { recursive: true });
    await writeFile(a.out, [...header, ...report].join('\n'));
    await writeFile(a.out.replace(/\.md$/, '.json'), JSON.stringify(raw, null, 1) + '\n');
    log(`wrote ${a.out}`);
  } finally {
    fake.child.disconnect();
    await redis.stop();
    await rm(tmp, { recursive: true, force: true });
  }
}

await main();
