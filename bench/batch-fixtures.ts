/** The batch bench's inputs: photo-like JPEGs, a hit catalog and new products, and ingest catalogs (the fake OpenRouter is in latency-fake.ts). */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pMap from 'p-map';
import sharp from 'sharp';

export const CATEGORIES = ['midi_dress', 'tshirt', 'handbag', 'sneakers'];

/** A photo-like JPEG: smooth coloured texture, so decoding, resizing and embedding cost what real photos cost. */
export async function photoBytes(width: number, height: number, seed: number): Promise<Buffer> {
  const tint = { r: 60 + ((seed * 67) % 180), g: 60 + ((seed * 131) % 180), b: 60 + ((seed * 29) % 180) };
  const noise = await sharp({ create: { width: Math.ceil(width / 8), height: Math.ceil(height / 8), channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 60 } } })
    .png()
    .toBuffer();
  return sharp(noise).resize(width, height, { kernel: 'cubic' }).tint(tint).jpeg({ quality: 85 }).toBuffer();
}

export async function photo(file: string, width: number, height: number, seed: number): Promise<void> {
  await writeFile(file, await photoBytes(width, height, seed));
}

export interface Catalog {
  catalogCsv: string;
  imagesDir: string;
  newCsv: string;
  newImagesDir: string;
}

export async function batchCatalog(dir: string, products: number): Promise<Catalog> {
  const c: Catalog = { catalogCsv: path.join(dir, 'products.csv'), imagesDir: path.join(dir, 'images'), newCsv: path.join(dir, 'new.csv'), newImagesDir: path.join(dir, 'new') };
  await mkdir(c.imagesDir, { recursive: true });
  await mkdir(c.newImagesDir, { recursive: true });
  const hits = ['product_id,image_path,category,color,style,season,sales_count,description,price'];
  const hitJobs: number[] = Array.from({ length: 10 * CATEGORIES.length }, (_, i) => i);
  await pMap(hitJobs, (i) => photo(path.join(c.imagesDir, `H${i}.jpg`), 800, 1000, i), { concurrency: 2 });
  for (const i of hitJobs) hits.push(`H${i},H${i}.jpg,${CATEGORIES[i % CATEGORIES.length]},red,casual,summer,${2000 + i * 37},best seller ${i} on a city street,49.9`);
  const rows = ['new_id,image_path,category,style,season,prompt_hint'];
  const jobs = Array.from({ length: products }, (_, i) => i);
  await pMap(jobs, (i) => photo(path.join(c.newImagesDir, `N${i}.jpg`), 1200, 1600, 1000 + i), { concurrency: 2 });
  for (const i of jobs) rows.push(`N${i},N${i}.jpg,${CATEGORIES[i % CATEGORIES.length]},casual,summer,new product ${i} with a relaxed fit`);
  await writeFile(c.catalogCsv, hits.join('\n') + '\n');
  await writeFile(c.newCsv, rows.join('\n') + '\n');
  return c;
}

/** Draws `distinct` photos and writes a products.csv of `rows` rows cycling through them. */
export async function ingestCatalogFiles(dir: string, rows: number, distinct: number): Promise<string> {
  await mkdir(dir, { recursive: true });
  const lines = ['product_id,image_path,category,color,style,season,sales_count,description,price'];
  for (let i = 0; i < rows; i++) {
    lines.push(`P${i},I${i % distinct}.jpg,${CATEGORIES[i % CATEGORIES.length]},blue,casual,winter,${i % 5000},catalog row ${i},19.9`);
  }
  const csv = path.join(dir, `products-${rows}.csv`);
  await writeFile(csv, lines.join('\n') + '\n');
  return csv;
}
