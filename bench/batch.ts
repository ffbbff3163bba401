/**
 * The batch engine, measured (issue 5):
 *
 *   node --import tsx bench/batch.ts [--products 200] [--scale 0.5] [--caps 4,8,16] [--tier 1K]
 *        [--ingest-rows 10000] [--shape-rows 100000] [--shape-recipe histogram] [--out bench/results/batch.md]
 *
 * 1. A batch of new products through the fake OpenRouter (its own process, behind a proxy that adds the
 *    latency of each kind of call: embedding 0.3 s, analysis 4 s, generation 12 s, all times `--scale`),
 *    with in-flight caps per model (`--caps` embed,analyze,generate). Wall time against the ideal bound
 *    those caps and latencies allow, hitline's CPU time per product, peak memory.
 * 2. The same batch again, nothing changed: wall time and calls made (should be 0).
 * 3. Ingest of `--ingest-rows` catalog rows with the offline embedder (default recipe): rows/s, peak memory.
 * 4. The memory shape of an ingest of `--shape-rows` rows (cheaper `--shape-recipe`, same code path):
 *    resident memory as the rows go by.
 * Steps 3 and 4 each run in a child process (bench/batch-ingest.ts) so their peaks are their own.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { createAnalyzer, createEmbedder, createGenerator, openStore, type AdapterSettings } from '../src/compose/adapters.js';
import { DEFAULT_CONFIG } from '../src/compose/config.js';
import { openCostLedger } from '../src/pipeline/cost-ledger.js';
import { ingestCatalog } from '../src/pipeline/ingest.js';
import { DEFAULT_MATCH_SETTINGS } from '../src/pipeline/match.js';
import { ensureWorkspace, newRunId, workspaceAt, type Workspace } from '../src/pipeline/workspace.js';
import { runPipeline } from '../src/pipeline/run.js';
import { createOpenRouterCallPricing } from '../src/adapters/openrouter/call-pricing.js';
import { createBatchEngine } from '../src/pipeline/batch/engine.js';
import { DEFAULT_PROVIDER_LIMITS } from '../src/pipeline/batch/provider-limits.js';
import { OPENROUTER_MODELS } from '../src/adapters/openrouter/models.js';
import type { SizeTier } from '../src/core/output-sizes.js';
import { REPO_ROOT } from '../src/util/paths.js';
import { REAL_LATENCY_S, idealBoundSeconds, startFake } from './latency-fake.js';

const CATEGORIES = ['midi_dress', 'tshirt', 'handbag', 'sneakers'];

interface Args {
  products: number;
  scale: number;
  caps: { embed: number; analyze: number; generate: number };
  providerCap: number;
  tier: SizeTier;
  ingestRows: number;
  shapeRows: number;
  shapeRecipe: string;
  distinctImages: number;
  out: string;
}

function parseArgs(argv: string[]): Args {
  const a: Args = {
    products: 200, scale: 0.5, caps: { embed: 4, analyze: 8, generate: 16 }, providerCap: 32, tier: '1K',
    ingestRows: 10_000, shapeRows: 100_000, shapeRecipe: 'histogram', distinctImages: 500, out: path.join(REPO_ROOT, 'bench/results/batch.md'),
  };
  for (let i = 0; i < argv.length; i += 2) {
    const v = argv[i + 1];
    switch (argv[i]) {
      case '--products': a.products = Number(v); break;
      case '--scale': a.scale = Number(v); break;
      case '--caps': {
        const [embed, analyze, generate] = v.split(',').map(Number);
        a.caps = { embed, analyze, generate };
        break;
      }
      case '--provider-cap': a.providerCap = Number(v); break;
      case '--tier': a.tier = v as SizeTier; break;
      case '--ingest-rows': a.ingestRows = Number(v.replace(/_/g, '')); break;
      case '--shape-rows': a.shapeRows = Number(v.replace(/_/g, '')); break;
      case '--shape-recipe': a.shapeRecipe = v; break;
      case '--distinct-images': a.distinctImages = Number(v); break;
      case '--out': a.out = path.resolve(v); break;
      default: throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  return a;
}

/** A photo-like JPEG: smooth coloured texture, so decoding and resizing cost what real photos cost. */
async function photo(file: string, width: number, height: number, seed: number): Promise<void> {
  const tint = { r: 60 + ((seed * 67) % 180), g: 60 + ((seed * 131) % 180), b: 60 + ((seed * 29) % 180) };
  const noise = await sharp({ create: { width: Math.ceil(width / 8), height: Math.ceil(height / 8), channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 60 } } })
    .png()
    .toBuffer();
  await sharp(noise).resize(width, height, { kernel: 'cubic' }).tint(tint).jpeg({ quality: 85 }).toFile(file);
}

