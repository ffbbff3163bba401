/**
 * Thumbnails of report.html and the contact sheets are kept in the workspace cache by content: a re-run
 * with the same pictures makes none again, a picture replaced under the same name is made anew.
 */
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ThumbnailCache, type ThumbnailKind } from '../../src/report/thumbnail-cache.js';
import { writeRunReport } from '../../src/report/report-html.js';
import { writeContactSheet } from '../../src/report/contact-sheet.js';
import type { ProductSummary, RunSummary } from '../../src/core/run-summary.js';

const png = (colour: string) => sharp({ create: { width: 300, height: 400, channels: 3, background: colour } }).png().toBuffer();

/** A kind that counts how often it had to make a thumbnail. */
function countingKind(size: number): ThumbnailKind & { made: number } {
  const kind = {
    id: `test@1 ${size}`, extension: 'png', made: 0,
    make: async (source: Buffer) => {
      kind.made += 1;
      return sharp(source).resize(size, size, { fit: 'inside' }).png().toBuffer();
    },
  };
  return kind;
}

async function meanRed(thumb: Buffer): Promise<number> {
  const { channels } = await sharp(thumb).stats();
  return Math.round(channels[0].mean);
}

describe('thumbnail cache', () => {
  it('reuses a thumbnail on a re-run, and makes it again when the picture changes', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'hitline-thumbs-'));
    const photo = path.join(dir, 'photo.png');
    await writeFile(photo, await png('#cc3344'));
    const kind = countingKind(64);

    const first = await new ThumbnailCache(path.join(dir, 'cache')).thumbnail(photo, kind);
    expect(kind.made).toBe(1);
    // A later run (a new cache object, as a new process would have) reads it back.
    const again = await new ThumbnailCache(path.join(dir, 'cache')).thumbnail(photo, kind);
    expect(kind.made).toBe(1);
    expect(again.equals(first)).toBe(true);

    // Another size is another thumbnail.
    await new ThumbnailCache(path.join(dir, 'cache')).thumbnail(photo, countingKind(32));
    // Same file name, new picture: made again, and it shows the new picture.
    await writeFile(photo, await png('#22aa44'));
    const changed = await new ThumbnailCache(path.join(dir, 'cache')).thumbnail(photo, kind);
    expect(kind.made).toBe(2);
    expect(await meanRed(first)).toBe(0xcc);
    expect(await meanRed(changed)).toBe(0x22);
  });

  it('makes a picture asked for many times at once only once, and still works without a cache folder', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'hitline-thumbs-'));
    const photo = path.join(dir, 'photo.png');
    await writeFile(photo, await png('#3355cc'));
    const kind = countingKind(64);
    const thumbs = await Promise.all(Array.from({ length: 5 }, () => new ThumbnailCache().thumbnail(photo, kind)));
    expect(thumbs).toHaveLength(5);
    const shared = new ThumbnailCache(path.join(dir, 'cache'));
    await Promise.all(Array.from({ length: 5 }, () => shared.thumbnail(photo, kind)));
    expect(kind.made).toBe(6); // 5 without a shared cache, 1 with it
  });

  it('gives the same report and contact sheet on a re-run from cached thumbnails', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'hitline-thumbs-'));
    const photo = path.join(dir, 'photo.png');
    await writeFile(photo, await png('#cc3344'));
    const noCost = { usd: 0, calls: 0, callsWithoutCost: 0, perImage: null };
    const products: ProductSummary[] = [0, 1].map((i) => ({
      newId: `N${i}`, status: 'done', product: { newId: `N${i}`, imagePath: 'p.png', category: 'dress', style: 's', season: 'x', promptHint: '', attributes: {} },
      imagePath: photo, hits: [{ rank: 1, productId: `H${i}`, score: 0.03, denseRank: 1, keywordRank: null, category: 'dress', salesCount: 2000, description: '', imagePath: photo }],
      outputs: [{ file: 'photo.png', variant: 1, width: 300, height: 400, cached: false, warnings: [] }], timings: {}, warnings: [], cost: noCost,
    }));
    const summary: RunSummary = {
      runId: 'r1', startedAt: '', finishedAt: '', products, inputProblems: [],
      settings: { aspectRatio: '3:4', sizeTier: '1K', variants: 1, top: 3, perLeg: 20, rrfK: 60, minSales: 1500 },
      adapters: { embedder: 'e', store: 's', analyzer: 'a', generator: 'g' },
      totals: { products: 2, done: 2, failed: 0, pending: 0, images: 2, seconds: 1, cost: noCost },
    };
    const cacheDir = path.join(dir, 'cache');
    const render = async () => {
      const thumbnails = new ThumbnailCache(cacheDir);
      const html = await (await import('node:fs/promises')).readFile(await writeRunReport(dir, summary, { thumbnails }), 'utf8');
      const [sheet] = await writeContactSheet(dir, summary, { thumbnails });
      return { html, sheet: await sharp(sheet).raw().toBuffer() };
    };
    const first = await render();
    const kept = (await readdir(cacheDir, { recursive: true })).filter((f) => /\.(png|jpg)$/.test(String(f)));
    // One report thumbnail per size (300 new, 240 hit, 360 output) and one sheet cell per label.
    expect(kept.length).toBeGreaterThanOrEqual(3);
    const second = await render();
    expect(second.html).toBe(first.html);
    expect(second.sheet.equals(first.sheet)).toBe(true);
    expect(first.html).toContain('data:image/jpeg;base64,');

    // The re-run really reads the cache folder: swap the kept report thumbnails for a marker picture.
    const marker = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#0000ff' } }).jpeg().toBuffer();
    for (const f of kept.filter((k) => String(k).endsWith('.jpg'))) await writeFile(path.join(cacheDir, String(f)), marker);
    expect((await render()).html).toContain(marker.toString('base64'));
  });
});
