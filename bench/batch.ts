/**
 * The batch engine, measured (issue 5):
 *
 *   node --import tsx bench/batch.ts [--products 200] [--scale 0.5] [--caps 4,8,16] [--tier 1K]
 *        [--ingest-rows 10000] [--baseline-rows 2000] [--shape-rows 40000] [--shape-recipe histogram] [--out bench/results/batch.md]
 *
 * 1. A batch of new products through the fake OpenRouter (its own process, behind a proxy that adds the
 *    latency of each kind of call: embedding 0.3 s, analysis 4 s, generation 12 s, all times `--scale`),
 *    with in-flight caps per model (`--caps` embed,analyze,generate). Wall time against the ideal bound
 *    those caps and latencies allow, hitline's CPU time per product, peak memory.
 * 2. The same batch again, nothing changed: wall time and calls made (should be 0).
 * 3. Ingest of `--ingest-rows` catalog rows with the offline embedder (default recipe, worker threads, compaction):
 *    rows/s, CPU per row, memory as the rows go by; beside it, the first `--baseline-rows` rows ingested the way
 *    they were before issue 12 (one thread, no compaction during the ingest), in the same run.
 * 4. The memory shape of an ingest of `--shape-rows` rows (cheaper `--shape-recipe`, same code path):
 *    resident memory as the rows go by.
 * Steps 3 and 4 each run in a child process (bench/batch-ingest.ts) so their peaks are their own.
 * Inputs are drawn in bench/batch-fixtures.ts, sections 3 and 4 written in bench/batch-ingest-report.ts.
 */
import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pMap from 'p-map';
import { FolderStorage } from '../src/adapters/storage/index.js';
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
import { batchCatalog, photo, type Catalog } from './batch-fixtures.js';
import { ingestSections } from './batch-ingest-report.js';
import { commandLine, loadAverage, writeResults } from './batch-results.js';

import { REAL_LATENCY_S, idealBoundSeconds, startFake, type LatencyFake } from './latency-fake.js';

interface Args {
  products: number;
  scale: number;
  caps: { embed: number; analyze: number; generate: number };
  providerCap: number;
  tier: SizeTier;
  ingestRows: number;
  baselineRows: number;
  shapeRows: number;
  shapeRecipe: string;
  distinctImages: number;
  out: string;
}

function parseArgs(argv: string[]): Args {
  const a: Args = {
    products: 200, scale: 0.5, caps: { embed: 4, analyze: 8, generate: 16 }, providerCap: 32, tier: '1K',
    ingestRows: 10_000, baselineRows: 2_000, shapeRows: 40_000, shapeRecipe: 'histogram', distinctImages: 500, out: path.join(REPO_ROOT, 'bench/results/batch.md'),
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
      case '--baseline-rows': a.baselineRows = Number(v.replace(/_/g, '')); break;
      case '--shape-rows': a.shapeRows = Number(v.replace(/_/g, '')); break;
      case '--shape-recipe': a.shapeRecipe = v; break;
      case '--distinct-images': a.distinctImages = Number(v); break;
      case '--out': a.out = path.resolve(v); break;
      default: throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  return a;
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

async function measureBatch(args: Args, ws: Workspace, catalog: Catalog, fake: LatencyFake): Promise<BatchMeasure> {
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
      runId, ledger, engine, newCsv: catalog.newCsv, imagesDir: catalog.newImagesDir, workspace: ws, storage: new FolderStorage(ws.cacheDir), store, embedder,
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
  const loadBeforeAgain = loadAverage();
  const again = await measureBatch(args, ws, catalog, fake);
  log(`  re-run: ${again.wallSeconds.toFixed(2)} s wall, ${Object.values(again.requests).reduce((a, b) => a + b, 0)} request(s)`);
  // The same again without the thumbnails the first run kept: what the report and sheets cost when drawn anew.
  await rm(path.join(ws.cacheDir, 'thumbnails'), { recursive: true, force: true });
  const loadBeforeCold = loadAverage();
  const againCold = await measureBatch(args, ws, catalog, fake);
  log(`  re-run, thumbnail cache emptied: ${againCold.wallSeconds.toFixed(2)} s wall`);
  fake.child.disconnect();
  raw.batch = { latency, bound, first, again, againCold, loadBefore, loadAfter, loadBeforeAgain, loadBeforeCold };

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
    'Command: as section 1 (the second and third batches of the same invocation, same workspace and stage cache). ' +
      `Load average before each: ${loadBeforeAgain} (re-run) and ${loadBeforeCold} (re-run with the thumbnail cache emptied).`,
    '',
    '| measure | re-run | re-run, thumbnail cache emptied first |',
    '|---|---|---|',
    `| **wall time** | **${again.wallSeconds.toFixed(2)} s** | ${againCold.wallSeconds.toFixed(2)} s |`,
    `| of which start to last product | ${again.productsPhaseSeconds.toFixed(2)} s | ${againCold.productsPhaseSeconds.toFixed(2)} s |`,
    `| of which summary, report.html and contact sheets | ${(again.wallSeconds - again.productsPhaseSeconds).toFixed(2)} s | ${(againCold.wallSeconds - againCold.productsPhaseSeconds).toFixed(2)} s |`,
    `| calls made (all kinds) | **${reqs(again)}** | ${reqs(againCold)} |`,
    `| products done | ${again.done} | ${againCold.done} |`,
    `| CPU time | ${again.cpuSeconds.toFixed(2)} s | ${againCold.cpuSeconds.toFixed(2)} s |`,
    '',
    `Every product's match runs again (a local store query), its brief and images come from the stage cache and are written to the new run folder. ` +
      `report.html and the contact sheets (${Math.ceil(args.products / 20)} sheets of 20 products) take their thumbnails from the workspace cache ` +
      '(content-addressed by the picture\'s bytes, src/report/thumbnail-cache.ts); the third column draws every thumbnail again. ' +
      `Ratio of the report part, cached to drawn anew: ${((again.wallSeconds - again.productsPhaseSeconds) / (againCold.wallSeconds - againCold.productsPhaseSeconds)).toFixed(2)}.`,
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

    // 3 and 4: rows with the offline embedder.
    const imagesDir = path.join(tmp, 'ingest-images');
    mkdirSync(imagesDir, { recursive: true });
    if (args.ingestRows > 0 || args.shapeRows > 0) {
      log(`drawing ${args.distinctImages} catalog photos (640×800)…`);
      await pMap(Array.from({ length: args.distinctImages }, (_, i) => i), (i) => photo(path.join(imagesDir, `I${i}.jpg`), 640, 800, 5000 + i), { concurrency: 2 });
    }
    await ingestSections(args, tmp, imagesDir, report, raw, log, () => writeResults(args.out, report, raw));
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

await main();