async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

interface Catalog {
  catalogCsv: string;
  imagesDir: string;
  newCsv: string;
  newImagesDir: string;
}

async function batchCatalog(dir: string, products: number): Promise<Catalog> {
  const c: Catalog = { catalogCsv: path.join(dir, 'products.csv'), imagesDir: path.join(dir, 'images'), newCsv: path.join(dir, 'new.csv'), newImagesDir: path.join(dir, 'new') };
  await mkdir(c.imagesDir, { recursive: true });
  await mkdir(c.newImagesDir, { recursive: true });
  const hits = ['product_id,image_path,category,color,style,season,sales_count,description,price'];
  const hitJobs: number[] = Array.from({ length: 10 * CATEGORIES.length }, (_, i) => i);
  await pool(hitJobs, 2, (i) => photo(path.join(c.imagesDir, `H${i}.jpg`), 800, 1000, i));
  for (const i of hitJobs) hits.push(`H${i},H${i}.jpg,${CATEGORIES[i % CATEGORIES.length]},red,casual,summer,${2000 + i * 37},best seller ${i} on a city street,49.9`);
  const rows = ['new_id,image_path,category,style,season,prompt_hint'];
  const jobs = Array.from({ length: products }, (_, i) => i);
  await pool(jobs, 2, (i) => photo(path.join(c.newImagesDir, `N${i}.jpg`), 1200, 1600, 1000 + i));
  for (const i of jobs) rows.push(`N${i},N${i}.jpg,${CATEGORIES[i % CATEGORIES.length]},casual,summer,new product ${i} with a relaxed fit`);
  await writeFile(c.catalogCsv, hits.join('\n') + '\n');
  await writeFile(c.newCsv, rows.join('\n') + '\n');
  return c;
}

interface BatchMeasure {
  wallSeconds: number;
  productsPhaseSeconds: number;
  cpuSeconds: number;
  /** CPU from the start to the last product (before summary, report and contact sheet). */
  productsPhaseCpuSeconds: number;
  peakRssMB: number;
  /** Sampled until the last product was done (before summary, report and contact sheet). */
  peakRssProductsMB: number;
  maxRssMB: number;
  done: number;
  failed: number;
  requests: Record<string, number>;
  peakInFlight: Record<string, number>;
  duplicateDeliveries: number;
  deliveredKeys: number;
  costUsd: number;
}

