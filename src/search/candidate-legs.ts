/**
 * Legs hitline ranks itself over the dense leg's hits (the candidates), from their catalog fields:
 *
 * - neighbours (pseudo-relevance feedback): the description words that at least `minVotes` of the first
 *   `neighbours` dense hits share are the expansion terms; every candidate is scored by the votes of the
 *   expansion terms it holds. A hit's own structured words (its category, colour, style and season) are
 *   not description words: they say nothing about what the article is, and the category is pinned by the
 *   filter anyway. Candidates holding no expansion term are not in the leg.
 * - seller fields: the candidates whose style (or season) is the one the seller wrote, in dense order;
 *   the candidates whose colour the seller's words name (a new product has no colour field; its hint does).
 *
 * Both are computed from the same records whatever store answered, so they rank the same in both stores.
 */
import { keywordText, tokenize } from './tokenize.js';

/** The fields of a candidate the legs read (a ProductRecord has them all). */
export interface CandidateFields {
  id: string;
  category: string;
  color: string;
  style: string;
  season: string;
  description: string;
}

interface Terms {
  /** The description words that are not the record's structured fields, each once. */
  words: string[];
  style: string;
  season: string;
  color: string[];
}

// Tokenizing is the costly part: a record ranked by several legs or queries is tokenized once.
const termsOf = new WeakMap<CandidateFields, Terms>();

function terms(c: CandidateFields): Terms {
  let t = termsOf.get(c);
  if (!t) {
    const own = new Set(tokenize(`${c.category} ${c.color} ${c.style} ${c.season}`));
    t = { words: [...new Set(tokenize(c.description))].filter((w) => !own.has(w)), style: keywordText(c.style), season: keywordText(c.season), color: tokenize(c.color) };
    termsOf.set(c, t);
  }
  return t;
}

/** The description words of a hit that are not its structured fields, each once. */
export function descriptionWords(c: CandidateFields): string[] {
  return terms(c).words;
}

export interface NeighbourLeg {
  /** Candidate ids, best first. */
  ids: string[];
  /** Expansion terms with their votes, most votes first (ties alphabetical). */
  terms: Array<{ term: string; votes: number }>;
}

/** `candidates` in dense order. */
export function neighbourLeg(candidates: readonly CandidateFields[], neighbours: number, minVotes: number): NeighbourLeg {
  if (neighbours <= 0) return { ids: [], terms: [] };
  const words = candidates.map(descriptionWords);
  const votes = new Map<string, number>();
  for (const ws of words.slice(0, neighbours)) for (const w of ws) votes.set(w, (votes.get(w) ?? 0) + 1);
  const terms = [...votes.entries()]
    .filter(([, v]) => v >= minVotes)
    .map(([term, v]) => ({ term, votes: v }))
    .sort((a, b) => b.votes - a.votes || (a.term < b.term ? -1 : a.term > b.term ? 1 : 0));
  const weightOf = new Map(terms.map((t) => [t.term, t.votes]));
  const scored = candidates
    .map((c, order) => ({ id: c.id, order, score: words[order].reduce((s, w) => s + (weightOf.get(w) ?? 0), 0) }))
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score || a.order - b.order);
  return { ids: scored.map((s) => s.id), terms };
}

/** The candidates whose `field` says what the seller wrote (compared as keyword terms), in dense order. */
export function sellerFieldLeg(candidates: readonly CandidateFields[], field: 'style' | 'season', sellerValue: string): string[] {
  const wanted = keywordText(sellerValue);
  if (!wanted) return [];
  return candidates.filter((c) => terms(c)[field] === wanted).map((c) => c.id);
}

/** The candidates whose colour words (all of them) are among the seller's keyword terms, in dense order. */
export function colorLeg(candidates: readonly CandidateFields[], sellerTerms: readonly string[]): string[] {
  const said = new Set(sellerTerms);
  return candidates.filter((c) => {
    const color = terms(c).color;
    return color.length > 0 && color.every((w) => said.has(w));
  }).map((c) => c.id);
}
