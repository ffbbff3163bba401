/**
 * `hitline demo`'s sample catalog: draws hit promo photos and new-product flat lays with sharp from SVG and
 * writes both CSVs in the tutorial's format. No downloads, no network; the same seed gives the same files.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pMap from 'p-map';
import sharp from 'sharp';
import { HIT_COLUMNS, NEW_PRODUCT_COLUMNS } from '../catalog/read-catalog.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { flatLaySvg } from './art/flat-lay-image.js';
import { hitImageSvg } from './art/hit-image.js';
import { planDemoCatalog, type DemoPlan } from './catalog-plan.js';
import { toCsv } from './csv-writer.js';

export interface DemoCatalogOptions {
  /** Number of hits (default 40, at least 20 so every category has 3 best sellers and one slow seller). */
  hits?: number;
  /** Number of new products (default 4; they cycle through the categories). */
  newProducts?: number;
  /** Seed of the drawing; the same seed gives byte-identical files (default 1). */
  seed?: number;
}

export interface DemoCatalog {
  /** dir/products.csv */
  catalogCsv: string;
  /** dir/images (SKU001.jpg ...) */
  imagesDir: string;
  /** dir/new_products.csv */
  newCsv: string;
  /** dir/new_products (NEW001.jpg ...) */
  newImagesDir: string;
  hitCount: number;
  newCount: number;
}

export const DEMO_DEFAULTS = { hits: 40, newProducts: 4, seed: 1 } as const;

const JPEG_QUALITY = 85;
/** Images rendered at once; libvips threads inside each render use the rest of the machine. */
const RENDER_CONCURRENCY = 2;

export async function buildDemoCatalog(dir: string, options: DemoCatalogOptions = {}): Promise<DemoCatalog> {
  const plan = planDemoCatalog({ ...DEMO_DEFAULTS, ...withoutUndefined(options) });
  const out: DemoCatalog = {
    catalogCsv: path.join(dir, 'products.csv'),
    imagesDir: path.join(dir, 'images'),
    newCsv: path.join(dir, 'new_products.csv'),
    newImagesDir: path.join(dir, 'new_products'),
    hitCount: plan.hits.length,
    newCount: plan.newProducts.length,
  };
  await mkdir(out.imagesDir, { recursive: true });
  await mkdir(out.newImagesDir, { recursive: true });

  const jobs = [
    ...plan.hits.map((hit) => () => renderJpeg(hitImageSvg(hit), path.join(out.imagesDir, hit.imageFile))),
    ...plan.newProducts.map((item) => () => renderJpeg(flatLaySvg(item), path.join(out.newImagesDir, item.imageFile))),
  ];
  await pMap(jobs, (job) => job(), { concurrency: RENDER_CONCURRENCY });

  // CSVs last, so a CSV never names an image that is not on disk yet.
  const csvs = demoCsvs(plan);
  await writeFileAtomic(out.catalogCsv, csvs.products);
  await writeFileAtomic(out.newCsv, csvs.newProducts);
  return out;
}

/** The text of products.csv and new_products.csv for a plan. */
export function demoCsvs(plan: DemoPlan): { products: string; newProducts: string } {
  const products = toCsv(
    HIT_COLUMNS,
    plan.hits.map((h) => [
      h.productId,
      h.imageFile,
      h.look.category,
      h.look.color.name,
      h.style,
      h.season,
      h.salesCount,
      h.description,
      h.price.toFixed(2),
    ]),
  );
  const newProducts = toCsv(
    NEW_PRODUCT_COLUMNS,
    plan.newProducts.map((n) => [n.newId, n.imageFile, n.look.category, n.style, n.season, n.promptHint]),
  );
  return { products, newProducts };
}

async function renderJpeg(svg: string, file: string): Promise<void> {
  const jpeg = await sharp(Buffer.from(svg)).jpeg({ quality: JPEG_QUALITY }).toBuffer();
  await writeFile(file, jpeg);
}

function withoutUndefined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
}
