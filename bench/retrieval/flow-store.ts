/**
 * The real flow through the real code: each fold's catalog in its own LanceDB store (src/adapters/lancedb),
 * each new product matched by `matchProduct` (src/pipeline/match.ts) with the settings under test. The new
 * products' image vectors come from the benchmark's vector cache through an EmbeddingCache (keyed by a hash
 * of the product id), so matching embeds nothing. Stores are kept in bench/out/ between runs.
 */
import { FolderStorage } from '../../src/adapters/storage/index.js';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { openLanceDbStore } from '../../src/adapters/lancedb/index.js';
import type { LoadedImage } from '../../src/core/product.js';
import type { Embedder } from '../../src/ports/embedder.js';
import { EmbeddingCache } from '../../src/pipeline/embedding-cache.js';
import { matchProduct, type MatchSettings, type ProductMatch } from '../../src/pipeline/match.js';
import type { FashionItem } from './fashion-set.js';
import { FOLDS, catalogRow, foldOf, newProduct, type Flow, type Granularity } from './flow-set.js';

export interface StoreRun {
  /** Per item index: the fused hit ids (at most `top`). */
  rankings: string[][];
  /** The full match of each query, for the examples in the report. */
  matches: ProductMatch[];
  /** Mean time of one matchProduct call, ms (wall; the store answers in this process). */
  msPerMatch: number;
}

const contentHash = (id: string) => createHash('sha256').update(`fashion-1204:${id}`).digest('hex');

/** Fills (once) the store of every fold for a granularity; returns their folders. */
export async function foldStores(root: string, items: readonly FashionItem[], vectors: readonly Float32Array[], embedderId: string, granularity: Granularity): Promise<string[]> {
  const dirs: string[] = [];
  for (let f = 0; f < FOLDS; f++) {
    const dir = path.join(root, `${granularity}-fold${f}`);
    const store = openLanceDbStore({ dir });
    try {
      const recorded = await store.recordedEmbedder().catch(() => null);
      if (recorded && recorded.embedderId !== embedderId) {
        await store.close();
        fs.rmSync(dir, { recursive: true, force: true });
      }
      await store.open({ embedderId, dimension: vectors[0].length });
      const rows = items.flatMap((item, i) => (foldOf(i) === f ? [] : [catalogRow(item, vectors[i], granularity)]));
      if ((await store.count()) !== rows.length) {
        await store.upsert(rows);
        await store.optimize();
      }
    } finally {
      await store.close();
    }
    dirs.push(dir);
  }
  return dirs;
}

export async function matchThroughStore(
  dirs: readonly string[],
  cacheDir: string,
  items: readonly FashionItem[],
  vectors: readonly Float32Array[],
  embedderId: string,
  flow: Flow,
  settings: MatchSettings,
  queries: readonly number[],
): Promise<StoreRun> {
  const dimension = vectors[0].length;
  const cache = new EmbeddingCache(new FolderStorage(cacheDir), embedderId, dimension);
  for (const q of queries) if (!(await cache.get(contentHash(items[q].id)))) await cache.put(contentHash(items[q].id), vectors[q]);
  const embedder: Embedder = {
    id: embedderId, provider: 'local', model: 'bench-cache', paid: false, dimension, supportsText: false,
    embedImages: () => Promise.reject(new Error('the benchmark reads every query vector from the cache')),
  };
  const rankings: string[][] = items.map(() => []);
  const matches: ProductMatch[] = [];
  let ms = 0;
  for (let f = 0; f < FOLDS; f++) {
    const store = openLanceDbStore({ dir: dirs[f] });
    await store.open({ embedderId, dimension });
    try {
      for (const q of queries.filter((i) => foldOf(i) === f)) {
        const image: LoadedImage = { absPath: items[q].imagePath, bytes: Buffer.alloc(0), contentHash: contentHash(items[q].id), width: 0, height: 0, format: 'jpeg' };
        const t0 = performance.now();
        const match = await matchProduct({ store, embedder, cache, settings }, newProduct(items[q], flow), image);
        ms += performance.now() - t0;
        rankings[q] = match.hits.map((h) => h.productId);
        matches[q] = match;
      }
    } finally {
      await store.close();
    }
  }
  return { rankings, matches, msPerMatch: ms / Math.max(1, queries.length) };
}
