import { describe, expect, it } from 'vitest';
import type { CandidateFields } from '../../src/search/candidate-legs.js';
import { FOCUS_CURVE, filterFocus } from '../../src/search/filter-focus.js';
import { fuseMatch, type SellerWords, type StoreLegs } from '../../src/search/fuse-match.js';
import { DEFAULT_FUSION, withFusionOverrides } from '../../src/search/fusion-settings.js';
import { TermCounter } from '../../src/search/term-stats.js';
import { keywordText } from '../../src/search/tokenize.js';

// A seller's midi dresses: the filter (category = "Midi Dress") keeps them and nothing else. The photo
// cannot tell the colours apart: dense order mixes them, red ones first.
const COLOURS = ['Red', 'Red', 'Black', 'Red', 'Blue', 'Black', 'Red', 'Blue', 'Green', 'Blue', 'Red', 'Black'];
const dresses: CandidateFields[] = COLOURS.map((color, i) => ({
  id: `d${i + 1}`, category: 'Midi Dress', color, style: 'Casual', season: 'Summer', description: `Label${i % 4} Women ${color} Dress`,
}));
// A broad category of many kinds of article: every candidate is something else.
const KINDS = ['Shirt', 'Jeans', 'Watch', 'Belt', 'Cap', 'Shoe', 'Sock', 'Scarf', 'Wallet', 'Tie', 'Bag', 'Glove'];
const mixed: CandidateFields[] = dresses.map((d, i) => ({ ...d, category: 'Unisex', description: `Brand${i} ${d.color} ${KINDS[i]}` }));

function legsOf(candidates: CandidateFields[], categoryShare: number | undefined, terms: readonly string[]): StoreLegs {
  // The keyword leg in BM25 order: the rows holding most of the seller's words first.
  const held = (c: CandidateFields) => terms.filter((t) => keywordText(c.category, c.color, c.style, c.season, c.description).split(' ').includes(t)).length;
  const keyword = candidates.filter((c) => held(c) > 0).sort((a, b) => held(b) - held(a)).map((c) => c.id);
  return { dense: candidates.map((c) => c.id), keyword, candidates: new Map(candidates.map((c) => [c.id, c])), categoryShare };
}

function statsOf(candidates: CandidateFields[]) {
  const counter = new TermCounter();
  for (const c of candidates) counter.add(keywordText(c.category, c.color, c.style, c.season, c.description));
  // The rest of a 1,000-row catalog: other articles, mostly casual summer ones.
  for (let i = candidates.length; i < 1000; i++) counter.add(i % 3 === 0 ? 'men blue casual summer' : 'men black casual summer');
  return counter.stats();
}

const hint = (category: string, words: string): SellerWords => {
  const keywordTerms = keywordText(category, 'Casual', 'Summer', words).split(' ');
  return { category, style: 'Casual', season: 'Summer', keywordTerms };
};
const order = (legs: StoreLegs, seller: SellerWords, focusBoost?: number) =>
  fuseMatch(legs, seller, withFusionOverrides(DEFAULT_FUSION, { focusBoost }), 60, statsOf([...legs.candidates.values()]));

describe('the focus boost (a narrow category of one kind of article)', () => {
  it('ranks the colour the seller names first within a one-type filter', () => {
    const seller = hint('Midi Dress', 'Blue Casual product photo');
    const fused = order(legsOf(dresses, 12 / 1000, seller.keywordTerms), seller);
    expect(fused.hits.slice(0, 3).map((h) => h.id)).toEqual(['d5', 'd8', 'd10']);
    expect(fused.focus).toMatchObject({ categoryShare: 0.012, agreement: 1, focus: 1, boost: 4 });
    // The weights actually used are the raised ones, and they are what the trace shows.
    expect(fused.legs.find((l) => l.leg === 'color')).toEqual({ leg: 'color', weight: 4, hits: 3 });
    expect(fused.keyword.weight).toBe(4);
    // Without the boost the photo's order wins and the blue dresses stay down the list.
    expect(order(legsOf(dresses, 12 / 1000, seller.keywordTerms), seller, 0).hits[0].id).toBe('d1');
  });

  it('leaves the dense-led order alone when the seller\'s words name no colour', () => {
    const seller = hint('Midi Dress', '');
    const legs = legsOf(dresses, 12 / 1000, seller.keywordTerms);
    const boosted = order(legs, seller);
    expect(boosted.focus.boost).toBe(0);
    expect(boosted.hits.map((h) => h.id)).toEqual(order(legs, seller, 0).hits.map((h) => h.id));
    expect(boosted.hits[0].id).toBe('d1');
  });

  it('does nothing under a broad filter (gender): the photo finds the article, a colour word would drag in others', () => {
    const seller = hint('Women', 'Blue Casual product photo');
    const legs = legsOf(dresses.map((d) => ({ ...d, category: 'Women' })), 0.45, seller.keywordTerms);
    const fused = order(legs, seller);
    expect(fused.focus.boost).toBe(0);
    expect(fused.hits.map((h) => h.id)).toEqual(order(legs, seller, 0).hits.map((h) => h.id));
  });

  it('does nothing under a narrow filter of many kinds of article (the hits share no word)', () => {
    const seller = hint('Unisex', 'Blue Casual product photo');
    const fused = order(legsOf(mixed, 12 / 1000, seller.keywordTerms), seller);
    expect(fused.focus.agreement).toBeLessThan(FOCUS_CURVE.agreeFrom);
    expect(fused.focus.boost).toBe(0);
  });

  it('is off when the store did not count the category, and under method "rrf"', () => {
    const seller = hint('Midi Dress', 'Blue Casual product photo');
    expect(order(legsOf(dresses, undefined, seller.keywordTerms), seller).focus).toMatchObject({ categoryShare: null, focus: 0, boost: 0 });
    const rrf = fuseMatch(legsOf(dresses, 0.012, seller.keywordTerms), seller, { ...DEFAULT_FUSION, method: 'rrf' }, 60, statsOf(dresses));
    expect(rrf.focus.boost).toBe(0);
    expect(rrf.legs.map((l) => l.leg)).toEqual(['dense', 'keyword']);
  });
});

describe('filterFocus', () => {
  it('rises linearly with the narrowness of the category and the hits\' agreement on one word', () => {
    const curve = { narrowFrom: 0.3, narrowTo: 0.1, agreeFrom: 0.5, agreeTo: 0.7 };
    // Every dress holds "women" and "dress"; a category keeping 20% of rows is half-way to narrow.
    const all = filterFocus(dresses, 0.2, curve);
    expect(all.agreement).toBe(1);
    expect(all.focus).toBeCloseTo(0.5, 10);
    // A third of the dresses called something else: the most shared word is held by 8 of the 12 hits.
    const some = dresses.map((d, i) => ({ ...d, description: i % 5 < 3 ? `Label Dress ${i}` : `Other Frock ${i}` }));
    const f = filterFocus(some, 0.05, curve);
    expect(f.agreement).toBeCloseTo(8 / 12, 10);
    expect(f.focus).toBeCloseTo((8 / 12 - 0.5) / 0.2, 10);
    expect(filterFocus([], 0.05, curve)).toEqual({ categoryShare: 0.05, agreement: 0, focus: 0 });
  });
});
