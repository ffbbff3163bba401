/**
 * Choosing the fusion settings on the tune half of the real flow (flow-set.ts), in memory (flow-memory.ts).
 * The objective is the mean P@5 (then mAP@10) of the three gender flows (hint, no hint, product name): one
 * set of defaults must serve a seller who writes a vague hint and one who writes the product's name.
 * Two stages: (1) list length, k and the re-ranking legs with a low fixed keyword weight; (2) the keyword
 * weight, fixed or "auto" (keyword-weight.ts) with its curve, on top of each of the best three of stage 1.
 * Settings whose P@5 is within NOISE of the best are ranked by mAP@10 (it uses ten positions, not five,
 * so it separates settings P@5 cannot); among those within NOISE on both, the shortest leg lists win
 * (fewer rows to read per query).
 */
import { autoKeywordWeight, AUTO_KEYWORD_WEIGHT, type AutoKeywordCurve } from '../../src/search/keyword-weight.js';
import type { FusionSettings } from '../../src/search/fusion-settings.js';
import { tokenize } from '../../src/search/tokenize.js';
import type { RetrievalScores } from './metrics.js';
import { rankInMemory, type MemoryFlow, type MemoryQuery } from './flow-memory.js';


export interface Candidate {
  perLeg: number;
  k: number;
  fusion: FusionSettings;
  /** Overrides the shipped curve when the keyword weight is "auto". */
  curve?: AutoKeywordCurve;
}

export interface Scored {
  candidate: Candidate;
  /** Per flow, on the tune half. */
  scores: RetrievalScores[];
  p5: number;
  map10: number;
}

type Evaluate = (m: MemoryFlow, rank: (q: MemoryQuery) => string[]) => RetrievalScores;

/** The fused ranking for a candidate (the curve applied per query when it differs from the shipped one). */
export function rankCandidate(m: MemoryFlow, q: MemoryQuery, c: Candidate): string[] {
  let fusion = c.fusion;
  if (c.curve && fusion.weights.keyword === 'auto') {
    const weight = autoKeywordWeight(q.seller.keywordTerms, new Set(tokenize(q.seller.category)), q.stats, c.curve).weight;
    fusion = { ...fusion, weights: { ...fusion.weights, keyword: weight } };
  }
  return rankInMemory(m, q, fusion, c.perLeg, c.k);
}

function scoreAll(flows: readonly MemoryFlow[], c: Candidate, evaluate: Evaluate): Scored {
  const scores = flows.map((m) => evaluate(m, (q) => rankCandidate(m, q, c)));
  const mean = (f: (s: RetrievalScores) => number) => scores.reduce((a, s) => a + f(s), 0) / scores.length;
  return { candidate: c, scores, p5: mean((s) => s.p5), map10: mean((s) => s.map10) };
}

/** Well below one standard error of P@5 on ~600 queries (about 0.01). */
export const NOISE = 0.005;

function rank(scored: Scored[]): Scored[] {
  const bestP5 = Math.max(...scored.map((s) => s.p5));
  const closeP5 = (s: Scored) => bestP5 - s.p5 <= NOISE;
  const bestMap = Math.max(...scored.filter(closeP5).map((s) => s.map10));
  const tier = (s: Scored) => (closeP5(s) ? (bestMap - s.map10 <= NOISE ? 0 : 1) : 2);
  return [...scored].sort(
    (a, b) => tier(a) - tier(b) || (tier(a) === 0 ? a.candidate.perLeg - b.candidate.perLeg : 0) || (tier(a) === 2 ? b.p5 - a.p5 : b.map10 - a.map10),
  );
}

export function sweepFusion(flows: readonly MemoryFlow[], base: FusionSettings, evaluate: Evaluate, log: (line: string) => void): { best: Scored; stage1: Scored[]; stage2: Scored[] } {
  let stage1: Scored[] = [];
  for (const perLeg of [20, 50, 100]) {
    for (const k of [20, 60]) {
      for (const [neighbours, expansionHits, minVotes] of [[0, 3, 2], [0.5, 3, 2], [1, 3, 2], [0.5, 5, 2], [0.5, 5, 3]]) {
        for (const style of [0, 0.5, 1]) {
          for (const [season, color] of [[0, 0], [0.25, 0], [0, 0.25]]) {
            const fusion: FusionSettings = {
              ...base,
              weights: { ...base.weights, keyword: 0.1, neighbours, style, season, color },
              expansion: { neighbours: expansionHits, minVotes },
            };
            stage1.push(scoreAll(flows, { perLeg, k, fusion }, evaluate));
          }
        }
      }
    }
  }
  stage1 = rank(stage1);
  log(`  stage 1: ${stage1.length} settings; chosen mean tune P@5 ${stage1[0].p5.toFixed(3)}, mAP@10 ${stage1[0].map10.toFixed(3)}`);
  let stage2: Scored[] = [];
  for (const { candidate: top } of stage1.slice(0, 3)) {
    const withKeyword = (keyword: number | 'auto', curve?: AutoKeywordCurve): Candidate => ({ ...top, fusion: { ...top.fusion, weights: { ...top.fusion.weights, keyword } }, curve });
    for (const keyword of [0, 0.1, 0.3, 0.5, 1, 1.5]) stage2.push(scoreAll(flows, withKeyword(keyword), evaluate));
    for (const low of [0, 0.1, 0.3]) {
      for (const high of [1, 1.5, 2]) {
        for (const [fromIdf, toIdf] of [[4, 8], [6, 10], [8, 12], [8, 8]]) stage2.push(scoreAll(flows, withKeyword('auto', { low, high, fromIdf, toIdf }), evaluate));
      }
    }
  }
  stage2 = rank(stage2);
  log(`  stage 2: ${stage2.length} settings; chosen mean tune P@5 ${stage2[0].p5.toFixed(3)}, mAP@10 ${stage2[0].map10.toFixed(3)}`);
  return { best: stage2[0], stage1, stage2 };
}

export function describeCandidate(c: Candidate): string {
  const w = c.fusion.weights;
  const curve = c.curve ?? AUTO_KEYWORD_WEIGHT;
  const keyword = w.keyword === 'auto' ? `auto (${curve.low} → ${curve.high} over IDF mass ${curve.fromIdf}–${curve.toIdf})` : String(w.keyword);
  return `${c.perLeg} per leg, k ${c.k}, keyword ${keyword}, neighbours ${w.neighbours} (${c.fusion.expansion.neighbours} hits, ${c.fusion.expansion.minVotes} votes), style ${w.style}, season ${w.season}, colour ${w.color}, focus boost ${c.fusion.focusBoost ?? 0}`;
}
