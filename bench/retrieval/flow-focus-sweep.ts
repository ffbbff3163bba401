/**
 * Choosing the focus boost (src/search/filter-focus.ts) on the tune half, after the gender sweep
 * (flow-sweep.ts) has fixed everything else. The boost exists for the article-type flows (the filter pins
 * the kind of article, the seller's colour word decides), so the objective is the mean tune P@5 of the
 * three type flows, under a constraint: no gender flow may lose more than NOISE tune P@5 against the same
 * settings without the boost. Ties (within NOISE) go to the smaller boost.
 */
import { FOCUS_CURVE, type FocusCurve } from '../../src/search/filter-focus.js';
import type { RetrievalScores } from './metrics.js';
import type { MemoryFlow, MemoryQuery } from './flow-memory.js';
import { NOISE, rankCandidate, type Candidate } from './flow-sweep.js';

export interface FocusScored {
  candidate: Candidate;
  /** Tune P@5 per flow, in the order given. */
  p5: number[];
  typeP5: number;
  /** Largest tune P@5 lost on a gender flow against no boost. */
  genderLoss: number;
}

type Evaluate = (m: MemoryFlow, rank: (q: MemoryQuery) => string[]) => RetrievalScores;

export function sweepFocus(flows: readonly MemoryFlow[], base: Candidate, evaluate: Evaluate): { best: FocusScored; all: FocusScored[] } {
  const score = (c: Candidate) => flows.map((m) => evaluate(m, (q) => rankCandidate(m, q, c)).p5);
  const withFocus = (focusBoost: number, focusCurve?: FocusCurve): Candidate => ({ ...base, fusion: { ...base.fusion, focusBoost, focusCurve } });
  const off = score(withFocus(0));
  const gender = flows.map((m, i) => (m.flow.granularity === 'gender' ? i : -1)).filter((i) => i >= 0);
  const type = flows.map((m, i) => (m.flow.granularity === 'type' ? i : -1)).filter((i) => i >= 0);
  const scored = (candidate: Candidate, p5: number[]): FocusScored => ({
    candidate, p5,
    typeP5: type.reduce((s, i) => s + p5[i], 0) / type.length,
    genderLoss: Math.max(...gender.map((i) => off[i] - p5[i])),
  });
  const all: FocusScored[] = [scored(withFocus(0), off)];
  for (const [narrowFrom, narrowTo] of [[0.2, 0.05], [0.3, 0.1]]) {
    for (const [agreeFrom, agreeTo] of [[0, 0], [0.5, 0.7], [0.55, 0.75], [0.6, 0.8]]) {
      for (const boost of [2, 4, 8]) {
        const candidate = withFocus(boost, { narrowFrom, narrowTo, agreeFrom, agreeTo });
        all.push(scored(candidate, score(candidate)));
      }
    }
  }
  const allowed = all.filter((s) => s.genderLoss <= NOISE);
  const bestType = Math.max(...allowed.map((s) => s.typeP5));
  const boostOf = (s: FocusScored) => s.candidate.fusion.focusBoost ?? 0;
  const best = allowed.filter((s) => bestType - s.typeP5 <= NOISE).sort((a, b) => boostOf(a) - boostOf(b) || b.typeP5 - a.typeP5)[0];
  return { best, all: all.sort((a, b) => Number(b.genderLoss <= NOISE) - Number(a.genderLoss <= NOISE) || b.typeP5 - a.typeP5) };
}

export function describeFocus(c: Candidate): string {
  const boost = c.fusion.focusBoost ?? 0;
  if (boost === 0) return 'focus boost 0';
  const f = c.fusion.focusCurve ?? FOCUS_CURVE;
  return `focus boost ${boost} (category share ${f.narrowFrom} → ${f.narrowTo}, agreement ${f.agreeFrom} → ${f.agreeTo})`;
}
