/**
 * report.html as a person sees it: opened in headless Chromium (Debian's, via playwright-core), every
 * picture must load from the file itself (no network, no external files) and the page must show each product.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoCatalog } from '../../src/demo/index.js';
import type { RunSummary } from '../../src/core/run-summary.js';
import { runCli } from '../helpers/capture.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`skipping the report browser test: no Chromium at ${CHROMIUM} (apt-get install chromium)`);

describe.skipIf(!haveChromium)('report.html in a browser', () => {
  let tmp: string;
  let browser: Browser;
  let summary: RunSummary;
  let runDir: string;

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'hitline-report-'));
    const ws = path.join(tmp, 'ws');
    const demo = await buildDemoCatalog(path.join(tmp, 'catalog'), { hits: 20, newProducts: 2, seed: 11 });
    await runCli(['ingest', '--catalog', demo.catalogCsv, '--images', demo.imagesDir, '--workspace', ws]);
    const run = await runCli(['run', '--new', demo.newCsv, '--images', demo.newImagesDir, '--workspace', ws, '--size', '0.5K', '--json']);
    if (run.code !== 0) throw new Error(`run failed: ${run.stderr}${run.stdout.slice(0, 2000)}`);
    summary = JSON.parse(run.stdout);
    runDir = path.join(ws, 'runs', summary.runId);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await rm(tmp, { recursive: true, force: true });
  });

  it('shows every product with all its pictures loaded, without fetching anything', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`file://${path.join(runDir, 'report.html')}`);
    const images = await page.$$eval('img', (imgs) => imgs.map((i) => ({ ok: i.complete && i.naturalWidth > 0, src: i.src.slice(0, 30) })));
    const expected = summary.products.reduce((n, p) => n + 1 + p.hits.length + p.outputs.length, 0);
    expect(images).toHaveLength(expected);
    expect(images.every((i) => i.ok)).toBe(true);
    expect(requests.filter((u) => !u.startsWith('data:') && !u.endsWith('report.html'))).toEqual([]);
    const headings = await page.$$eval('section.product h2', (hs) => hs.map((h) => h.textContent ?? ''));
    for (const p of summary.products) expect(headings.some((h) => h.includes(p.newId))).toBe(true);
    await page.screenshot({ path: path.join(tmp, 'report.png'), fullPage: false });
  });

  it('says what each query became and which leg brought each hit, as summary.json does', async () => {
    const page = await browser.newPage();
    await page.goto(`file://${path.join(runDir, 'report.html')}`);
    const queries = await page.$$eval('section.product .query', (ps) => ps.map((p) => p.textContent ?? ''));
    const captions = await page.$$eval('figure.hit figcaption', (cs) => cs.map((c) => c.textContent ?? ''));
    expect(queries).toHaveLength(summary.products.length);
    const first = summary.products[0];
    expect(queries[0]).toContain(first.query!.fusion);
    expect(queries[0]).toContain(`keyword weight ${first.query!.keywordWeight.toFixed(2)}`);
    const hit = first.hits[0];
    for (const [leg, rank] of Object.entries(hit.ranks!)) expect(captions[0]).toContain(`${leg} ${rank === null ? '–' : `#${rank}`}`);
  });
});
