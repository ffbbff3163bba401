import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp, { type Region } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/catalog/csv.js';
import { readHitCatalog, readNewProducts } from '../../src/catalog/read-catalog.js';
import { buildDemoCatalog, type DemoCatalog } from '../../src/demo/index.js';
import { UserInputError } from '../../src/core/errors.js';

const HIT_HEADER = 'product_id,image_path,category,color,style,season,sales_count,description,price';
const NEW_HEADER = 'new_id,image_path,category,style,season,prompt_hint';

let tmp: string;
let demo: DemoCatalog;

async function table(file: string): Promise<Record<string, string>[]> {
  const [header, ...rows] = parseCsv(await readFile(file, 'utf8'), file).map((r) => r.fields);
  return rows.map((fields) => Object.fromEntries(header.map((h, i) => [h, fields[i]])));
}

/** Mean and spread of the pixels in a band along the image's edges (per channel, worst channel). */
async function borderStats(file: string, band = 10): Promise<{ sd: number; maxDev: number }> {
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const channels: number[][] = [[], [], []];
  for (let y = 0; y < info.height; y++) {
    for (let x = 0; x < info.width; x++) {
      if (x >= band && x < info.width - band && y >= band && y < info.height - band) continue;
      const i = (y * info.width + x) * info.channels;
      for (let c = 0; c < 3; c++) channels[c].push(data[i + c]);
    }
  }
  let sd = 0;
  let maxDev = 0;
  for (const values of channels) {
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    sd = Math.max(sd, Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length));
    maxDev = Math.max(maxDev, ...values.map((v) => Math.abs(v - mean)));
  }
  return { sd, maxDev };
}

async function meanColor(file: string, region: Region): Promise<number[]> {
  const { data, info } = await sharp(file).extract(region).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const sums = [0, 0, 0];
  for (let i = 0; i < data.length; i += info.channels) for (let c = 0; c < 3; c++) sums[c] += data[i + c];
  return sums.map((s) => s / (info.width * info.height));
}