async function measureBatch(args: Args, ws: Workspace, catalog: Catalog, fake: Awaited<ReturnType<typeof startFake>>): Promise<BatchMeasure> {
  await fake.ask({ cmd: 'reset' });
  const runId = newRunId();
  const ledger = openCostLedger(ws.ledgerFile);
  const models = { embed: OPENROUTER_MODELS.nemotronEmbed, analyze: OPENROUTER_MODELS.qwen35, generate: OPENROUTER_MODELS.nanoBanana2 };
  const engine = createBatchEngine({
    pricing: createOpenRouterCallPricing(),
    limits: {
      ...DEFAULT_PROVIDER_LIMITS,
      provider: { maxInFlight: args.providerCap },
      models: { [models.embed]: { maxInFlight: args.caps.embed }, [models.analyze]: { maxInFlight: args.caps.analyze }, [models.generate]: { maxInFlight: args.caps.generate } },
    },
  });
  Object.assign(engine.stageModels, models);
  const settings: AdapterSettings = {
    config: structuredClone(DEFAULT_CONFIG), offline: false, env: { OPENROUTER_API_KEY: 'bench-key', OPENROUTER_BASE_URL: fake.baseUrl },
    onUsage: ledger.sink({ runId }), client: engine.clientHooks, generatorReferences: 1,
  };
  const embedder = createEmbedder(settings);
  const store = await openStore(ws, settings);
  let lastProductAt = 0;
  let cpuAtLastProduct = { user: 0, system: 0 };
  let peakRss = 0;
  let peakRssProducts = 0;
  let productsFinished = 0;
  const sampler = setInterval(() => {
    const rss = process.memoryUsage().rss;
    peakRss = Math.max(peakRss, rss);
    if (productsFinished < args.products) peakRssProducts = Math.max(peakRssProducts, rss);
  }, 200);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  try {
    const { summary } = await runPipeline({
      runId, ledger, engine, newCsv: catalog.newCsv, imagesDir: catalog.newImagesDir, workspace: ws, store, embedder,
      analyzer: createAnalyzer(settings), generator: createGenerator(settings), match: DEFAULT_MATCH_SETTINGS,
      aspectRatio: '3:4', sizeTier: args.tier, variants: 1, generationReferences: 1,
      events: (e) => {
        if (e.type === 'product-done' || e.type === 'product-failed') {
          productsFinished += 1;
          if (productsFinished === args.products) peakRssProducts = Math.max(peakRssProducts, process.memoryUsage().rss);
          lastProductAt = performance.now();
          cpuAtLastProduct = process.cpuUsage(cpu0);
        }
      },
    });
    const wall = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    const { stats } = await fake.ask({ cmd: 'stats' });
    const counts = Object.values(stats.deliveredByKey as Record<string, number>);
    return {
      wallSeconds: wall, productsPhaseSeconds: (lastProductAt - t0) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6,
      productsPhaseCpuSeconds: (cpuAtLastProduct.user + cpuAtLastProduct.system) / 1e6,
      peakRssMB: Math.round(peakRss / 1024 / 1024), peakRssProductsMB: Math.round(peakRssProducts / 1024 / 1024), maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
      done: summary.totals.done, failed: summary.totals.failed, requests: stats.requests, peakInFlight: stats.peakInFlight,
      duplicateDeliveries: counts.filter((n) => n > 1).length, deliveredKeys: counts.length, costUsd: summary.totals.cost.usd,
    };
  } finally {
    clearInterval(sampler);
    await store.close();
  }
}

/** Draws `distinct` photos and writes a products.csv of `rows` rows cycling through them. */
async function ingestCatalogFiles(dir: string, rows: number, distinct: number): Promise<string> {
  await mkdir(dir, { recursive: true });
  const lines = ['product_id,image_path,category,color,style,season,sales_count,description,price'];
  for (let i = 0; i < rows; i++) {
    lines.push(`P${i},I${i % distinct}.jpg,${CATEGORIES[i % CATEGORIES.length]},blue,casual,winter,${i % 5000},catalog row ${i},19.9`);
  }
  const csv = path.join(dir, `products-${rows}.csv`);
  await writeFile(csv, lines.join('\n') + '\n');
  return csv;
}

