/**
 * hitline as a service, measured (issue 13):
 *
 *   node --import tsx bench/service.ts [--rows 10000] [--clients 16] [--requests 20] [--tenants 50] [--tenant-rows 1000]
 *        [--products 200] [--scale 0.5] [--out bench/results/service.md]
 *
 * 1. POST /api/match with `--clients` concurrent clients on a `--rows`-product catalog (offline embedder,
 *    LanceDB): latency p50/p95 with a new photo per request, and again with photos seen before (their
 *    embedding cached); server resident memory idle and under load.
 * 2. What a tenant costs: the same load on 1 tenant, then spread over `--tenants` tenants of `--tenant-rows`
 *    products each: match p50, server memory and open file descriptors per open tenant.
 * 3. A `--products` run through the latency-faithful fake OpenRouter (bench/batch-fake-server.ts; latencies
 *    real × `--scale`) via the API and via the CLI, same caps: wall time of each against the ideal bound,
 *    server memory idle and during the run.
 * Every server is `hitline serve` in its own process, so its memory is its own.
 */
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { tenantWorkspaceDir } from '../src/service/tenants/tenant-contexts.js';
import { TenantRegistry } from '../src/service/tenants/tenant-registry.js';
import { REPO_ROOT } from '../src/util/paths.js';
import { REAL_LATENCY_S, idealBoundSeconds, startFake } from './latency-fake.js';
import { buildVectorCatalog } from './service-catalog.js';
import { batchCatalog, CATEGORIES, photoBytes } from './batch-fixtures.js';
import { hitline, openFds, percentile, rssMB, sampleRss, serveProcess } from './service-process.js';

interface Args { rows: number; clients: number; requests: number; tenants: number; tenantRows: number; products: number; scale: number; out: string }

function parseArgs(argv: string[]): Args {
  const a: Args = { rows: 10_000, clients: 16, requests: 20, tenants: 50, tenantRows: 1_000, products: 200, scale: 0.5, out: path.join(REPO_ROOT, 'bench/results/service.md') };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, v] = [argv[i], argv[i + 1]];
    const key = flag.replace(/^--/, '').replace(/-(\w)/g, (_, ch: string) => ch.toUpperCase()) as keyof Args;
    if (!(key in a)) throw new Error(`unknown argument ${flag}`);
    (a as unknown as Record<string, unknown>)[key] = key === 'out' ? path.resolve(v) : Number(v.replace(/_/g, ''));
  }
  return a;
}

const log = (s: string) => process.stderr.write(`${s}\n`);
const load = () => os.loadavg().map((x) => x.toFixed(1)).join(' / ');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ms = (x: number) => `${x.toFixed(0)} ms`;

async function queryPhotos(n: number, seed: number): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for (let i = 0; i < n; i += 8) out.push(...(await Promise.all(Array.from({ length: Math.min(8, n - i) }, (_, k) => photoBytes(800, 1000, seed + i + k)))));
  return out;
}

/** `clients` concurrent clients send one match each per photo (keys taken round robin); latencies in ms. */
async function matchLoad(url: string, keys: string[], photos: Buffer[], clients: number): Promise<{ latencies: number[]; seconds: number; errors: number }> {
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: clients }, async () => {
    while (next < photos.length) {
      const i = next++;
      const form = new FormData();
      form.append('image', new Blob([new Uint8Array(photos[i])]), `q${i}.jpg`);
      form.append('category', CATEGORIES[i % CATEGORIES.length]);
      form.append('minSales', '0');
      const t = performance.now();
      const res = await fetch(`${url}/api/match`, { method: 'POST', body: form, headers: { authorization: `Bearer ${keys[i % keys.length]}` } });
      const body = await res.json();
      latencies.push(performance.now() - t);
      if (res.status !== 200 || body.hits.length === 0) errors += 1;
    }
  }));
  return { latencies, seconds: (performance.now() - t0) / 1000, errors };
}

