/**
 * The fusion of a match: the legs the store answered (dense, keyword, and text with a cloud embedder),
 * the legs hitline ranks over the dense hits (candidate-legs.ts), each leg's weight (fusion-settings.ts,
 * keyword-weight.ts; the colour and keyword legs raised by the filter's focus, filter-focus.ts), fused by
 * weighted RRF (rrf.ts). Pure: the store's answers come in, the fused order and what made it come out,
 * so every store gives the same order for the same legs.
 */
import { colorLeg, neighbourLeg, sellerFieldLeg, type CandidateFields } from './candidate-legs.js';
import { filterFocus, type FilterFocus } from './filter-focus.js';
import { effectiveWeights, type FusionSettings, type LegName } from './fusion-settings.js';
import { autoKeywordWeight, type KeywordWeight } from './keyword-weight.js';
import { fuseRrf, type FusedHit, type RankedLeg } from './rrf.js';
import type { TermStats } from './term-stats.js';
import { tokenize } from './tokenize.js';

export interface StoreLegs {
  /** Ids in rank order, best first. */
  dense: readonly string[];
  keyword: readonly string[];
  /** The seller's words embedded as text, against the image vectors (cloud embedders only). */
  text?: readonly string[];
  /** The records of (at least) the dense hits, for the legs hitline ranks itself. */
  candidates: ReadonlyMap<string, CandidateFields>;
  /** Share of rows the category filter keeps (filter-focus.ts); without it the focus boost is off. */
  categoryShare?: number;
}

export interface SellerWords {
  category: string;
  style: string;
  season: string;
  /** The tokenized keyword query the keyword leg searched. */
  keywordTerms: readonly string[];
}

export interface LegUse {
  leg: LegName;
  weight: number;
  /** Hits the leg ranked. */
  hits: number;
}

export interface MatchFusion {
  /** Every fused hit, best first, with its rank in each leg used (null where a leg did not rank it). */
  hits: FusedHit[];
  /** The legs fused, with the weight each was given. */
  legs: LegUse[];
  /** The neighbours leg's expansion terms and their votes. */
  expansion: Array<{ term: string; votes: number }>;
  keyword: KeywordWeight;
  /** How much the filter pinned the article, and the colour/keyword boost it gave (0 when none). */
  focus: FilterFocus & { boost: number };
}

/** `stats` is needed when the keyword weight is "auto". */
export function fuseMatch(legs: StoreLegs, seller: SellerWords, settings: FusionSettings, k: number, stats?: TermStats): MatchFusion {
  const weights = effectiveWeights(settings);
  const keyword = keywordWeight(weights.keyword, seller, stats);
  const candidates = legs.dense.flatMap((id) => {
    const c = legs.candidates.get(id);
    return c ? [c] : [];
  });
  const neighbours = weights.neighbours > 0 ? neighbourLeg(candidates, settings.expansion.neighbours, settings.expansion.minVotes) : { ids: [], terms: [] };
  const colorIds = colorLeg(candidates, seller.keywordTerms);
  // The focus boost applies only when the seller's words name a colour some candidate has: words that
  // name nothing in the filtered set (no hint; style and season alone) leave the image legs in charge.
  const focus = filterFocus(candidates, settings.method === 'rrf' ? null : legs.categoryShare ?? null, settings.focusCurve);
  const boost = colorIds.length > 0 ? (settings.focusBoost ?? 0) * focus.focus : 0;
  const colorWeight = Math.max(weights.color, boost);
  // A keyword leg switched off (weight 0) stays off.
  const keywordUsed = weights.keyword === 0 ? keyword : { ...keyword, weight: Math.max(keyword.weight, boost) };
  const ranked: Array<{ leg: LegName; weight: number; ids: readonly string[] }> = [
    { leg: 'dense', weight: weights.dense, ids: legs.dense },
    { leg: 'keyword', weight: keywordUsed.weight, ids: legs.keyword },
    { leg: 'text', weight: weights.text, ids: legs.text ?? [] },
    { leg: 'neighbours', weight: weights.neighbours, ids: neighbours.ids },
    { leg: 'style', weight: weights.style, ids: weights.style > 0 ? sellerFieldLeg(candidates, 'style', seller.style) : [] },
    { leg: 'season', weight: weights.season, ids: weights.season > 0 ? sellerFieldLeg(candidates, 'season', seller.season) : [] },
    { leg: 'color', weight: colorWeight, ids: colorWeight > 0 ? colorIds : [] },
  ];
  const used = ranked.filter((l) => l.weight > 0 && l.ids.length > 0);
  const hits = fuseRrf(used.map((l): RankedLeg => ({ name: l.leg, ids: l.ids, weight: l.weight })), k);
  return {
    hits, legs: used.map((l) => ({ leg: l.leg, weight: l.weight, hits: l.ids.length })), expansion: neighbours.terms,
    keyword: keywordUsed, focus: { ...focus, boost },
  };
}

function keywordWeight(setting: number | 'auto', seller: SellerWords, stats?: TermStats): KeywordWeight {
  if (setting !== 'auto') return { weight: setting, informativeness: null };
  const pinned = new Set(tokenize(seller.category));
  if (stats) return autoKeywordWeight(seller.keywordTerms, pinned, stats);
  if (seller.keywordTerms.length > 0) throw new Error('fuseMatch: an "auto" keyword weight needs the catalog term statistics');
  return autoKeywordWeight([], pinned, { rows: 0, documentFrequency: new Map() });
}
