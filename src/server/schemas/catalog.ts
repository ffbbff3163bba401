/** Catalog, uploads, match and search shapes. */
import { z } from '@hono/zod-openapi';
import { DEFAULT_MATCH_SETTINGS } from '../../pipeline/match.js';
import { RowProblem } from './common.js';

export const CatalogProduct = z
  .object({
    id: z.string(),
    category: z.string(),
    color: z.string(),
    style: z.string(),
    season: z.string(),
    salesCount: z.number(),
    price: z.number().nullable(),
    description: z.string(),
    attributes: z.record(z.string(), z.string()),
    imageUrl: z.string().openapi({ example: '/api/catalog/products/H1001/image' }),
  })
  .openapi('CatalogProduct');

export const ProductPage = z.object({ total: z.number().int(), offset: z.number().int(), limit: z.number().int(), items: z.array(CatalogProduct) }).openapi('ProductPage');

export const ListQuery = z.object({
  category: z.string().max(200).optional().openapi({ description: 'Only this category (matched literally).' }),
  minSales: z.coerce.number().nonnegative().optional().openapi({ description: 'Only products sold more than this.' }),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export const SearchQuery = z.object({
  q: z.string().min(1).max(500).openapi({ example: 'red floral midi dress' }),
  top: z.coerce.number().int().min(1).max(200).default(20),
  category: z.string().max(200).optional(),
  minSales: z.coerce.number().nonnegative().optional(),
});

export const RankedHit = z.object({
  rank: z.number().int(),
  productId: z.string(),
  score: z.number().openapi({ description: 'Fused RRF score.' }),
  denseRank: z.number().int().nullable().openapi({ description: "The image (dense) leg's rank, null when that leg did not return it." }),
  keywordRank: z.number().int().nullable().openapi({ description: "The keyword leg's rank, null when that leg did not return it." }),
  product: CatalogProduct.optional(),
});

/** A match's hit: also its rank in every leg that was fused, so which leg brought it is visible. */
export const MatchHit = RankedHit.extend({
  ranks: z.record(z.string(), z.number().int().nullable()).openapi({ description: 'Rank in each fused leg (dense, keyword, text, neighbours, style, season, color), null where that leg did not rank the hit.' }),
});

/** What the query became (pipeline/match.ts queryJson). */
export const MatchQuery = z
  .object({
    keywords: z.string(),
    fusion: z.string().openapi({ description: 'The fusion method and the weight of each leg, per-leg hits and k.' }),
    legs: z.array(z.object({ leg: z.string(), weight: z.number(), hits: z.number().int() })),
    keywordWeight: z.number(),
    informativeness: z.number().nullable().openapi({ description: 'IDF mass of the seller\'s words the "auto" keyword weight was read from; null for a fixed weight.' }),
    expansion: z.array(z.object({ term: z.string(), votes: z.number().int() })).openapi({ description: 'Words the first dense hits share (the neighbours leg).' }),
    focus: z
      .object({ categoryShare: z.number().nullable(), agreement: z.number(), boost: z.number() })
      .openapi({ description: 'How much the category filter pinned the kind of article (share of rows it keeps; share of hits holding one description word) and the weight it raised the colour and keyword legs to (0: none).' }),
  })
  .openapi('MatchQuery');

export const SearchResult = z.object({ query: z.string(), keywords: z.string(), mode: z.string(), results: z.array(RankedHit) }).openapi('SearchResult');

export const MatchFields = z
  .object({
    category: z.string().min(1).max(200),
    style: z.string().max(500).default(''),
    season: z.string().max(200).default(''),
    promptHint: z.string().max(2000).default(''),
    newId: z.string().max(200).optional(),
    top: z.coerce.number().int().min(1).max(100).default(3),
    perLeg: z.coerce.number().int().min(1).max(1000).default(DEFAULT_MATCH_SETTINGS.perLeg),
    rrfK: z.coerce.number().min(0).default(60),
    minSales: z.coerce.number().min(0).default(1500),
  })
  .openapi('MatchFields');

export const MatchResult = z
  .object({ newId: z.string(), keywords: z.string(), query: MatchQuery, shortfall: z.string().optional(), hits: z.array(MatchHit) })
  .openapi('MatchResult');

export const UploadSummary = z
  .object({
    id: z.string().openapi({ example: 'u-20261204-101500-1a2b3c4d' }),
    kind: z.enum(['catalog', 'new-products']),
    createdAt: z.string(),
    csvName: z.string(),
    files: z.number().int(),
    bytes: z.number().int(),
    rows: z.number().int().openapi({ description: 'Rows accepted (the bad ones are in problems).' }),
    ids: z.array(z.string()).openapi({ description: 'The accepted rows\' ids, in order.' }),
    problems: z.array(RowProblem),
  })
  .openapi('Upload');

export const IngestReport = z.object({
  rowsRead: z.number().int(),
  added: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  embedded: z.number().int(),
  reusedVectors: z.number().int(),
  storeCount: z.number().int(),
  seconds: z.number(),
  problems: z.array(RowProblem),
});

export const ImportStatus = z
  .object({
    id: z.string(),
    state: z.enum(['queued', 'running', 'finished', 'failed']),
    createdAt: z.string(),
    startedAt: z.string().optional(),
    finishedAt: z.string().optional(),
    actor: z.string(),
    csvName: z.string(),
    progress: z.object({ done: z.number().int(), total: z.number().int() }),
    upload: UploadSummary.optional(),
    report: IngestReport.optional(),
    error: z.object({ message: z.string(), hint: z.string().optional() }).optional(),
  })
  .openapi('CatalogImport');

/** How uploads are documented (they are streamed, not parsed by the validator): the parts of the form. */
export const UploadForm = z
  .object({
    table: z.any().openapi({ type: 'string', format: 'binary', description: 'products.csv (catalog) or new_products.csv (new products).' }),
    images: z.any().optional().openapi({ type: 'array', items: { type: 'string', format: 'binary' }, description: 'The images; each part\'s file name is the image_path the CSV names (folders allowed: images/dress-1.jpg).' }),
    archive: z.any().optional().openapi({ type: 'string', format: 'binary', description: 'Instead of table and images: one zip holding the CSV and its images.' }),
  })
  .openapi('UploadForm');
