/** The shape of `summary.json`: what a run did for each new product, and how it ended. Also what report.html is drawn from. */
import type { NewProduct } from './product.js';
import type { StyleBrief } from './style-brief.js';
import type { AspectRatio, SizeTier } from './output-sizes.js';
import type { Filter } from './filter.js';

/** pipeline/match.ts `queryJson`. */
export interface MatchQuery {
  keywords: string;
  /** e.g. "weighted-rrf: dense 1, keyword auto, neighbours 1 (3 hits, 2 votes), style 1, focus boost 4; 100 per leg, k 60". */
  fusion: string;
  legs: Array<{ leg: string; weight: number; hits: number }>;
  keywordWeight: number;
  /** The IDF mass of the seller's words the "auto" keyword weight was read from; null for a fixed weight. */
  informativeness: number | null;
  expansion: Array<{ term: string; votes: number }>;
  /** How much the category filter pinned the article and the colour/keyword weight it raised (0: none). */
  focus: { categoryShare: number | null; agreement: number; boost: number };
}

export interface SummaryHit {
  rank: number;
  productId: string;
  score: number;
  denseRank: number | null;
  keywordRank: number | null;
  /** Rank in every leg that was fused (dense, keyword, neighbours, style...), null where a leg did not rank it: which leg brought the hit. */
  ranks?: Record<string, number | null>;
  category: string;
  salesCount: number;
  description: string;
  /** Absolute path of the hit's image (for the report). */
  imagePath: string;
}

export interface SummaryOutput {
  /** Relative to the run folder. */
  file: string;
  variant: number;
  width: number;
  height: number;
  /** True when the result was read from the stage cache instead of generated now. */
  cached: boolean;
  warnings: string[];
}

/** What a product's paid calls cost, from the cost ledger (zero calls for offline adapters). */
export interface CostLine {
  /** USD; calls whose answer carried no cost count as 0 and are counted in `callsWithoutCost`. */
  usd: number;
  calls: number;
  callsWithoutCost: number;
  /** usd divided by the images delivered; null when none were. */
  perImage: number | null;
}

/**
 * done: every image delivered. failed: cannot succeed as it is (the reason is in `error`).
 * pending: not finished when the run stopped (budget, Ctrl-C, no credits); a resume picks it up.
 */
export type ProductStatus = 'done' | 'failed' | 'pending';

export interface ProductSummary {
  newId: string;
  status: ProductStatus;
  /** What went wrong (failed) or why it is not finished (pending), in words a seller understands. */
  error?: string;
  product: NewProduct;
  /** The new product's photo, absolute path. */
  imagePath: string;
  keywords?: string;
  filter?: Filter;
  /** What the query became: the fusion, each leg's weight and size, the keyword weight, the expansion terms. */
  query?: MatchQuery;
  hits: SummaryHit[];
  shortfall?: string;
  brief?: StyleBrief;
  prompt?: string;
  outputs: SummaryOutput[];
  /** Seconds per stage (match, analyze, generate; waiting for a provider's slot included) and `total`. */
  timings: Record<string, number>;
  cost: CostLine;
  warnings: string[];
}

export interface RunSummary {
  runId: string;
  startedAt: string;
  finishedAt: string;
  settings: {
    aspectRatio: AspectRatio;
    sizeTier: SizeTier;
    variants: number;
    top: number;
    perLeg: number;
    rrfK: number;
    minSales: number;
  };
  adapters: { embedder: string; store: string; analyzer: string; generator: string };
  products: ProductSummary[];
  /** Rows of new_products.csv that could not be read at all. */
  inputProblems: Array<{ file: string; row?: number; column?: string; message: string }>;
  /** What reading new_products.csv skipped without it being a problem (empty rows), one line each. */
  inputNotes?: string[];
  totals: { products: number; done: number; failed: number; pending: number; images: number; seconds: number; cost: CostLine };
  /** Set when the run stopped before every product was done: why, in words. */
  stop?: { reason: 'interrupted' | 'budget' | 'credits' | 'auth'; message: string };
  /** `--budget` and what the run has spent against it (calls cut off mid-way count at their worst case). */
  budget?: { limitUsd: number; spentUsd: number };
  /** Products taken as they were from an earlier session of this run (`--resume`). */
  resumedProducts?: number;
  /** HTTP attempts sent to OpenRouter by stage (retries included) and answers that were 429s. */
  wire?: { attempts: Record<string, number>; rateLimited: number };
}
