/**
 * How `match` fuses its legs: the method, each leg's weight and the neighbour-word expansion. The defaults
 * were chosen on the tune half of bench/retrieval-flow.ts (the seller's real flow on fashion-1204) and
 * reported on the other half; bench/results/retrieval-flow.md has the numbers.
 *
 * Legs (each a ranked list of hit ids, fused by weighted RRF, search/rrf.ts):
 * - dense: the new product's image vector against the catalog's (the store's ANN leg);
 * - keyword: BM25 of the seller's words (category, style, season, prompt hint) in the store's keyword index;
 * - text (cloud embedders only): the embedding of the seller's words against the image vectors;
 * - neighbours: the dense hits re-ranked by the description words the first few dense hits share
 *   (pseudo-relevance feedback: the neighbours of a T-shirt photo are called "... T-shirt");
 * - style, season: the dense hits whose style (season) is the seller's, in dense order (a boost, not a filter);
 * - color: the dense hits whose colour the seller's words name (e.g. "Blue" in the hint), in dense order.
 * The focus boost (filter-focus.ts) raises the colour and keyword weights per query when the filter has
 * already pinned the kind of article (a narrow category whose hits share their article word).
 */
import type { FocusCurve } from './filter-focus.js';

export const LEG_NAMES = ['dense', 'keyword', 'text', 'neighbours', 'style', 'season', 'color'] as const;
export type LegName = (typeof LEG_NAMES)[number];

/**
 * weighted-rrf: every leg above with its weight. rrf: the tutorial's fusion, dense and keyword legs with
 * equal weights and nothing else (Milvus's RRFRanker), kept to compare against.
 */
export const FUSION_METHODS = ['weighted-rrf', 'rrf'] as const;
export type FusionMethod = (typeof FUSION_METHODS)[number];

/** A leg's weight in the fusion (finite, >= 0; 0 leaves the leg out). `keyword` may be "auto" (keyword-weight.ts). */
export interface FusionWeights {
  dense: number;
  keyword: number | 'auto';
  text: number;
  neighbours: number;
  style: number;
  season: number;
  color: number;
}

export interface ExpansionSettings {
  /** How many of the first dense hits lend their description words (0: no neighbours leg). */
  neighbours: number;
  /** A word counts when at least this many of those hits have it. */
  minVotes: number;
}

export interface FusionSettings {
  method: FusionMethod;
  weights: FusionWeights;
  expansion: ExpansionSettings;
  /**
   * The colour and keyword legs' weight when the filter's focus is 1 (filter-focus.ts): each is raised to
   * at least focusBoost × focus for queries whose words name a candidate's colour. 0 or absent: off.
   */
  focusBoost?: number;
  /** How focus rises with the filter's narrowness and the hits' agreement; FOCUS_CURVE when absent. */
  focusCurve?: FocusCurve;
}

export const DEFAULT_FUSION: FusionSettings = {
  method: 'weighted-rrf',
  weights: { dense: 1, keyword: 'auto', text: 1, neighbours: 1, style: 1, season: 0, color: 0 },
  expansion: { neighbours: 3, minVotes: 2 },
  focusBoost: 4,
};

/** The tutorial's fusion as FusionSettings: what `method: "rrf"` means. */
export const PLAIN_RRF_WEIGHTS: FusionWeights = { dense: 1, keyword: 1, text: 0, neighbours: 0, style: 0, season: 0, color: 0 };

/** The weights a method actually uses. */
export function effectiveWeights(settings: FusionSettings): FusionWeights {
  return settings.method === 'rrf' ? PLAIN_RRF_WEIGHTS : settings.weights;
}

/** One line for `match`, the run report and logs, e.g. "weighted-rrf: dense 1, keyword auto, neighbours 0.5 (3 hits, 2 votes), style 0.5". */
export function describeFusion(settings: FusionSettings, perLeg: number, k: number): string {
  const w = effectiveWeights(settings);
  const legs = LEG_NAMES.filter((leg) => w[leg] !== 0).map((leg) => {
    const expansion = leg === 'neighbours' ? ` (${settings.expansion.neighbours} hits, ${settings.expansion.minVotes} votes)` : '';
    return `${leg} ${w[leg]}${expansion}`;
  });
  const focus = settings.method !== 'rrf' && settings.focusBoost ? `, focus boost ${settings.focusBoost}` : '';
  return `${settings.method}: ${legs.join(', ')}${focus}; ${perLeg} per leg, k ${k}`;
}

/** Fusion settings as config.json and flags give them: any part may be left out. */
export interface FusionOverrides {
  method?: FusionMethod;
  weights?: Partial<FusionWeights>;
  expansion?: Partial<ExpansionSettings>;
  focusBoost?: number;
}

/** `base` with each override applied in turn (later ones win): e.g. DEFAULT_FUSION, then config, then flags. */
export function withFusionOverrides(base: FusionSettings, ...overrides: Array<FusionOverrides | undefined>): FusionSettings {
  return overrides.reduce<FusionSettings>(
    (s, o) => (o ? {
      method: o.method ?? s.method, weights: { ...s.weights, ...o.weights }, expansion: { ...s.expansion, ...o.expansion },
      focusBoost: o.focusBoost ?? s.focusBoost, focusCurve: s.focusCurve,
    } : s),
    base,
  );
}
