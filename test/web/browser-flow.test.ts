/**
 * The web app in a real browser (Debian's Chromium via playwright-core) against a real `hitline serve` on a
 * loopback port, offline, on the drawn demo catalog: sign in, upload the catalog (progress, problem list),
 * see new products' matches, estimate and launch a run with two presets, watch its progress live, review
 * (approve two outputs, one by keyboard; reject one with a reason; regenerate one; compare; the needs-review
 * filter; bulk approve), export a preset's zip and check its contents, switch to Chinese, look at phone
 * width, and check that a second tenant's session sees none of it. No console errors; a screenshot of every
 * page goes to test-artifacts/web/ (HITLINE_UPDATE_SCREENSHOTS=1 also refreshes docs/review-grid.png).
 */
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoCatalog, type DemoCatalog } from '../../src/demo/index.js';
import { startTestServer, type TestServer } from '../server/helpers.js';
import { zipEntries } from '../server/zip-helpers.js';
import { browserRequired, CHROMIUM, haveChromium, launchChromium } from './browser.js';

const ARTIFACTS = path.resolve('test-artifacts', 'web');
if (!haveChromium && !browserRequired) console.warn(`skipping the web app browser test: no Chromium at ${CHROMIUM} (apt-get install chromium)`);

describe.skipIf(!haveChromium && !browserRequired)('the web app in Chromium', { timeout: 300_000 }, () => {
  let tmp: string;
  let demo: DemoCatalog;
  let ts: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const consoleErrors: string[] = [];
  let runId: string;

  const shot = async (name: string, p: Page = page) => {
    await p.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: false });
  };
  const watch = (p: Page, into: string[]) => {
    p.on('console', (m) => m.type() === 'error' && into.push(`${m.text()} @ ${m.location().url}`));
    p.on('pageerror', (e) => into.push(`page error: ${e.message}`));
  };
  const row = (productId: string) => page.locator(`section.review-row[data-product="${productId}"]`);
  const cell = (productId: string, preset: string, variant = 1) => row(productId).locator('article.output').filter({ has: page.locator('.meta', { hasText: new RegExp(`^${preset} #${variant}\\b`) }) });

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    tmp = await mkdtemp(path.join(os.tmpdir(), 'hitline-web-browser-'));
    demo = await buildDemoCatalog(path.join(tmp, 'demo'), { hits: 20, newProducts: 2, seed: 5 });
    ts = await startTestServer(path.join(tmp, 'ws'), ['acme', 'globex'], { listen: true });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    page = await context.newPage();
    watch(page, consoleErrors);
  });

  afterAll(async () => {
    await browser?.close();
    await ts?.close();
    await rm(tmp, { recursive: true, force: true });
  });

  it('signs in with the tenant\'s key', async () => {
    await page.goto(`${ts.url}/`);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await shot('01-sign-in');
    await page.getByLabel('API key').fill(ts.keys.acme);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/catalog');
    const cookie = (await context.cookies()).find((c) => c.name === 'hitline_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
  });

  it('uploads the catalog with progress, shows the per-row report, then the grid with filters and search', async () => {
    const form = page.locator('#catalog-upload');
    await form.locator('input[name="table"]').setInputFiles(demo.catalogCsv);
    await form.locator('input[name="images"]').setInputFiles((await readdir(demo.imagesDir)).map((f) => path.join(demo.imagesDir, f)));
    await form.getByRole('button', { name: 'Upload' }).click();
    await expect.poll(() => form.locator('.upload-progress').getAttribute('value')).toBe('100');
    await form.locator('.import[data-state="finished"]').waitFor();
    expect(await form.locator('.import').innerText()).toContain(`Imported: ${demo.hitCount} added`);
    expect(await form.locator('.import').innerText()).toContain('Every row was read.');
    await shot('02-catalog-upload');

    await page.goto(`${ts.url}/catalog`);
    expect(await page.locator('ul.cards > li').count()).toBe(demo.hitCount);
    expect(await page.locator('#results .count').innerText()).toBe(`${demo.hitCount} products`);
    await page.getByLabel('Category').selectOption('midi_dress');
    await expect.poll(() => page.url()).toContain('category=midi_dress');
    const tags = await page.locator('ul.cards .tag').allInnerTexts();
    expect(tags.length).toBeGreaterThan(0);
    expect(new Set(tags)).toEqual(new Set(['midi_dress']));
    await page.getByLabel('Category').selectOption('');
    await page.getByLabel('Search').fill('floral midi dress');
    await expect.poll(() => page.url()).toContain('q=floral');
    await page.locator('ul.cards .ranks').first().waitFor();
    expect(await page.locator('ul.cards .tag').first().innerText()).toBe('midi_dress');
    // Every thumbnail came from hitline and loaded.
    await page.waitForFunction(() => Array.from(document.images).every((i) => i.complete));
    expect(await page.$$eval('ul.cards img', (imgs) => imgs.every((i) => (i as HTMLImageElement).naturalWidth > 0))).toBe(true);
    await shot('03-catalog');
  });

  it('uploads new products and shows each one\'s matches with every leg\'s rank', async () => {
    await page.getByRole('link', { name: 'New products' }).click();
    await page.waitForURL('**/new');
    await shot('04-new-upload');
    const form = page.locator('#new-upload');
    await form.locator('input[name="table"]').setInputFiles(demo.newCsv);
    await form.locator('input[name="images"]').setInputFiles((await readdir(demo.newImagesDir)).map((f) => path.join(demo.newImagesDir, f)));
    await form.getByRole('button', { name: 'Upload' }).click();
    await page.waitForURL(/\/new\/u-/);
    expect(await page.locator('li.match').count()).toBe(demo.newCount);
    const first = page.locator('li.match').first();
    expect(await first.locator('ol.hits > li').count()).toBeGreaterThan(0);
    expect(await first.locator('ol.hits .ranks').first().innerText()).toMatch(/#1 .*image rank \d+/);
    await shot('05-matches');
  });

  it('shows the estimate before anything is paid, then launches the run and follows it live', async () => {
    await page.getByLabel(/amazon-main/).check();
    await page.getByLabel(/tiktok-feed/).check();
    await page.getByLabel('Image size of the promo images').selectOption('1K');
    expect(await page.locator('#start-run').count()).toBe(0); // no way to start before the estimate
    await page.getByRole('button', { name: 'Estimate the cost' }).click();
    await page.locator('#plan .plan').waitFor();
    expect(await page.locator('#plan').innerText()).toContain(`${demo.newCount} products`);
    expect(await page.locator('#plan').innerText()).toContain('Free: every stage runs offline');
    await shot('06-estimate');
    expect((await ts.json('/api/runs', { key: ts.keys.acme })).body.runs).toEqual([]); // the estimate made nothing
    await page.locator('#start-run').click();
    await page.waitForURL(/\/runs\/\d{8}-\d{6}-[0-9a-f]{4}$/);
    runId = page.url().split('/').pop()!;
    let navigations = 0;
    page.on('framenavigated', (f) => f === page.mainFrame() && (navigations += 1));
    // The progress block updates from the run's events, without reloading the page.
    await page.locator('#progress[data-status="finished"]').waitFor({ timeout: 240_000 });
    expect(navigations).toBe(0);
    expect(await page.locator('#progress tbody tr[data-state="done"]').count()).toBe(demo.newCount);
    expect(await page.locator('#progress').innerText()).toContain(`${demo.newCount} done`);
    await shot('07-progress');
  });

  it('reviews: approve two outputs (one by keyboard), reject one with a reason, regenerate one, compare', async () => {
    await page.getByRole('link', { name: 'Review the outputs' }).first().click();
    await page.waitForURL(`**/runs/${runId}/review`);
    const products = await page.locator('section.review-row').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.product!));
    expect(products).toHaveLength(demo.newCount);
    const [p1, p2] = products;
    expect(await row(p1).locator('article.output').count()).toBe(3); // amazon-main, tiktok-feed, promo
    expect(await row(p1).locator('details.brief summary').innerText()).toBe('Style brief');
    expect(await row(p1).locator('details.brief').getAttribute('open')).toBeNull(); // collapsed
    await page.waitForFunction(() => Array.from(document.images).every((i) => i.complete && i.naturalWidth > 0));
    await shot('08-review');

    // Approve by click.
    await cell(p1, 'tiktok-feed').getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => cell(p1, 'tiktok-feed').getAttribute('class')).toContain('review-approved');
    // Approve by keyboard: j / k move between outputs, a approves the focused one.
    await cell(p2, 'tiktok-feed').focus();
    await page.keyboard.press('k');
    await page.keyboard.press('j');
    expect(await page.evaluate(() => document.activeElement?.closest('article.output')?.id)).toBe(await cell(p2, 'tiktok-feed').getAttribute('id'));
    await page.keyboard.press('a');
    await expect.poll(() => cell(p2, 'tiktok-feed').getAttribute('class')).toContain('review-approved');
    // Reject with a reason (x focuses the reason; Enter sends it).
    await cell(p1, 'amazon-main').focus();
    await page.keyboard.press('x');
    await page.keyboard.type('label shows through');
    await page.keyboard.press('Enter');
    await expect.poll(() => cell(p1, 'amazon-main').locator('.review-state').innerText()).toBe('rejected: label shows through');
    // Regenerate: the row follows the new output until it arrives.
    await cell(p2, 'amazon-main').getByRole('button', { name: 'Regenerate' }).click();
    await cell(p2, 'amazon-main', 2).waitFor({ timeout: 120_000 });
    expect(await cell(p2, 'amazon-main', 2).innerText()).toContain('remake of an earlier output');
    await shot('09-reviewed');

    const log = (await ts.json(`/api/runs/${runId}/review`, { key: ts.keys.acme })).body.entries;
    expect(log.filter((e: any) => e.action === 'approve')).toHaveLength(2);
    expect(log.find((e: any) => e.action === 'reject')).toMatchObject({ reason: 'label shows through', actor: ts.keys.acme.slice(0, 12) });
    expect(log.map((e: any) => e.action)).toEqual(expect.arrayContaining(['regenerate', 'regenerated']));

    // Compare: the photo beside the output at full size; Escape goes back.
    await cell(p1, 'tiktok-feed').focus();
    await page.keyboard.press('c');
    await page.waitForURL(/\/compare\//);
    await page.waitForFunction(() => Array.from(document.querySelectorAll('.compare img')).every((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0));
    const sizes = await page.$$eval('.compare img', (imgs) => imgs.map((i) => [(i as HTMLImageElement).naturalWidth, (i as HTMLImageElement).clientWidth]));
    expect(sizes[1]).toEqual([1080, 1080]); // the output, unscaled
    await shot('10-compare');
    await page.keyboard.press('Escape');
    await page.waitForURL(`**/runs/${runId}/review#*`);
  });

  it('filters to what needs review, failed checks first, and approves in bulk what passed', async () => {
    await page.locator('select[name="show"]').selectOption('needs-review');
    await page.waitForURL(/show=needs-review/);
    const rows = await page.locator('section.review-row').count();
    expect(rows).toBeGreaterThan(0);
    await shot('11-needs-review');
    await page.getByRole('button', { name: 'Approve everything that passed' }).click();
    await page.waitForURL(/approved=\d+/);
    expect(await page.locator('main p.ok').innerText()).toMatch(/^\d+ outputs approved\.$/);
  });

  it('exports a preset\'s approved images as a zip with the API\'s manifest', async () => {
    const approvedBefore = (await ts.json(`/api/runs/${runId}/products`, { key: ts.keys.acme })).body.products.flatMap((p: any) => p.outputs).filter((o: any) => o.preset === 'tiktok-feed' && o.review.state === 'approved');
    await page.goto(`${ts.url}/runs/${runId}/export`);
    await shot('12-export');
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('tr[data-preset="tiktok-feed"]').getByRole('link', { name: 'Download zip' }).click()]);
    expect(download.suggestedFilename()).toBe(`${runId}-tiktok-feed.zip`);
    const zip = await zipEntries(await readFile((await download.path())!));
    const manifest = JSON.parse(zip.get('manifest.json')!.toString());
    expect(manifest).toMatchObject({ runId, preset: 'tiktok-feed', approvedOnly: true });
    expect(manifest.files.map((f: any) => f.file).sort()).toEqual(approvedBefore.map((o: any) => `${o.productId}/${o.file}`).sort());
    expect(manifest.files.length).toBeGreaterThanOrEqual(2);
    for (const f of manifest.files) expect(zip.get(f.file)!.length).toBe(f.bytes);
    expect(zip.get('manifest.csv')!.toString()).toContain('product,preset,file,width,height,bytes');
  });

  it('speaks Chinese, and fits a phone\'s width', async () => {
    await page.goto(`${ts.url}/runs/${runId}/review`);
    await page.getByRole('link', { name: '中文' }).click();
    await page.waitForURL(`**/runs/${runId}/review`);
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    expect(await page.locator('h1').innerText()).toBe(`审核任务 ${runId}`);
    await shot('13-review-zh');
    if (process.env.HITLINE_UPDATE_SCREENSHOTS === '1') {
      await page.getByRole('link', { name: 'English' }).click();
      await page.waitForURL(`**/runs/${runId}/review`);
      await page.waitForFunction(() => Array.from(document.images).every((i) => i.complete));
      await page.screenshot({ path: path.resolve('docs', 'review-grid.png') });
    } else {
      await page.getByRole('link', { name: 'English' }).click();
    }
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${ts.url}/runs/${runId}/review`);
    const tooWide = await page.evaluate(() => Array.from(document.querySelectorAll('body *')).filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1).map((e) => `${e.tagName}.${e.className}`).slice(0, 5));
    expect(tooWide).toEqual([]);
    await shot('14-review-phone');
    // Focus is visible: a focused output has an outline.
    await page.locator('article.output').first().focus();
    expect(await page.locator('article.output').first().evaluate((e) => getComputedStyle(e).outlineStyle)).not.toBe('none');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('logged no console error on any page', () => {
    expect(consoleErrors).toEqual([]);
  });

  it('shows a second tenant\'s session none of it', async () => {
    const other = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const p = await other.newPage();
    const errors: string[] = [];
    watch(p, errors);
    await p.goto(`${ts.url}/sign-in`);
    await p.getByLabel('API key').fill(ts.keys.globex);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.waitForURL('**/catalog');
    expect(await p.locator('#results').innerText()).toContain('0 products');
    await p.goto(`${ts.url}/runs`);
    expect(await p.locator('main').innerText()).toContain('No runs yet');
    await shot('15-other-tenant', p);
    for (const url of [`/runs/${runId}`, `/runs/${runId}/review`, `/runs/${runId}/export`, `/api/runs/${runId}`, `/api/runs/${runId}/exports/tiktok-feed`, '/thumbs/catalog/SKU001']) {
      const res = await p.goto(`${ts.url}${url}`);
      expect(res?.status(), url).toBe(404);
    }
    // The only console errors there are the 404s asked for.
    expect(errors.filter((e) => !/status of 404/.test(e))).toEqual([]);
    await other.close();
  });
});

if (process.env.HITLINE_UPDATE_SCREENSHOTS === '1') {
  afterAll(async () => {
    await copyFile(path.join(ARTIFACTS, '08-review.png'), path.join(ARTIFACTS, 'review-grid.png')).catch(() => undefined);
  });
}