/** Runs bench/batch-ingest.ts in a child process, so its peak memory is its own. */
function runIngestChild(csv: string, imagesDir: string, workspace: string, recipe: string): any {
  const argv = ['--import', 'tsx', path.join(REPO_ROOT, 'bench/batch-ingest.ts'), '--catalog', csv, '--images', imagesDir, '--workspace', workspace, '--recipe', recipe];
  const out = execFileSync(process.execPath, argv, {
    cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out.trim().split('\n').pop()!);
}

/** What the samples of a long ingest say: JS-side memory (where images would be) against resident memory, and the rate over time. */
function shapeNotes(r: { samples: Array<{ seconds: number; rows: number; rssMB: number; heapMB: number; externalMB: number }> }): string {
  const s = r.samples.slice(0, -1).filter((x) => x.rows > 0);
  const last = s[s.length - 1];
  if (!last || last.rows < 20_000) return '';
  const range = (xs: number[]) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)} MiB`;
  const at = (rows: number) => s.find((x) => x.rows >= rows) ?? last;
  const a = at(last.rows * 0.1);
  const b = at(last.rows * 0.9);
  const perK = (b.rssMB - a.rssMB) / ((b.rows - a.rows) / 1000);
  const early = a.rows / a.seconds;
  const late = (last.rows - b.rows) / Math.max(1e-9, last.seconds - b.seconds);
  return (
    `Images are not held: the JS heap stays within ${range(s.map((x) => x.heapMB))} and Buffers (external + array buffers, where image bytes live) within ` +
    `${range(s.map((x) => x.externalMB))} from the first row to the last. Resident memory does grow, by about ${perK.toFixed(1)} MiB per 1,000 rows between ` +
    `${a.rows.toLocaleString('en')} and ${b.rows.toLocaleString('en')} rows, outside the JS heap: that is the store's native side (LanceDB), which gets one more ` +
    `fragment and index delta per 64-row write and compacts only in the final optimize. The rate falls the same way: ${early.toFixed(0)} rows/s over the first ` +
    `${a.rows.toLocaleString('en')} rows, ${late.toFixed(0)} rows/s over the last ${(last.rows - b.rows).toLocaleString('en')}. Compacting the store every ` +
    'few thousand rows during a long ingest would bound both.'
  );
}

/** The lowest and highest resident memory sampled while rows were going in (the last sample is after the ingest). */
function steadyRange(samples: Array<{ rows: number; rssMB: number }>): string {
  const during = samples.slice(0, -1).filter((x) => x.rows > 0);
  if (during.length === 0) return 'n/a';
  return `${Math.min(...during.map((x) => x.rssMB))}–${Math.max(...during.map((x) => x.rssMB))} MiB`;
}

function loadAverage(): string {
  return os.loadavg().map((x) => x.toFixed(1)).join(' / ');
}

