/**
 * Reading a tenant's catalog: list (with filters, in pages), get, delete, text search, and match of one new
 * product photo (the same hybrid search `hitline match` runs). Filters are the typed Filter model, never
 * text; records leave without server paths (an image is fetched by product id).
 */
import type { Filter } from '../../core/filter.js';
import { matchesFilter } from '../../core/filter.js';
import type { NewProduct } from '../../core/product.js';
import { ImageProblemError, loadImage } from '../../catalog/load-image.js';
import { UserInputError } from '../../core/errors.js';
import type { ProductRecord } from '../../ports/vector-store.js';
import { matchProduct, queryJson, type MatchSettings } from '../../pipeline/match.js';
import { searchCatalogText } from '../../pipeline/text-search.js';
import { EmptyCatalogError, notFound } from '../errors.js';
import type { QueryAdapters, TenantContext } from '../tenants/tenant-contexts.js';
import type { CatalogImports } from './catalog-imports.js';

/** A catalog product as a client sees it: no server path, hash or index text. */
export type CatalogProduct = Omit<ProductRecord, 'imagePath' | 'imageHash' | 'keywords'>;

export interface ListQuery {
  category?: string;
  minSales?: number;
  offset: number;
  limit: number;
}

export function publicProduct(r: ProductRecord): CatalogProduct {
  return {
    id: r.id, category: r.category, color: r.color, style: r.style, season: r.season, salesCount: r.salesCount,
    price: r.price, description: r.description, attributes: r.attributes,
  };
}

function listFilter(q: Pick<ListQuery, 'category' | 'minSales'>): Filter {
  const filter: Filter = [];
  if (q.category !== undefined) filter.push({ field: 'category', op: 'eq', value: q.category });
  if (q.minSales !== undefined) filter.push({ field: 'salesCount', op: 'gt', value: q.minSales });
  return filter;
}

/** A page of the catalog in store order; `total` counts every product the filter keeps. */
export async function listProducts(tenant: TenantContext, q: ListQuery): Promise<{ total: number; items: CatalogProduct[] }> {
  return orEmpty(tenant, { total: 0, items: [] as CatalogProduct[] }, async ({ store }) => {
    const filter = listFilter(q);
    const total = await store.count(filter);
    const items: CatalogProduct[] = [];
    let seen = 0;
    // The store port has no paged listing; scanning stops as soon as the page is full.
    outer: for await (const batch of store.scan(Math.min(1000, q.offset + q.limit))) {
      for (const row of batch) {
        if (!matchesFilter(row, filter)) continue;
        if (seen++ < q.offset) continue;
        items.push(publicProduct(row));
        if (items.length >= q.limit) break outer;
      }
    }
    return { total, items };
  });
}

export async function getProduct(tenant: TenantContext, id: string): Promise<ProductRecord> {
  const found = await orEmpty(tenant, [], ({ store }) => store.get([id]));
  if (found.length === 0) throw notFound(`product ${id}`);
  return found[0] as ProductRecord;
}

export async function deleteProduct(tenant: TenantContext, imports: CatalogImports, id: string): Promise<void> {
  const deleted = await imports.writes.run(tenant.id, () => orEmpty(tenant, 0, ({ store }) => store.delete([id])));
  if (deleted === 0) throw notFound(`product ${id}`);
}

export async function searchProducts(tenant: TenantContext, text: string, o: { top: number; category?: string; minSales?: number }) {
  const empty = { keywords: '', hybrid: false, mode: 'the catalog is empty', results: [] };
  return orEmpty(tenant, empty, async ({ store, embedder }) => {
    const found = await searchCatalogText(store, embedder, text, { top: o.top, perLeg: Math.max(50, o.top), rrfK: 60, filter: listFilter(o) });
    return { ...found, results: found.results.map(({ product, ...r }) => ({ ...r, product: product ? publicProduct(product) : undefined })) };
  });
}

export interface MatchOneInput {
  /** The uploaded photo. */
  imageFile: string;
  product: Omit<NewProduct, 'newId' | 'imagePath'> & { newId?: string };
  settings: MatchSettings;
}

/** Matches one photo against the tenant's catalog: ranked hits with each leg's rank. */
export async function matchOne(tenant: TenantContext, input: MatchOneInput) {
  let image;
  try {
    image = await loadImage(input.imageFile);
  } catch (e) {
    if (e instanceof ImageProblemError) throw new UserInputError(`the image: ${e.reason}${e.detail ? ` (${e.detail})` : ''}`, { hint: e.hint });
    throw e;
  }
  const loaded = image;
  const product: NewProduct = { ...input.product, newId: input.product.newId ?? `photo-${loaded.contentHash.slice(0, 8)}`, imagePath: 'upload' };
  const match = await tenant.withQueries((q) => matchProduct({ ...q, settings: input.settings }, product, loaded));
  return {
    newId: match.newId, keywords: match.keywords, query: queryJson(match), filter: match.filter, shortfall: match.shortfall,
    hits: match.hits.map((h) => ({
      rank: h.rank, productId: h.productId, score: h.score, denseRank: h.denseRank, keywordRank: h.keywordRank, ranks: h.ranks, product: publicProduct(h.product),
    })),
  };
}

/** `fn` over the tenant's catalog, or `empty` when it has no products yet. */
async function orEmpty<T>(tenant: TenantContext, empty: T, fn: (q: QueryAdapters) => Promise<T>): Promise<T> {
  try {
    return await tenant.withQueries(fn);
  } catch (e) {
    if (e instanceof EmptyCatalogError) return empty;
    throw e;
  }
}
