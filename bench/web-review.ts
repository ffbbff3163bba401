/**
 * How fast the web app's review grid of a 200 × 4 run is usable in Chromium (issue 15):
 *
 *   node --import tsx bench/web-review.ts [--products 200] [--base 4] [--repeats 3] [--out bench/results/web-review.md]
 *
 * A real `hitline serve` (in this process, on a loopback port, offline) gets the demo catalog and a real run
 * of `--base` new products with four presets through the API; bench/web-review-fixture.ts replicates it into a
 * run of `--products` products (hard-linked files, so every thumbnail is its own). Debian's Chromium then
 * opens the review grid (page 1, 50 products) signed in: first contentful paint, DOMContentLoaded (htmx and
 * app.js run: buttons work), the first Approve's round trip from navigation start, all of page 1's thumbnails
 * loaded after scrolling, and the bytes transferred. Cold = thumbnails made on this visit; warm = made
 * before (cached on the server), with an empty browser cache each time.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { Browser, Page } from 'playwright-core';
import { buildDemoCatalog, type DemoCatalog } from '../src/demo/index.js';
import { workspaceAt } from '../src/pipeline/workspace.js';
import { openHitlineServer } from '../src/server/hitline-server.js';
import { listen } from '../src/server/serve.js';
import { jsonLineLogger } from '../src/service/log.js';
import { tenantWorkspaceDir } from '../src/service/tenants/tenant-contexts.js';
import { TenantRegistry } from '../src/service/tenants/tenant-registry.js';
import { REPO_ROOT } from '../src/util/paths.js';
import { launchChromium } from '../test/web/browser.js';
import { replicateRun } from './web-review-fixture.js';

interface Args { products: number; base: number; repeats: number; out: string }
const PRESETS = ['amazon-main', 'tiktok-feed', 'shopify-square', 'etsy-listing'];

function parseArgs(argv: string[]): Args {
  const a: Args = { products: 200, base: 4, repeats: 3, out: path.join(REPO_ROOT, 'bench/results/web-review.md') };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '') as keyof Args;
    if (!(key in a)) throw new Error(`unknown argument ${argv[i]}`);
    (a as unknown as Record<string, unknown>)[key] = key === 'out' ? path.resolve(argv[i + 1]) : Number(argv[i + 1]);
  }
  return a;
}

const log = (s: string) => process.stderr.write(`${s}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function form(csv: string, imagesDir: string): Promise<FormData> {
  const f = new FormData();
  f.append('table', new Blob([await readFile(csv)]), path.basename(csv));
  for (const name of (await readdir(imagesDir)).sort()) f.append('images', new Blob([await readFile(path.join(imagesDir, name))]), name);
  return f;
}

async function until<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 3000; i += 1) {
    const v = await probe();
    if (v !== undefined) return v;
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The base run through the API, as a client would make it. */
async function baseRun(url: string, key: string, demo: DemoCatalog): Promise<string> {
  const api = async (p: string, init: RequestInit = {}) => {
    const call = () => fetch(`${url}${p}`, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${key}` } });
    // A poll can meet a kept-alive socket the server closed while an import held its event loop: ask again once.
    const res = await call().catch((e) => (init.method ? Promise.reject(e) : sleep(500).then(call)));
    const body = await res.json();
    if (res.status >= 300) throw new Error(`${p}: ${res.status} ${JSON.stringify(body)}`);
    return body;
  };
  const imported = await api('/api/catalog/imports', { method: 'POST', body: await form(demo.catalogCsv, demo.imagesDir) });
  await until(async () => ((await api(`/api/catalog/imports/${imported.id}`)).state === 'finished' ? true : undefined), 'the import');
  const upload = await api('/api/new-products', { method: 'POST', body: await form(demo.newCsv, demo.newImagesDir) });
  const run = await api('/api/runs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ newProducts: upload.id, presets: PRESETS, size: '0.5K' }) });
  await until(async () => ((await api(`/api/runs/${run.runId}`)).status === 'finished' ? true : undefined), 'the base run');
  return run.runId;
}

interface Visit { fcp: number; dcl: number; load: number; approve: number; allThumbs: number; htmlKB: number; initialKB: number; pageKB: number; images: number; rows: number }

async function visit(browser: Browser, url: string, key: string, reviewPath: string): Promise<Visit> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page: Page = await context.newPage();
  await page.goto(`${url}/sign-in`);
  await page.fill('#key', key);
  await Promise.all([page.waitForURL('**/catalog'), page.click('button[type="submit"]')]);
  await page.goto(`${url}${reviewPath}`, { waitUntil: 'domcontentloaded' });
  // Usable: the first pending output's Approve answers (its cell comes back approved).
  await page.click('article.review-pending button.approve');
  await page.waitForSelector('article.review-approved');
  const approve = await page.evaluate(() => performance.now());
  await page.waitForLoadState('load');
  await page.waitForLoadState('networkidle');
  const initial = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN;
    const resources = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
    return { fcp, dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd, html: nav.transferSize, bytes: nav.transferSize + resources.reduce((n, r) => n + r.transferSize, 0) };
  });
  // Scroll through page 1 so every lazy thumbnail loads; time until all are in.
  const t0 = Date.now();
  for (let y = 0; y < 400; y += 1) {
    const done = await page.evaluate(() => {
      window.scrollBy(0, window.innerHeight / 2);
      return window.scrollY + window.innerHeight >= document.documentElement.scrollHeight;
    });
    await sleep(60);
    if (done) break;
  }
  // A thumbnail scrolled past too quickly for the lazy loader is brought into view on its own.
  for (let i = 0; i < 2000; i += 1) {
    const left = await page.evaluate(() => {
      const missing = Array.from(document.images).filter((img) => !img.complete);
      missing[0]?.scrollIntoView();
      return missing.length;
    });
    if (left === 0) break;
    await sleep(100);
  }
  await page.waitForLoadState('networkidle');
  const all = await page.evaluate(() => {
    const resources = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    return { bytes: nav.transferSize + resources.reduce((n, r) => n + r.transferSize, 0), images: document.images.length, rows: document.querySelectorAll('section.review-row').length };
  });
  await context.close();
  const kb = (b: number) => Math.round(b / 1024);
  return { fcp: initial.fcp, dcl: initial.dcl, load: initial.load, approve, allThumbs: Date.now() - t0, htmlKB: kb(initial.html), initialKB: kb(initial.bytes), pageKB: kb(all.bytes), images: all.images, rows: all.rows };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'hitline-web-bench-'));
  const root = path.join(tmp, 'ws');
  const { key } = await new TenantRegistry(root).add('acme');
  const logger = jsonLineLogger(new Writable({ write: (_c, _e, done) => done() }));
  const hitline = openHitlineServer({ workspace: root, allowLocalTenant: false, offline: true, env: {}, logger, limits: { ratePerSecond: 1000, rateBurst: 2000 } });
  await hitline.start();
  const server = await listen(hitline, { host: '127.0.0.1', port: 0, graceMs: 5_000, logger, signals: [] });
  let browser: Browser | undefined;
  try {
    const t0 = Date.now();
    const demo = await buildDemoCatalog(path.join(tmp, 'demo'), { hits: 20, newProducts: args.base, seed: 7 });
    const baseRunId = await baseRun(server.url, key, demo);
    const baseSeconds = (Date.now() - t0) / 1000;
    const t1 = Date.now();
    const runId = await replicateRun(workspaceAt(tenantWorkspaceDir(root, 'acme')), baseRunId, args.products);
    const replicateSeconds = (Date.now() - t1) / 1000;
    log(`fixture: base run ${baseSeconds.toFixed(0)} s, replicated to ${args.products} products in ${replicateSeconds.toFixed(1)} s`);
    browser = await launchChromium();
    const reviewPath = `/runs/${runId}/review`;
    const visits: Array<{ kind: string; v: Visit }> = [];
    visits.push({ kind: 'cold (thumbnails made now)', v: await visit(browser, server.url, key, reviewPath) });
    for (let i = 0; i < args.repeats; i += 1) visits.push({ kind: 'warm (thumbnails cached)', v: await visit(browser, server.url, key, reviewPath) });
    for (const { kind, v } of visits) log(`${kind}: ${JSON.stringify(v)}`);
    await writeFile(args.out, report(args, visits, baseSeconds, replicateSeconds));
    log(`wrote ${args.out}`);
  } finally {
    await browser?.close();
    await server.shutdown('bench done');
    await rm(tmp, { recursive: true, force: true });
  }
}

function report(a: Args, visits: Array<{ kind: string; v: Visit }>, baseSeconds: number, replicateSeconds: number): string {
  const ms = (x: number) => `${Math.round(x)} ms`;
  const rows = visits.map(({ kind, v }) => `| ${kind} | ${ms(v.fcp)} | ${ms(v.dcl)} | ${ms(v.approve)} | ${ms(v.load)} | ${ms(v.allThumbs)} | ${v.htmlKB} KB | ${v.initialKB} KB | ${v.pageKB} KB (${v.images} images) |`);
  return `# Web review grid: ${a.products} products × ${PRESETS.length} presets in Chromium

Command: \`node --import tsx bench/web-review.ts --products ${a.products} --base ${a.base} --repeats ${a.repeats}\`
Date: ${new Date().toISOString()}; load average ${os.loadavg().map((x) => x.toFixed(1)).join(' / ')} on ${os.cpus().length} cores; Chromium headless (Debian), 1280×800.

Fixture: a real offline run of ${a.base} demo products with ${PRESETS.join(', ')} (made through the API: ${baseSeconds.toFixed(0)} s with the
catalog import), replicated to ${a.products} products with their own hard-linked files in ${replicateSeconds.toFixed(1)} s (bench/web-review-fixture.ts).
Each product has ${PRESETS.length} preset outputs and its promo image, so a page of 50 products shows 50 photos, up to 150 hits and 250 outputs.

All times from navigation start of the review grid's page 1 (50 of ${a.products} products), signed in, empty browser cache:
FCP = first contentful paint; DCL = DOMContentLoaded (htmx and app.js have run: buttons and keys work); approve = the
first pending output's Approve clicked at DCL and its cell back, approved; load = the load event (thumbnails in view);
all thumbnails = scrolling through the page (half a screen every 60 ms) until every lazy thumbnail is in. Transfer sizes
as the browser counted them (HTML gzipped; thumbnails are 240-px WebP). The Approve click waits for a free connection
behind the thumbnails in view (Chromium opens 6 per host over HTTP/1.1), which is most of the time between DCL and its answer.

| visit | FCP | DCL | approve answered | load | all thumbnails (scrolled) | HTML | until load | whole page 1 |
|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}
`;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