/** Sections 1 and 2: the batch through the fake, then the same batch again. */
async function batchSections(args: Args, tmp: string, report: string[], raw: Record<string, unknown>, log: (s: string) => void): Promise<void> {
  log(`drawing ${args.products} new products and 40 hits…`);
  const catalog = await batchCatalog(path.join(tmp, 'batch-catalog'), args.products);
  const fake = await startFake();
  const ws = workspaceAt(path.join(tmp, 'ws'));
  await ensureWorkspace(ws);
  const ingestSettings: AdapterSettings = { config: structuredClone(DEFAULT_CONFIG), offline: false, env: { OPENROUTER_API_KEY: 'bench-key', OPENROUTER_BASE_URL: fake.baseUrl } };
  const store = await openStore(ws, ingestSettings);
  await ingestCatalog({ catalogCsv: catalog.catalogCsv, imagesDir: catalog.imagesDir, store, embedder: createEmbedder(ingestSettings) });
  await store.close();

  const latency = { embed: REAL_LATENCY_S.embed * args.scale, analyze: REAL_LATENCY_S.analyze * args.scale, generate: REAL_LATENCY_S.generate * args.scale };
  await fake.ask({ cmd: 'latency', ms: { embed: latency.embed * 1000, analyze: latency.analyze * 1000, generate: latency.generate * 1000 } });
  const bound = idealBoundSeconds(args.products, latency, args.caps);
  log(`batch: ${args.products} products, latencies ${JSON.stringify(latency)} s, caps ${JSON.stringify(args.caps)}, ideal ${bound.seconds.toFixed(2)} s (load ${loadAverage()})`);
  const loadBefore = loadAverage();
  const first = await measureBatch(args, ws, catalog, fake);
  const loadAfter = loadAverage();
  log(`  first run: ${first.wallSeconds.toFixed(2)} s wall, ${first.cpuSeconds.toFixed(2)} s CPU`);
  const again = await measureBatch(args, ws, catalog, fake);
  log(`  re-run: ${again.wallSeconds.toFixed(2)} s wall, ${Object.values(again.requests).reduce((a, b) => a + b, 0)} request(s)`);
  fake.child.disconnect();
  raw.batch = { latency, bound, first, again, loadBefore, loadAfter };

  const reqs = (m: BatchMeasure) => Object.values(m.requests).reduce((a, b) => a + b, 0);
  report.push(
    `## 1. ${args.products} new products through the fake OpenRouter`,
    '',
    `Command: \`${commandLine()}\` (load average before → after the first run: ${loadBefore} → ${loadAfter})`,
    '',
    `Latencies per call, real × ${args.scale}: embedding ${(latency.embed * 1000).toFixed(0)} ms, analysis ${(latency.analyze * 1000).toFixed(0)} ms, generation ${(latency.generate * 1000).toFixed(0)} ms ` +
      `(real: 0.3 s, 4 s, 12 s). Caps in flight: embedding model ${args.caps.embed}, analyzer model ${args.caps.analyze}, image model ${args.caps.generate}, provider ${args.providerCap}. ` +
      `Generation at 3:4 ${args.tier}, one variant, one reference image. The fake runs in its own process behind a proxy that adds the latency by kind of call.`,
    '',
    `Ideal bound: for each stage, ceil(n / cap) waves of its latency plus one latency of each other stage before and after it; the largest is the ${bound.bindingStage} stage: **${bound.seconds.toFixed(2)} s**.`,
    '',
    '| measure | value |',
    '|---|---|',
    `| products done / failed | ${first.done} / ${first.failed} |`,
    `| wall time, start to last product | ${first.productsPhaseSeconds.toFixed(2)} s |`,
    `| **ratio to the ideal bound** | **${(first.productsPhaseSeconds / bound.seconds).toFixed(3)}** |`,
    `| wall time incl. summary, report.html and contact sheet | ${first.wallSeconds.toFixed(2)} s (ratio ${(first.wallSeconds / bound.seconds).toFixed(3)}) |`,
    `| hitline CPU time (user + system, all threads), start to last product | ${first.productsPhaseCpuSeconds.toFixed(2)} s = **${((first.productsPhaseCpuSeconds / args.products) * 1000).toFixed(1)} ms per product** |`,
    `| hitline CPU time incl. summary, report.html and contact sheet | ${first.cpuSeconds.toFixed(2)} s = ${((first.cpuSeconds / args.products) * 1000).toFixed(1)} ms per product |`,
    `| peak resident memory, start to last product (sampled every 200 ms) | **${first.peakRssProductsMB} MiB** |`,
    `| peak resident memory incl. report.html and contact sheet | ${first.peakRssMB} MiB |`,
    `| process max RSS (whole benchmark process so far) | ${first.maxRssMB} MiB |`,
    `| calls seen by the fake: embed / analyze / generate | ${first.requests.embed} / ${first.requests.analyze} / ${first.requests.generate} |`,
    `| most calls in flight at the fake: embed / analyze / generate | ${first.peakInFlight.embed} / ${first.peakInFlight.analyze} / ${first.peakInFlight.generate} |`,
    `| generations delivered twice for the same request | ${first.duplicateDeliveries} (of ${first.deliveredKeys}) |`,
    `| cost recorded in the ledger (fake list prices) | $${first.costUsd.toFixed(2)} |`,
    '',
    '## 2. The same batch again, nothing changed',
    '',
    'Command: as section 1 (the second batch of the same invocation, same workspace and stage cache).',
    '',
    '| measure | value |',
    '|---|---|',
    `| wall time | ${again.wallSeconds.toFixed(2)} s (start to last product ${again.productsPhaseSeconds.toFixed(2)} s) |`,
    `| calls made (all kinds) | **${reqs(again)}** |`,
    `| products done | ${again.done} |`,
    `| CPU time | ${again.cpuSeconds.toFixed(2)} s |`,
    '',
    `The batch itself is done in ${again.productsPhaseSeconds.toFixed(1)} s: every product's match runs again (a local store query), its brief and images come ` +
      `from the stage cache and are written to the new run folder. The other ${(again.wallSeconds - again.productsPhaseSeconds).toFixed(1)} s go to ` +
      `summary.json, report.html and contact-sheet.png, which render/ draws anew for every run (every thumbnail, and one contact sheet ` +
      `${args.products} rows tall).`,
    '',
  );
  writeResults(args.out, report, raw);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'hitline-bench-batch-'));
  const report: string[] = [];
  const raw: Record<string, unknown> = { args, machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version, memGB: Math.round(os.totalmem() / 2 ** 30) } };
  const log = (s: string) => process.stderr.write(`${s}\n`);
  try {
    if (args.products > 0) await batchSections(args, tmp, report, raw, log);

    // 3: rows with the default offline embedder.
    const imagesDir = path.join(tmp, 'ingest-images');
    mkdirSync(imagesDir, { recursive: true });
    if (args.ingestRows > 0 || args.shapeRows > 0) {
      log(`drawing ${args.distinctImages} catalog photos (640×800)…`);
      await pool(Array.from({ length: args.distinctImages }, (_, i) => i), 2, (i) => photo(path.join(imagesDir, `I${i}.jpg`), 640, 800, 5000 + i));
    }
    if (args.ingestRows > 0) {
      const csv = await ingestCatalogFiles(path.join(tmp, 'ingest'), args.ingestRows, args.distinctImages);
      const loadAtIngest = loadAverage();
      log(`ingest: ${args.ingestRows} rows, default recipe (load ${loadAtIngest})…`);
      const r = runIngestChild(csv, imagesDir, path.join(tmp, 'ingest-ws'), 'default');
      raw.ingest = r;
      report.push(
        `## 3. Ingest of ${args.ingestRows.toLocaleString('en')} catalog rows, offline embedder`,
        '',
        `Command: \`${commandLine()}\` (load average at the start: ${loadAtIngest})`,
        '',
        `Rows cycle through ${args.distinctImages} distinct 640×800 photo-like JPEGs (every row is a distinct product id, so every row is embedded: ingest only skips an image whose hash is already stored for that id). ` +
          `Embedder: ${r.embedderId} (${r.dimension}-d), LanceDB store, chunks of 64 rows.`,
        '',
        '| measure | value |',
        '|---|---|',
        `| rows stored | ${r.storeCount} (${r.problems} problem(s)) |`,
        `| wall time | ${r.seconds.toFixed(1)} s |`,
        `| **rows per second** | **${(r.rows / r.seconds).toFixed(1)}** |`,
        `| CPU time | ${r.cpuSeconds.toFixed(1)} s |`,
        `| resident memory while the rows go in (sampled every second) | ${steadyRange(r.samples)} |`,
        `| **peak memory (max RSS)** | **${r.maxRssMB} MiB**${r.maxRssBeforeOptimizeMB ? ` (${r.maxRssBeforeOptimizeMB} MiB before the store built its vector index at the end, which took ${r.optimizeSeconds.toFixed(1)} s)` : ''} |`,
        '',
      );
      writeResults(args.out, report, raw);
    }
    if (args.shapeRows > 0) {
      const csv = await ingestCatalogFiles(path.join(tmp, 'shape'), args.shapeRows, args.distinctImages);
      log(`memory shape: ${args.shapeRows} rows, ${args.shapeRecipe} recipe (load ${loadAverage()})…`);
      const loadAtShape = loadAverage();
      const r = runIngestChild(csv, imagesDir, path.join(tmp, 'shape-ws'), args.shapeRecipe);
      raw.shape = r;
      const marks = [0.1, 0.25, 0.5, 0.75, 1].map((f) => Math.round(f * r.rows));
      const at = (rows: number) => r.samples.find((s: { rows: number }) => s.rows >= rows) ?? r.samples[r.samples.length - 1];
      report.push(
        `## 4. Memory shape of an ingest of ${args.shapeRows.toLocaleString('en')} rows`,
        '',
        `Command: \`${commandLine()}\` (load average at the start: ${loadAtShape})`,
        '',
        `Same code path as section 3 (ingestCatalog → LanceDB), with the cheaper \`${args.shapeRecipe}\` recipe of the offline embedder (${r.embedderId}, ${r.dimension}-d) ` +
          `so that ${args.shapeRows.toLocaleString('en')} rows finish in reasonable time on this shared 2-core machine; the recipe changes the per-image work, not what is held in memory. ` +
          `Resident memory sampled once a second while the rows go by:`,
        '',
        '| rows done | resident (RSS) | JS heap used | external + array buffers |',
        '|---|---|---|---|',
        ...marks.map((m) => {
          const s = at(m);
          return `| ${s.rows.toLocaleString('en')} | ${s.rssMB} MiB | ${s.heapMB} MiB | ${s.externalMB} MiB |`;
        }),
        '',
        `Whole ingest: ${r.seconds.toFixed(1)} s (${(r.rows / r.seconds).toFixed(0)} rows/s), ${r.storeCount} rows stored; max RSS ${r.maxRssMB} MiB` +
          `${r.maxRssBeforeOptimizeMB ? ` (${r.maxRssBeforeOptimizeMB} MiB before the store built its vector index at the end, which took ${r.optimizeSeconds.toFixed(1)} s)` : ''}.`,
        '',
        shapeNotes(r),
        '',
      );
      writeResults(args.out, report, raw);
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/**
 * Writes the results, keeping the sections of an earlier run that this run did not measure (so one
 * section can be measured again alone); the raw numbers go to the .json beside it the same way.
 */
function writeResults(out: string, report: string[], raw: Record<string, unknown>): void {
  mkdirSync(path.dirname(out), { recursive: true });
  const sections = new Map<string, string>();
  const split = (text: string) => {
    for (const part of text.split(/^(?=## \d+\. )/m)) if (part.startsWith('## ')) sections.set(part.slice(3, part.indexOf('.')), part.trimEnd());
  };
  if (existsSync(out)) split(readFileSync(out, 'utf8'));
  split(report.join('\n'));
  const header = [
    '# Batch engine benchmark',
    '',
    `Machine: ${os.cpus().length} CPU(s) (${os.cpus()[0]?.model ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}. ` +
      'The machine is shared with other work (load averages are given with each measurement): wall times and rows/s are pessimistic; ' +
      "CPU times and memory are the process's own. A section can be measured again alone (`--products 0` skips 1 and 2, `--ingest-rows 0` and " +
      '`--shape-rows 0` skip 3 and 4); the others are kept from the earlier run.',
    '',
  ];
  const body = [...sections.entries()].sort(([a], [b]) => Number(a) - Number(b)).map(([, text]) => text);
  writeFileSync(out, [...header, body.join('\n\n'), ''].join('\n'));
  const json = out.replace(/\.md$/, '.json');
  const earlier = existsSync(json) ? (JSON.parse(readFileSync(json, 'utf8')) as Record<string, unknown>) : {};
  writeFileSync(json, JSON.stringify(thinSamples({ ...earlier, ...raw }), null, 1) + '\n');
}

/** Memory samples (one a second) are thinned to at most 300 evenly spaced ones per measurement, last one kept. */
function thinSamples(raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const samples = (value as { samples?: unknown[] } | null)?.samples;
    if (!Array.isArray(samples) || samples.length <= 300) {
      out[key] = value;
      continue;
    }
    const step = samples.length / 299;
    const kept = Array.from({ length: 299 }, (_, i) => samples[Math.floor(i * step)]).concat([samples[samples.length - 1]]);
    out[key] = { ...(value as object), samples: kept, samplesTaken: samples.length };
  }
  return out;
}

function commandLine(): string {
  return `node --import tsx bench/batch.ts${process.argv.length > 2 ? ` ${process.argv.slice(2).join(' ')}` : ''}`;
}

await main();
