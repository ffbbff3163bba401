import { mkdtemp, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { PRODUCTS_PER_SHEET, writeContactSheet } from '../../src/report/contact-sheet.js';
import type { ProductSummary, RunSummary } from '../../src/core/run-summary.js';

const noCost = { usd: 0, calls: 0, callsWithoutCost: 0, perImage: null };

async function summaryWith(n: number, dir: string): Promise<RunSummary> {
  const photo = path.join(dir, 'photo.png');
  await sharp({ create: { width: 300, height: 400, channels: 3, background: '#cc3344' } }).png().toFile(photo);
  const products: ProductSummary[] = Array.from({ length: n }, (_, i) => ({
    newId: `N${i}`, status: 'done', product: { newId: `N${i}`, imagePath: 'p.png', category: 'dress', style: 's', season: 'x', promptHint: '', attributes: {} },
    imagePath: photo, hits: [{ rank: 1, productId: `H${i}`, score: 0.03, denseRank: 1, keywordRank: null, category: 'dress', salesCount: 2000, description: '', imagePath: photo }],
    outputs: [{ file: 'photo.png', variant: 1, width: 300, height: 400, cached: false, warnings: [] }], timings: {}, warnings: [], cost: noCost,
  }));
  return {
    runId: 'r1', startedAt: '', finishedAt: '', products, inputProblems: [],
    settings: { aspectRatio: '3:4', sizeTier: '1K', variants: 1, top: 3, perLeg: 20, rrfK: 60, minSales: 1500 },
    adapters: { embedder: 'e', store: 's', analyzer: 'a', generator: 'g' },
    totals: { products: n, done: n, failed: 0, pending: 0, images: n, seconds: 1, cost: noCost },
  };
}

describe('contact sheet', () => {
  it('shows each product as a row: its photo, its hits and its outputs', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'hitline-sheet-'));
    const [file] = await writeContactSheet(dir, await summaryWith(2, dir));
    const meta = await sharp(file).metadata();
    expect(meta.width).toBeGreaterThan(3 * 220);
    expect(meta.height).toBeGreaterThan(2 * 220);
    // The product photo's red appears in the first cell of the first row.
    const { data, info } = await sharp(file).extract({ left: 16 + 110, top: 48 + 110, width: 1, height: 1 }).raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBeGreaterThanOrEqual(3);
    expect([data[0], data[1], data[2]]).toEqual([0xcc, 0x33, 0x44]);
  });

  it('splits a large run into sheets of bounded height', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'hitline-sheet-'));
    const n = PRODUCTS_PER_SHEET * 2 + 5;
    const files = await writeContactSheet(dir, await summaryWith(n, dir));
    expect(files.map((f) => path.basename(f))).toEqual(['contact-sheet.png', 'contact-sheet-2.png', 'contact-sheet-3.png']);
    expect((await readdir(dir)).filter((f) => f.startsWith('contact-sheet')).length).toBe(3);
    const heights = await Promise.all(files.map(async (f) => (await sharp(f).metadata()).height!));
    expect(heights[0]).toBe(heights[1]);
    expect(heights[2]).toBeLessThan(heights[0]);
  });
});
