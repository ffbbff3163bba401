/**
 * The seller's real flow on fashion-1204, as bench/retrieval-flow.ts measures it. Each product is a new
 * product once: the photo set is cut into 6 folds (product i in fold i mod 6); for a query in fold f the
 * hit catalog is the ~1,003 products of the other folds, so every query sees a catalog of the size in
 * issue 12 (1,000 hits, 200 new products) and all 1,204 products serve as queries. Queries are split into
 * a tune half and a report half (alternating within each fold); settings are chosen on the tune half only.
 *
 * A catalog row carries what a seller's products.csv would: category, colour (baseColour), style (usage),
 * season, the product name as description; a new product only what new_products.csv carries: category,
 * style, season and a prompt hint. No name and no description.
 *
 * Granularities (what `category` holds, and so what the store's filter pins):
 * - gender: category = gender; relevant = same articleType (issue 12's measure);
 * - type: category = articleType (like the tutorial's midi_dress); the filter already pins the type, so
 *   relevant = same articleType AND same baseColour: what the hint's colour word says.
 * Query words:
 * - hint: prompt_hint = "<baseColour> <usage> product photo" (issue 12's example);
 * - none: no prompt hint (category, style and season only);
 * - name: prompt_hint = the product's own name (the name-query protocol, in the real flow).
 */
import type { NewProduct } from '../../src/core/product.js';
import type { StoredProduct } from '../../src/ports/vector-store.js';
import { keywordText } from '../../src/search/tokenize.js';
import type { FashionItem } from './fashion-set.js';

export const FOLDS = 6;
export const GRANULARITIES = ['gender', 'type'] as const;
export type Granularity = (typeof GRANULARITIES)[number];
export const QUERY_WORDS = ['hint', 'none', 'name'] as const;
export type QueryWords = (typeof QUERY_WORDS)[number];
/** Every catalog row sold this many; the flow's filter is the default `sales_count > 1500`. */
export const SALES = 2000;

export interface Flow {
  granularity: Granularity;
  words: QueryWords;
}

export const foldOf = (i: number) => i % FOLDS;
/** Alternating within each fold: about half of every fold's queries tune, the other half report. */
export const isTuneQuery = (i: number) => Math.floor(i / FOLDS) % 2 === 0;

export function categoryOf(item: FashionItem, granularity: Granularity): string {
  return granularity === 'gender' ? item.gender : item.articleType;
}

export function isRelevant(granularity: Granularity, query: FashionItem, hit: FashionItem): boolean {
  if (hit.articleType !== query.articleType) return false;
  return granularity === 'gender' || hit.baseColour === query.baseColour;
}

export function relevanceNote(granularity: Granularity): string {
  return granularity === 'gender' ? 'same articleType' : 'same articleType and baseColour';
}

export function catalogRow(item: FashionItem, vector: Float32Array, granularity: Granularity): StoredProduct {
  const category = categoryOf(item, granularity);
  return {
    id: item.id,
    category,
    color: item.baseColour,
    style: item.usage,
    season: item.season,
    salesCount: SALES,
    price: null,
    description: item.productDisplayName,
    imagePath: item.imagePath,
    imageHash: '',
    attributes: {},
    // What ingest indexes (pipeline/ingest.ts): category, colour, style, season, description.
    keywords: keywordText(category, item.baseColour, item.usage, item.season, item.productDisplayName),
    vector,
  };
}

export function newProduct(item: FashionItem, flow: Flow): NewProduct {
  const promptHint = flow.words === 'hint' ? `${item.baseColour} ${item.usage} product photo` : flow.words === 'name' ? item.productDisplayName : '';
  return { newId: item.id, imagePath: item.imagePath, category: categoryOf(item, flow.granularity), style: item.usage, season: item.season, promptHint, attributes: {} };
}

export function flowName(flow: Flow): string {
  const words = { hint: 'with the hint', none: 'without a hint', name: 'with the product name as hint' }[flow.words];
  return `category = ${flow.granularity === 'gender' ? 'gender' : 'article type'}, ${words}`;
}

/** Relevant products in each query's catalog (its filter kept), for mAP@10's min(R, 10). */
export function relevantCounts(items: readonly FashionItem[], granularity: Granularity): number[] {
  return items.map((q, qi) =>
    items.filter((h, hi) => foldOf(hi) !== foldOf(qi) && categoryOf(h, granularity) === categoryOf(q, granularity) && isRelevant(granularity, q, h)).length,
  );
}
