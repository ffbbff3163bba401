/**
 * Reciprocal Rank Fusion with Milvus's formula: score(d) = Σ_legs weight / (k + rank), rank counted from 1.
 * (LanceDB's built-in reranker counts from 0, which is why hitline fuses in its own code.)
 */
export interface RankedLeg {
  name: string;
  /** Ids in rank order, best first. Duplicates after the first occurrence are ignored. */
  ids: readonly string[];
  /** Defaults to 1. Milvus's RRFRanker is the all-ones case. */
  weight?: number;
}

export interface FusedHit {
  id: string;
  score: number;
  /** Rank (from 1) of this id in each leg, or null when that leg did not return it. */
  ranks: Record<string, number | null>;
}

export const DEFAULT_RRF_K = 60;

export function fuseRrf(legs: readonly RankedLeg[], k: number = DEFAULT_RRF_K): FusedHit[] {
  if (!(k >= 0) || !Number.isFinite(k)) throw new RangeError(`RRF k must be a finite number >= 0, got ${k}`);
  // Ranks are kept per leg index while scoring and turned into records once, for the hits' final order.
  const byId = new Map<string, { id: string; score: number; ranks: Array<number | null>; best: number }>();
  legs.forEach((leg, l) => {
    const weight = leg.weight ?? 1;
    let rank = 0;
    const seen = new Set<string>();
    for (const id of leg.ids) {
      if (seen.has(id)) continue;
      seen.add(id);
      rank += 1;
      let hit = byId.get(id);
      if (!hit) {
        hit = { id, score: 0, ranks: legs.map(() => null), best: Infinity };
        byId.set(id, hit);
      }
      hit.ranks[l] = rank;
      hit.best = Math.min(hit.best, rank);
      hit.score += weight / (k + rank);
    }
  });
  return [...byId.values()]
    .sort((a, b) => b.score - a.score || a.best - b.best || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((h) => ({ id: h.id, score: h.score, ranks: Object.fromEntries(legs.map((leg, l) => [leg.name, h.ranks[l]])) }));
}