async function matchSection(a: Args, tmp: string, report: string[], raw: Record<string, unknown>): Promise<void> {
  const root = path.join(tmp, 'match');
  const { key } = await new TenantRegistry(root).add('bench');
  log(`building a ${a.rows}-product catalog…`);
  const built = await buildVectorCatalog(tenantWorkspaceDir(root, 'bench'), a.rows, 200);
  const photos = await queryPhotos(a.clients * (a.requests + 1), 50_000);
  const server = await serveProcess(root, {}, ['--offline']);
  await sleep(2_000);
  const idle = await rssMB(server.pid);
  const loadBefore = load();
  await matchLoad(server.url, [key], photos.slice(0, a.clients), a.clients); // loads the CNN weights, opens the table
  const sampler = sampleRss(server.pid);
  const cold = await matchLoad(server.url, [key], photos.slice(a.clients), a.clients);
  const warm = await matchLoad(server.url, [key], photos.slice(a.clients), a.clients);
  const rss = sampler.stop();
  const fds = await openFds(server.pid);
  await server.stop();
  raw.match = { built, idle, cold, warm, rss, fds, loadBefore, loadAfter: load() };
  const row = (name: string, r: typeof cold) => `| ${name} | ${r.latencies.length} | **${ms(percentile(r.latencies, 50))}** | **${ms(percentile(r.latencies, 95))}** | ${(r.latencies.length / r.seconds).toFixed(1)} | ${r.errors} |`;
  report.push(
    `## 1. POST /api/match, ${a.clients} concurrent clients, ${a.rows.toLocaleString('en')}-product catalog`,
    '',
    `Command: \`${commandLine()}\` (load average before → after: ${loadBefore} → ${load()})`,
    '',
    `Offline default embedder (${built.embedderId}, ${built.dimension}-d) in the server, LanceDB with its ANN index; each request is one 800×1000 JPEG and the category; ` +
      `hits filtered to that category, 3 fused hits from 20 per leg. The catalog's ${a.rows.toLocaleString('en')} vectors are 200 real embeddings with seeded noise (see bench/service-catalog.ts). ` +
      `${a.clients} warm-up requests first (model weights, table opened).`,
    '',
    '| requests | n | p50 | p95 | requests/s | errors |',
    '|---|---|---|---|---|---|',
    row('a new photo each (embedding + search)', cold),
    row('the same photos again (embedding cached, search only)', warm),
    '',
    `Server resident memory: ${idle} MiB idle after start, median ${rss.medianMB} / peak ${rss.peakMB} MiB under this load; ${fds} open file descriptors.`,
    '',
  );
}

async function tenancySection(a: Args, tmp: string, report: string[], raw: Record<string, unknown>): Promise<void> {
  const root = path.join(tmp, 'tenancy');
  const registry = new TenantRegistry(root);
  const ids = Array.from({ length: a.tenants }, (_, i) => `t${String(i).padStart(2, '0')}`);
  const keys: string[] = [];
  for (const id of ids) keys.push((await registry.add(id)).key);
  log(`${a.tenants} tenants of ${a.tenantRows} products…`);
  await buildVectorCatalog(tenantWorkspaceDir(root, ids[0]), a.tenantRows, 100, 7);
  for (const id of ids.slice(1)) await cp(tenantWorkspaceDir(root, ids[0]), tenantWorkspaceDir(root, id), { recursive: true });
  const n = a.clients * 10;
  const photos = await queryPhotos(2 * n + a.tenants + a.clients, 80_000);
  const server = await serveProcess(root, {}, ['--offline']);
  await sleep(2_000);
  const loadBefore = load();
  await matchLoad(server.url, [keys[0]], photos.slice(0, a.clients), a.clients);
  const one = await matchLoad(server.url, [keys[0]], photos.slice(a.clients, a.clients + n), a.clients);
  const oneTenant = { rss: await rssMB(server.pid), fds: await openFds(server.pid) };
  const opening = await matchLoad(server.url, keys, photos.slice(a.clients + n, a.clients + n + a.tenants), a.clients); // the first request of each tenant
  const many = await matchLoad(server.url, keys, photos.slice(a.clients + n + a.tenants), a.clients);
  const allTenants = { rss: await rssMB(server.pid), fds: await openFds(server.pid) };
  await server.stop();
  raw.tenancy = { one, opening, many, oneTenant, allTenants, loadBefore, loadAfter: load() };
  const extra = a.tenants - 1;
  report.push(
    `## 2. What a tenant costs: 1 tenant against ${a.tenants}`,
    '',
    `Command: as section 1 (load average before → after: ${loadBefore} → ${load()})`,
    '',
    `Each tenant is a whole workspace with its own LanceDB table of ${a.tenantRows.toLocaleString('en')} products. The same load (${a.clients} clients, a new photo per request) goes to one tenant, then round robin over all ${a.tenants}, whose tables the server keeps open (it closes the least recently used beyond 64).`,
    '',
    '| load | n | p50 | p95 | server RSS after | open fds after |',
    '|---|---|---|---|---|---|',
    `| 1 tenant | ${one.latencies.length} | **${ms(percentile(one.latencies, 50))}** | ${ms(percentile(one.latencies, 95))} | ${oneTenant.rss} MiB | ${oneTenant.fds} |`,
    `| first request to each of ${a.tenants} tenants (opens its table) | ${opening.latencies.length} | ${ms(percentile(opening.latencies, 50))} | ${ms(percentile(opening.latencies, 95))} | | |`,
    `| ${a.tenants} tenants, round robin | ${many.latencies.length} | **${ms(percentile(many.latencies, 50))}** | ${ms(percentile(many.latencies, 95))} | ${allTenants.rss} MiB | ${allTenants.fds} |`,
    '',
    `Per extra open tenant: **${((allTenants.rss - oneTenant.rss) / extra).toFixed(1)} MiB** resident and **${((allTenants.fds - oneTenant.fds) / extra).toFixed(1)}** file descriptors; ` +
      `match p50 ${(percentile(many.latencies, 50) / percentile(one.latencies, 50)).toFixed(2)}× the single-tenant p50.`,
    '',
  );
}

