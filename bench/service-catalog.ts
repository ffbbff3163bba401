/**
 * Catalogs for bench/service.ts, written straight into a tenant's LanceDB folder: `distinct` photo-like JPEGs
 * embedded with the offline default embedder, then `rows` products whose vectors are those embeddings with a
 * little seeded noise (so the index holds as many distinct vectors as rows). Embedding 10,000 photos would
 * take over 20 minutes on this machine for a number (query latency) that does not depend on how the vectors
 * were made, only on how many there are and their dimension.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { createLocalEmbedder } from '../src/adapters/local/embedder/index.js';
import { openLanceDbStore } from '../src/adapters/lancedb/index.js';
import type { StoredProduct } from '../src/ports/vector-store.js';
import { keywordText } from '../src/search/tokenize.js';
import { mulberry32 } from '../src/util/seeded-random.js';
import { CATEGORIES, photoBytes } from './batch-fixtures.js';

export interface BuiltCatalog {
  embedderId: string;
  dimension: number;
  rows: number;
  seconds: number;
}

/** Writes `rows` products into `<tenantDir>/store/lancedb`, their images into `<tenantDir>/catalog-images/`. */
export async function buildVectorCatalog(tenantDir: string, rows: number, distinct: number, seed = 1): Promise<BuiltCatalog> {
  const t0 = performance.now();
  const imagesDir = path.join(tenantDir, 'catalog-images');
  await mkdir(imagesDir, { recursive: true });
  const embedder = createLocalEmbedder();
  const bases: Float32Array[] = [];
  const files: string[] = [];
  for (let i = 0; i < distinct; i += 16) {
    const batch = await Promise.all(Array.from({ length: Math.min(16, distinct - i) }, (_, k) => photoBytes(480, 600, seed * 10_000 + i + k)));
    for (const [k, bytes] of batch.entries()) {
      const file = path.join(imagesDir, `I${i + k}.jpg`);
      await sharp(bytes).toFile(file);
      files.push(file);
    }
    bases.push(...(await embedder.embedImages(batch)));
  }
  const store = openLanceDbStore({ dir: path.join(tenantDir, 'store', 'lancedb') });
  await store.open({ embedderId: embedder.id, dimension: embedder.dimension });
  const rng = mulberry32(seed);
  for (let start = 0; start < rows; start += 2_000) {
    const chunk: StoredProduct[] = [];
    for (let i = start; i < Math.min(rows, start + 2_000); i++) {
      const base = bases[i % distinct];
      const vector = new Float32Array(base.length);
      let norm = 0;
      for (let d = 0; d < base.length; d++) norm += (vector[d] = base[d] + (rng() - 0.5) * 0.02) ** 2;
      for (let d = 0; d < base.length; d++) vector[d] /= Math.sqrt(norm);
      const category = CATEGORIES[i % CATEGORIES.length];
      const description = `${['red', 'blue', 'green', 'black', 'white'][i % 5]} ${category.replace('_', ' ')} best seller ${i} for ${['summer', 'winter', 'spring'][i % 3]}`;
      chunk.push({
        id: `P${i}`, category, color: 'mixed', style: 'casual', season: 'summer', salesCount: Math.floor(rng() * 10_000), price: 19.9, description,
        imagePath: files[i % distinct], imageHash: `${(i % distinct).toString(16).padStart(64, '0')}`, attributes: {},
        keywords: keywordText(category, description), vector,
      });
    }
    await store.upsert(chunk);
  }
  await store.optimize();
  await store.close();
  await embedder.close();
  return { embedderId: embedder.id, dimension: embedder.dimension, rows, seconds: (performance.now() - t0) / 1000 };
}
