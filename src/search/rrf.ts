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
  const byId = new Map<string, FusedHit>();
  for (const leg of legs) {
    const weight = leg.weight ?? 1;
    let rank = 0;
    const seen = new Set<string>();
    for (const id of leg.ids) {
      if (seen.has(id)) continue;
      seen.add(id);
      rank += 1;
      let hit = byId.get(id);
      if (!hit) {
        hit = { id, score: 0, ranks: Object.fromEntries(legs.map((l) => [l.name, null])) };
        byId.set(id, hit);
      }
      hit.ranks[leg.name] = rank;
      hit.score += weight / (k + rank);
    }
  }
  return [...byId.values()].sort(
    (a, b) => b.score - a.score || bestRank(a) - bestRank(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

function bestRank(hit: FusedHit): number {
  let best = Infinity;
  for (const r of Object.values(hit.ranks)) if (r !== null && r < best) best = r;
  return best;
}