async function runSection(a: Args, tmp: string, report: string[], raw: Record<string, unknown>): Promise<void> {
  const dir = path.join(tmp, 'run-inputs');
  log(`drawing 40 hits and ${a.products} new products…`);
  const inputs = await batchCatalog(dir, a.products);
  const imageNames = async (csv: string) => (await readFile(csv, 'utf8')).trim().split('\n').slice(1).map((l) => l.split(',')[1]);

  const fake = await startFake();
  const env = { OPENROUTER_API_KEY: 'bench-key', OPENROUTER_BASE_URL: fake.baseUrl };
  const latency = { embed: REAL_LATENCY_S.embed * a.scale, analyze: REAL_LATENCY_S.analyze * a.scale, generate: REAL_LATENCY_S.generate * a.scale };
  await fake.ask({ cmd: 'latency', ms: { embed: latency.embed * 1000, analyze: latency.analyze * 1000, generate: latency.generate * 1000 } });
  const caps = { embed: 8, analyze: 8, generate: 8 }; // the defaults: 8 in flight per model
  const bound = idealBoundSeconds(a.products, latency, caps);

  // Via the CLI.
  const cliWs = path.join(tmp, 'cli-ws');
  await hitline(['ingest', '--catalog', inputs.catalogCsv, '--images', inputs.imagesDir, '--workspace', cliWs, '--progress', 'quiet'], env).exited;
  await fake.ask({ cmd: 'reset' });
  log(`run via the CLI (load ${load()})…`);
  const cliLoad = load();
  const t0 = performance.now();
  const cli = hitline(['run', '--new', inputs.newCsv, '--images', inputs.newImagesDir, '--workspace', cliWs, '--size', '1K', '--progress', 'quiet', '--json'], env);
  const cliRss = sampleRss(cli.pid);
  await cli.exited;
  const cliWall = (performance.now() - t0) / 1000;
  const cliSummary = JSON.parse(cli.stdout());
  const cliStats = (await fake.ask({ cmd: 'stats' })).stats;

  // Via the API.
  const root = path.join(tmp, 'api');
  const { key } = await new TenantRegistry(root).add('bench');
  const server = await serveProcess(root, env);
  const call = async (p: string, init: RequestInit = {}) => (await fetch(`${server.url}${p}`, { ...init, headers: { ...(init.headers as object), authorization: `Bearer ${key}` } })).json();
  await sleep(2_000);
  const idleStart = await rssMB(server.pid);
  const form = async (csv: string, imagesDir: string, names: string[]) => {
    const f = new FormData();
    f.append('table', new Blob([await readFile(csv)]), path.basename(csv));
    for (const name of names) f.append('images', new Blob([await readFile(path.join(imagesDir, name))]), name);
    return f;
  };
  const imported = await call('/api/catalog/imports', { method: 'POST', body: await form(inputs.catalogCsv, inputs.imagesDir, await imageNames(inputs.catalogCsv)) });
  while ((await call(`/api/catalog/imports/${imported.id}`)).state !== 'finished') await sleep(500);
  const tu = performance.now();
  const upload = await call('/api/new-products', { method: 'POST', body: await form(inputs.newCsv, inputs.newImagesDir, await imageNames(inputs.newCsv)) });
  const uploadSeconds = (performance.now() - tu) / 1000;
  await sleep(2_000);
  const idleReady = await rssMB(server.pid);
  await fake.ask({ cmd: 'reset' });
  log(`run via the API (load ${load()})…`);
  const apiLoad = load();
  const serverRss = sampleRss(server.pid);
  const t1 = performance.now();
  const created = await call('/api/runs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ newProducts: upload.id, size: '1K' }) });
  let status = created;
  while (!['finished', 'stopped', 'failed'].includes(status.status)) {
    await sleep(1_000);
    status = await call(`/api/runs/${created.runId}`);
  }
  const apiWall = (performance.now() - t1) / 1000;
  const during = serverRss.stop();
  const apiStats = (await fake.ask({ cmd: 'stats' })).stats;
  const apiSummary = JSON.parse(await readFile(path.join(tenantWorkspaceDir(root, 'bench'), 'runs', created.runId, 'summary.json'), 'utf8'));
  await sleep(3_000);
  const idleAfter = await rssMB(server.pid);
  await server.stop();
  fake.child.disconnect();
  const cliMem = cliRss.stop();
  raw.run = { latency, caps, bound, cli: { wall: cliWall, summarySeconds: cliSummary.totals.seconds, done: cliSummary.totals.done, stats: cliStats, rss: cliMem, load: cliLoad },
    api: { wall: apiWall, summarySeconds: apiSummary.totals.seconds, done: apiSummary.totals.done, uploadSeconds, stats: apiStats, idleStart, idleReady, during, idleAfter, load: apiLoad } };
  const reqs = (s: any) => `${s.requests.embed} / ${s.requests.analyze} / ${s.requests.generate}`;
  report.push(
    `## 3. ${a.products} products through the latency-faithful fake OpenRouter: via the API and via the CLI`,
    '',
    `Command: as section 1. Latencies real × ${a.scale}: embedding ${ms(latency.embed * 1000)}, analysis ${ms(latency.analyze * 1000)}, generation ${ms(latency.generate * 1000)}; ` +
      `default caps (8 in flight per model, 32 per provider), 3:4 at 1K, one variant. Ideal bound for these caps: **${bound.seconds.toFixed(1)} s** (${bound.bindingStage} binds). ` +
      'Each path has its own workspace (no shared stage cache). The CLI is `hitline run` as a child process; the API run is created with POST /api/runs on `hitline serve` and polled once a second.',
    '',
    '| path | wall time | ratio to the bound | run\'s own time (summary.json) | products done | calls embed / analyze / generate | memory | load average |',
    '|---|---|---|---|---|---|---|---|',
    `| CLI \`hitline run\` | ${cliWall.toFixed(1)} s | ${(cliWall / bound.seconds).toFixed(3)} | ${cliSummary.totals.seconds.toFixed(1)} s | ${cliSummary.totals.done} | ${reqs(cliStats)} | process peak ${cliMem.peakMB} MiB | ${cliLoad} |`,
    `| API POST /api/runs | ${apiWall.toFixed(1)} s | ${(apiWall / bound.seconds).toFixed(3)} | ${apiSummary.totals.seconds.toFixed(1)} s | ${apiSummary.totals.done} | ${reqs(apiStats)} | server median ${during.medianMB} / peak ${during.peakMB} MiB | ${apiLoad} |`,
    '',
    `**API / CLI wall time: ${(apiWall / cliWall).toFixed(3)}.** Uploading the ${a.products} photos (multipart, ${a.products + 1} files) took ${uploadSeconds.toFixed(1)} s before the run and is not counted.`,
    '',
    `Server resident memory: **${idleStart} MiB** idle after start, ${idleReady} MiB idle with the catalog imported and the upload read, **median ${during.medianMB} / peak ${during.peakMB} MiB during the run**, ${idleAfter} MiB idle after it.`,
    '',
  );
}

function commandLine(): string {
  return `node --import tsx bench/service.ts${process.argv.length > 2 ? ` ${process.argv.slice(2).join(' ')}` : ''}`;
}

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'hitline-bench-service-'));
  const report: string[] = [];
  const raw: Record<string, unknown> = { args: a, machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version, memGB: Math.round(os.totalmem() / 2 ** 30) } };
  const write = async () => {
    const header = ['# hitline as a service', '', `Run ${new Date().toISOString()} on ${os.cpus().length} × ${os.cpus()[0]?.model}, Node ${process.version}.`, ''];
    await writeFile(a.out, [...header, ...report].join('\n'));
    await writeFile(a.out.replace(/\.md$/, '.json'), JSON.stringify(raw, null, 1) + '\n');
  };
  try {
    if (a.rows > 0) await matchSection(a, tmp, report, raw);
    await write();
    if (a.tenants > 1) await tenancySection(a, tmp, report, raw);
    await write();
    if (a.products > 0) await runSection(a, tmp, report, raw);
    await write();
    log(`written ${a.out}`);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

await main();
