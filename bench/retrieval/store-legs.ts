/**
 * The same legs as legs.ts, but answered by the real LanceDB store (src/adapters/lancedb): the photo set is
 * ingested with category = gender (so the gender filter is the store's own filter), keywords =
 * keywordText(productDisplayName), and the query product is excluded with an `id neq` filter on every leg.
 * Below 5,000 rows the store searches exactly (no ANN index), like the in-memory scorer.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Filter } from '../../src/core/filter.js';
import { keywordText } from '../../src/search/tokenize.js';
import { openLanceDbStore } from '../../src/adapters/lancedb/index.js';
import type { StoredProduct } from '../../src/ports/vector-store.js';
import type { FashionItem } from './fashion-set.js';
import type { FusionSettings, Ranking } from './legs.js';

export interface StoreRankings {
  dense: Ranking;
  keyword: Ranking;
  hybrid: Ranking;
  msPerHybridQuery: number;
}

export async function rankThroughStore(
  dir: string,
  embedder: { embedderId: string; dimension: number },
  items: readonly FashionItem[],
  vectors: readonly Float32Array[],
  options: { perLeg: number; fusion: FusionSettings; genderFilter: boolean },
): Promise<StoreRankings> {
  const index = new Map(items.map((item, i) => [item.id, i]));
  const store = openLanceDbStore({ dir });
  try {
    const recorded = await store.recordedEmbedder();
    if (recorded && recorded.embedderId !== embedder.embedderId) {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
    await store.open(embedder);
    if ((await store.count()) !== items.length) {
      await store.upsert(items.map((item, i) => toRow(item, vectors[i])));
      await store.optimize();
    }
    const dense: Ranking = [];
    const keyword: Ranking = [];
    const hybrid: Ranking = [];
    let hybridMs = 0;
    for (const [q, item] of items.entries()) {
      const filter: Filter = [{ field: 'id', op: 'neq', value: item.id }];
      if (options.genderFilter) filter.push({ field: 'category', op: 'eq', value: item.gender });
      const t0 = performance.now();
      const result = await store.hybridSearch({
        vector: vectors[q],
        keywords: keywordText(item.productDisplayName),
        filter,
        perLeg: options.perLeg,
        top: 10,
        rrfK: options.fusion.k,
        weights: { dense: options.fusion.denseWeight, keyword: options.fusion.keywordWeight },
      });
      hybridMs += performance.now() - t0;
      const toIndex = (id: string) => index.get(id)!;
      dense.push(result.dense.map((h) => toIndex(h.id)));
      keyword.push(result.keyword.map((h) => toIndex(h.id)));
      hybrid.push(result.hits.map((h) => toIndex(h.product.id)));
    }
    return { dense, keyword, hybrid, msPerHybridQuery: hybridMs / items.length };
  } finally {
    await store.close();
  }
}

/** A photo of the set as a stored product: category = gender, keywords from the name. */
export function toRow(item: FashionItem, vector: Float32Array): StoredProduct {
  return {
    id: item.id,
    category: item.gender,
    color: item.baseColour,
    style: item.usage,
    season: item.season,
    salesCount: 0,
    price: null,
    description: item.productDisplayName,
    imagePath: item.imagePath,
    imageHash: '',
    attributes: {},
    keywords: keywordText(item.productDisplayName),
    vector,
  };
}

export function storeDir(root: string, embedderId: string): string {
  return path.join(root, `lancedb-${embedderId.replace(/[^A-Za-z0-9._-]+/g, '_')}`);
}
