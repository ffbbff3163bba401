/**
 * End to end through the command line, offline: a small drawn catalog is ingested, matched and run;
 * the run folder must hold images of the exact requested size, summary.json, report.html and a contact sheet.
 */
import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoCatalog } from '../../src/demo/index.js';
import { readHitCatalog, readNewProducts } from '../../src/catalog/read-catalog.js';
import type { RunSummary } from '../../src/core/run-summary.js';
import { runCli } from '../helpers/capture.js';

let tmp: string;
let ws: string;
let demo: Awaited<ReturnType<typeof buildDemoCatalog>>;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'hitline-e2e-'));
  ws = path.join(tmp, 'ws');
  demo = await buildDemoCatalog(path.join(tmp, 'catalog'), { hits: 40, newProducts: 4, seed: 7 });
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('hitline CLI, offline', () => {
  it('ingests the catalog, and a second ingest embeds nothing', async () => {
    const first = await runCli(['ingest', '--catalog', demo.catalogCsv, '--images', demo.imagesDir, '--workspace', ws, '--json']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const report = JSON.parse(first.stdout);
    expect(report.added).toBe(demo.hitCount);
    expect(report.embedded).toBe(demo.hitCount);
    expect(report.storeCount).toBe(demo.hitCount);

    const second = JSON.parse((await runCli(['ingest', '--catalog', demo.catalogCsv, '--images', demo.imagesDir, '--workspace', ws, '--json'])).stdout);
    expect(second).toMatchObject({ added: 0, updated: 0, unchanged: demo.hitCount, embedded: 0, storeCount: demo.hitCount });
  });

  it('matches each new product to hits of its own category with per-leg ranks and fused scores', async () => {
    const { code, stdout } = await runCli(['match', '--new', demo.newCsv, '--images', demo.newImagesDir, '--workspace', ws, '--json', '--top', '3']);
    expect(code).toBe(0);
    const { matches } = JSON.parse(stdout);
    const newRows = (await readNewProducts(demo.newCsv, demo.newImagesDir)).rows.map((r) => r.value);
    expect(matches).toHaveLength(newRows.length);
    const hits = (await readHitCatalog(demo.catalogCsv, demo.imagesDir)).rows.map((r) => r.value);
    const categoryOf = new Map(hits.map((h) => [h.productId, h.category]));
    const salesOf = new Map(hits.map((h) => [h.productId, h.salesCount]));
    for (const m of matches) {
      const newCategory = newRows.find((r) => r.newId === m.newId)!.category;
      expect(m.hits.length).toBe(3);
      for (const [i, h] of m.hits.entries()) {
        expect(h.rank).toBe(i + 1);
        expect(categoryOf.get(h.productId)).toBe(newCategory);
        expect(salesOf.get(h.productId)).toBeGreaterThan(1500);
        // Fused score is exactly Σ weight/(60 + rank) over the legs that ranked the hit, with the weights the query shows.
        const legs: Array<{ leg: string; weight: number }> = m.query.legs;
        expect(Object.keys(h.ranks).sort()).toEqual(legs.map((l) => l.leg).sort());
        expect(h.ranks.dense ?? null).toBe(h.denseRank);
        const expected = legs.reduce((sum, l) => sum + (h.ranks[l.leg] ? l.weight / (60 + h.ranks[l.leg]) : 0), 0);
        expect(h.score).toBeCloseTo(expected, 12);
      }
      expect(m.hits[0].score).toBeGreaterThanOrEqual(m.hits[2].score);
    }
    // The human output shows what the query became and which leg brought each hit; the flags change the fusion.
    const human = await runCli(['match', '--new', demo.newCsv, '--images', demo.newImagesDir, '--workspace', ws, '--top', '2', '--fusion', 'rrf']);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('rrf: dense 1, keyword 1; 100 per leg, k 60; keyword weight 1.00');
    expect(human.stdout).toMatch(/ {2}1\. \S+ +fused 0\.\d{4} .+ \(dense (#\d+|–), keyword (#\d+|–)\)/);
    const refused = await runCli(['match', '--new', demo.newCsv, '--images', demo.newImagesDir, '--workspace', ws, '--weight', 'colour=1']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--weight must be LEG=VALUE with LEG one of dense, keyword, text, neighbours, style, season, color, got "colour=1"');
  });

  it('runs the pipeline: exact-size images, summary.json, report.html and a contact sheet', async () => {
    const { code, stdout } = await runCli([
      'run', '--new', demo.newCsv, '--images', demo.newImagesDir, '--workspace', ws, '--aspect', '4:5', '--size', '0.5K', '--variants', '2', '--json',
    ]);
    expect(code).toBe(0);
    const summary = JSON.parse(stdout) as RunSummary;
    const runDir = path.join(ws, 'runs', summary.runId);
    expect(summary.totals.failed).toBe(0);
    expect(summary.totals.images).toBe(summary.products.length * 2);
    for (const p of summary.products) {
      expect(p.brief?.prompt.length).toBeGreaterThan(0);
      expect(p.hits.length).toBeGreaterThan(0);
      for (const o of p.outputs) {
        const meta = await sharp(path.join(runDir, o.file)).metadata();
        expect([meta.width, meta.height]).toEqual([464, 576]);
        expect([o.width, o.height]).toEqual([464, 576]);
      }
    }
    const onDisk = JSON.parse(await readFile(path.join(runDir, 'summary.json'), 'utf8'));
    expect(onDisk.runId).toBe(summary.runId);
    const html = await readFile(path.join(runDir, 'report.html'), 'utf8');
    for (const p of summary.products) expect(html).toContain(p.newId);
    expect(html).toContain('data:image/jpeg;base64,');
    expect(html).not.toMatch(/src="(?!data:)/); // self-contained: no external image sources
    const sheet = await sharp(path.join(runDir, 'contact-sheet.png')).metadata();
    expect(sheet.width).toBeGreaterThan(1000);
    expect((await stat(path.join(runDir, 'contact-sheet.png'))).size).toBeGreaterThan(10_000);
  });

  it('a second identical run reads every image from the stage cache', async () => {
    const { stdout } = await runCli(['run', '--new', demo.newCsv, '--images', demo.newImagesDir, '--workspace', ws, '--aspect', '4:5', '--size', '0.5K', '--variants', '2', '--json']);
    const summary = JSON.parse(stdout) as RunSummary;
    const outputs = summary.products.flatMap((p) => p.outputs);
    expect(outputs.length).toBeGreaterThan(0);
    expect(outputs.every((o) => o.cached)).toBe(true);
  });

  it('a bad row is reported with file, row and column while the other products still go through', async () => {
    const csv = path.join(tmp, 'new-with-bad-rows.csv');
    const original = await readFile(demo.newCsv, 'utf8');
    await writeFile(csv, original.endsWith('\n') ? original : `${original}\r\n`);
    await appendFile(csv, `BAD1,missing.jpg,tshirt,casual,summer,a hint\r\n`);
    const hostile = `"x' OR 1=1 --"`;
    const firstImage = original.split(/\r?\n/)[1].split(',')[1];
    await appendFile(csv, `BAD2,${firstImage},${hostile},casual,summer,hint\r\n`);
    const { code, stdout } = await runCli(['run', '--new', csv, '--images', demo.newImagesDir, '--workspace', ws, '--size', '0.5K', '--json']);
    expect(code).toBe(1);
    const summary = JSON.parse(stdout) as RunSummary;
    expect(summary.totals.done).toBe(demo.newCount);
    const missing = summary.inputProblems.find((q) => q.row === demo.newCount + 1);
    expect(missing).toMatchObject({ file: csv, column: 'image_path' });
    // The hostile category matches literally: no hits, and the product says why instead of widening the search.
    const bad2 = summary.products.find((p) => p.newId === 'BAD2')!;
    expect(bad2.status).toBe('failed');
    expect(bad2.hits).toEqual([]);
    expect(bad2.error).toContain("x' OR 1=1 --");
  });

  it('explains user mistakes without a stack trace', async () => {
    const { code, stderr } = await runCli(['run', '--new', demo.newCsv, '--images', demo.newImagesDir, '--workspace', ws, '--aspect', '5:3']);
    expect(code).toBe(2);
    expect(stderr).toContain('--aspect must be one of');
    expect(stderr).not.toMatch(/\n\s+at /);
    const empty = await runCli(['match', '--new', demo.newCsv, '--images', demo.newImagesDir, '--workspace', path.join(tmp, 'empty-ws')]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('hitline ingest');
  });
});