async function fileHashes(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    out[path.relative(dir, full)] = createHash('sha256').update(await readFile(full)).digest('hex');
  }
  return out;
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'hitline-demo-test-'));
  demo = await buildDemoCatalog(path.join(tmp, 'default'));
}, 120_000);

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('buildDemoCatalog (defaults)', () => {
  it('writes the files where it says, with the tutorial layout', () => {
    const dir = path.join(tmp, 'default');
    expect(demo).toEqual({
      catalogCsv: path.join(dir, 'products.csv'),
      imagesDir: path.join(dir, 'images'),
      newCsv: path.join(dir, 'new_products.csv'),
      newImagesDir: path.join(dir, 'new_products'),
      hitCount: 40,
      newCount: 4,
    });
  });

  it('writes both CSVs with exactly the tutorial header', async () => {
    expect((await readFile(demo.catalogCsv, 'utf8')).split('\n')[0]).toBe(HIT_HEADER);
    expect((await readFile(demo.newCsv, 'utf8')).split('\n')[0]).toBe(NEW_HEADER);
  });

  it('has 40 hits SKU001..SKU040 and 4 new products NEW001..NEW004, image_path a bare file name', async () => {
    const hits = await table(demo.catalogCsv);
    const news = await table(demo.newCsv);
    expect(hits.map((h) => h.product_id)).toEqual(Array.from({ length: 40 }, (_, i) => `SKU${String(i + 1).padStart(3, '0')}`));
    expect(news.map((n) => n.new_id)).toEqual(['NEW001', 'NEW002', 'NEW003', 'NEW004']);
    for (const h of hits) expect(h.image_path).toBe(`${h.product_id}.jpg`);
    for (const n of news) expect(n.image_path).toBe(`${n.new_id}.jpg`);
  });

  it('fills every column with plausible values', async () => {
    for (const h of await table(demo.catalogCsv)) {
      expect(h.category).toMatch(/^[a-z_]+$/);
      for (const column of ['color', 'style', 'season', 'description']) expect(h[column], column).not.toBe('');
      expect(Number(h.sales_count)).toBeGreaterThanOrEqual(300);
      expect(Number(h.sales_count)).toBeLessThanOrEqual(9000);
      expect(h.price).toMatch(/^\d+\.\d\d$/);
      expect(Number(h.price)).toBeGreaterThan(5);
      expect(Number(h.price)).toBeLessThan(300);
    }
    for (const n of await table(demo.newCsv)) {
      for (const column of ['category', 'style', 'season', 'prompt_hint']) expect(n[column], column).not.toBe('');
    }
  });

  it('covers 4+ categories, new products 3+, and gives each new product 3+ hits selling over 1500', async () => {
    const hits = await table(demo.catalogCsv);
    const news = await table(demo.newCsv);
    expect(new Set(hits.map((h) => h.category)).size).toBeGreaterThanOrEqual(4);
    expect(new Set(news.map((n) => n.category)).size).toBeGreaterThanOrEqual(3);
    for (const n of news) {
      const qualifying = hits.filter((h) => h.category === n.category && Number(h.sales_count) > 1500);
      expect(qualifying.length, n.new_id).toBeGreaterThanOrEqual(3);
    }
    const slow = hits.filter((h) => Number(h.sales_count) <= 1500).length;
    expect(slow).toBeGreaterThan(0); // so the sales filter visibly drops something
    expect(slow).toBeLessThan(hits.length / 2);
  });

  it('carries Chinese text in a description and in a prompt_hint', async () => {
    const han = /\p{Script=Han}/u;
    expect((await table(demo.catalogCsv)).some((h) => han.test(h.description))).toBe(true);
    expect((await table(demo.newCsv)).some((n) => han.test(n.prompt_hint))).toBe(true);
  });

  it('is accepted by the catalog reader with no row problems', async () => {
    const hits = await readHitCatalog(demo.catalogCsv, demo.imagesDir);
    const news = await readNewProducts(demo.newCsv, demo.newImagesDir);
    expect(hits.problems).toEqual([]);
    expect(news.problems).toEqual([]);
    expect(hits.rows).toHaveLength(40);
    expect(news.rows).toHaveLength(4);
  });

  it('draws every image as a JPEG of the expected size: hits 768×1024, flat lays 800×800', async () => {
    for (const h of await table(demo.catalogCsv)) {
      const meta = await sharp(path.join(demo.imagesDir, h.image_path)).metadata();
      expect([meta.format, meta.width, meta.height], h.image_path).toEqual(['jpeg', 768, 1024]);
    }
    for (const n of await table(demo.newCsv)) {
      const meta = await sharp(path.join(demo.newImagesDir, n.image_path)).metadata();
      expect([meta.format, meta.width, meta.height], n.image_path).toEqual(['jpeg', 800, 800]);
    }
  });

  it('shoots new products on a plain background (uniform border) with the product in the middle', async () => {
    for (const n of await table(demo.newCsv)) {
      const file = path.join(demo.newImagesDir, n.image_path);
      const border = await borderStats(file);
      expect(border.sd, n.image_path).toBeLessThan(1.5);
      expect(border.maxDev, n.image_path).toBeLessThan(8);
      // The middle of the frame is product, not background.
      const middle = await meanColor(file, { left: 300, top: 300, width: 200, height: 200 });
      const corner = await meanColor(file, { left: 0, top: 0, width: 40, height: 40 });
      const distance = middle.reduce((sum, v, i) => sum + Math.abs(v - corner[i]), 0);
      expect(distance, n.image_path).toBeGreaterThan(30);
    }
  });

  it('puts hits in scenes: no hit has a plain border', async () => {
    for (const h of await table(demo.catalogCsv)) {
      const border = await borderStats(path.join(demo.imagesDir, h.image_path));
      expect(border.sd, h.image_path).toBeGreaterThan(5);
    }
  });
});

describe('buildDemoCatalog (options)', () => {
  it('draws byte-identical files for the same seed, and different ones for another seed', async () => {
    const options = { hits: 20, newProducts: 2, seed: 7 };
    const a = await buildDemoCatalog(path.join(tmp, 'a'), options);
    const b = await buildDemoCatalog(path.join(tmp, 'b'), options);
    expect([a.hitCount, a.newCount, b.hitCount, b.newCount]).toEqual([20, 2, 20, 2]);
    const hashesA = await fileHashes(path.join(tmp, 'a'));
    expect(Object.keys(hashesA)).toHaveLength(20 + 2 + 2);
    expect(await fileHashes(path.join(tmp, 'b'))).toEqual(hashesA);

    const c = await buildDemoCatalog(path.join(tmp, 'c'), { ...options, seed: 8 });
    expect(await readFile(c.catalogCsv, 'utf8')).not.toBe(await readFile(a.catalogCsv, 'utf8'));
    expect((await fileHashes(path.join(tmp, 'c')))['images/SKU001.jpg']).not.toBe(hashesA['images/SKU001.jpg']);
  }, 120_000);

  it('refuses a catalog too small to give every category three best sellers, before writing anything', async () => {
    const dir = path.join(tmp, 'too-small');
    await expect(buildDemoCatalog(dir, { hits: 5 })).rejects.toThrow(UserInputError);
    expect(existsSync(dir)).toBe(false);
  });
});
