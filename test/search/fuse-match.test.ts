import { describe, expect, it } from 'vitest';
import { colorLeg, neighbourLeg, sellerFieldLeg, type CandidateFields } from '../../src/search/candidate-legs.js';
import { fuseMatch, type SellerWords } from '../../src/search/fuse-match.js';
import { DEFAULT_FUSION, describeFusion, withFusionOverrides, type FusionSettings } from '../../src/search/fusion-settings.js';
import { AUTO_KEYWORD_WEIGHT, autoKeywordWeight, idfMass } from '../../src/search/keyword-weight.js';
import { TermCounter, idf } from '../../src/search/term-stats.js';

const row = (id: string, description: string, fields: Partial<CandidateFields> = {}): CandidateFields => ({
  id, category: 'Men', color: 'Blue', style: 'Casual', season: 'Summer', description, ...fields,
});

// Dense order: three T-shirts (the first hits), then a shirt, then a T-shirt further down.
const candidates = [
  row('t1', 'Nike Men Blue Tshirt'),
  row('t2', 'Puma Men Black Tshirt', { color: 'Black', style: 'Sports' }),
  row('t3', 'Nike Men Grey Tshirt', { color: 'Grey' }),
  row('s1', 'Arrow Men Formal Shirt', { style: 'Formal' }),
  row('t4', 'Adidas Men Tshirt', { color: 'Red' }),
];

describe('neighbour words (pseudo-relevance feedback)', () => {
  it('takes the words the first hits share as expansion terms and ranks every candidate by them', () => {
    const leg = neighbourLeg(candidates, 3, 2);
    // "tshirt" is in all three first hits, "nike" in two; "men" is a description word too but so is it everywhere.
    expect(leg.terms).toEqual([
      { term: 'tshirt', votes: 3 },
      { term: 'nike', votes: 2 },
    ]);
    // The shirt holds no expansion term: it is not in the leg; the T-shirt far down the dense list is.
    expect(leg.ids).toEqual(['t1', 't3', 't2', 't4']);
  });

  it('does not count a hit\'s own colour, style, season or category as description words', () => {
    const leg = neighbourLeg([row('a', 'Blue Casual Thing'), row('b', 'Blue Casual Other')], 2, 2);
    expect(leg.terms).toEqual([]);
    expect(leg.ids).toEqual([]);
  });

  it('is empty with no neighbours asked for', () => {
    expect(neighbourLeg(candidates, 0, 1)).toEqual({ ids: [], terms: [] });
  });
});

describe('seller-field legs', () => {
  it('keeps, in dense order, the candidates whose style is the seller\'s', () => {
    expect(sellerFieldLeg(candidates, 'style', 'casual')).toEqual(['t1', 't3', 't4']);
    expect(sellerFieldLeg(candidates, 'style', '')).toEqual([]);
  });

  it('keeps the candidates whose colour the seller\'s words name', () => {
    expect(colorLeg(candidates, ['grey', 'product', 'photo'])).toEqual(['t3']);
    expect(colorLeg(candidates, ['casual'])).toEqual([]);
  });
});

describe('the keyword leg\'s "auto" weight', () => {
  const counter = new TermCounter();
  for (let i = 0; i < 1000; i++) counter.add(i < 900 ? 'men casual summer' : 'men sport');
  counter.add('quechua sweat proof tshirt');
  const stats = counter.stats();

  it('counts each term once per row', () => {
    const c = new TermCounter();
    c.add('blue blue shirt');
    c.add('shirt');
    expect(c.stats(['blue', 'shirt', 'red'])).toEqual({ rows: 2, documentFrequency: new Map([['blue', 1], ['shirt', 2], ['red', 0]]) });
  });

  it('is low for words most of the catalog holds and high for rare words that name the article', () => {
    const common = autoKeywordWeight(['men', 'casual', 'summer', 'product', 'photo'], new Set(['men']), stats);
    const rare = autoKeywordWeight(['men', 'quechua', 'sweat', 'proof', 'tshirt'], new Set(['men']), stats);
    expect(common.weight).toBe(AUTO_KEYWORD_WEIGHT.low);
    expect(rare.weight).toBe(AUTO_KEYWORD_WEIGHT.high);
    expect(rare.informativeness).toBeCloseTo(4 * idf(1, 1001), 10);
  });

  it('leaves out the category the filter pins, terms no row holds, and repeats', () => {
    expect(idfMass(['quechua', 'quechua', 'nowhere'], new Set(), stats)).toBeCloseTo(idf(1, 1001), 10);
    expect(idfMass(['quechua'], new Set(['quechua']), stats)).toBe(0);
  });
});

describe('fuseMatch', () => {
  const seller: SellerWords = { category: 'Men', style: 'Casual', season: 'Summer', keywordTerms: ['men', 'casual', 'summer'] };
  const legs = { dense: candidates.map((c) => c.id), keyword: ['s1', 't4'], candidates: new Map(candidates.map((c) => [c.id, c])) };
  const fixed: FusionSettings = withFusionOverrides(DEFAULT_FUSION, { weights: { keyword: 0.1 } });

  it('lifts what the dense hits agree on over the one that only looks alike, and says which leg brought each hit', () => {
    const fused = fuseMatch(legs, seller, fixed, 60);
    // t4 (dense #5) holds "tshirt" and the seller's style: it passes the shirt (dense #4, keyword #1).
    expect(fused.hits.map((h) => h.id)).toEqual(['t1', 't4', 't3', 't2', 's1']);
    expect(fused.hits.find((h) => h.id === 's1')!.ranks).toEqual({ dense: 4, keyword: 1, neighbours: null, style: null });
    expect(fused.legs).toEqual([
      { leg: 'dense', weight: 1, hits: 5 },
      { leg: 'keyword', weight: 0.1, hits: 2 },
      { leg: 'neighbours', weight: 1, hits: 4 },
      { leg: 'style', weight: 1, hits: 3 },
    ]);
    expect(fused.expansion.map((t) => t.term)).toEqual(['tshirt', 'nike']);
  });

  it('method "rrf" is the tutorial\'s fusion: dense and keyword, equal weights, nothing else', () => {
    const fused = fuseMatch(legs, seller, { ...fixed, method: 'rrf' }, 60);
    expect(fused.legs.map((l) => [l.leg, l.weight])).toEqual([['dense', 1], ['keyword', 1]]);
    // s1 is #4 dense and #1 keyword: 1/64 + 1/61 beats t1's 1/61.
    expect(fused.hits[0].id).toBe('s1');
  });

  it('leaves a leg out when its weight is 0', () => {
    const fused = fuseMatch(legs, seller, withFusionOverrides(fixed, { weights: { keyword: 0, style: 0 } }), 60);
    expect(fused.legs.map((l) => l.leg)).toEqual(['dense', 'neighbours']);
  });

  it('needs the catalog statistics for an "auto" keyword weight, and reads the weight from them', () => {
    expect(() => fuseMatch(legs, seller, DEFAULT_FUSION, 60)).toThrow(/statistics/);
    const counter = new TermCounter();
    for (const c of candidates) counter.add('men casual summer');
    const fused = fuseMatch(legs, seller, DEFAULT_FUSION, 60, counter.stats());
    expect(fused.keyword).toEqual({ weight: AUTO_KEYWORD_WEIGHT.low, informativeness: expect.any(Number) });
  });
});

describe('fusion settings', () => {
  it('applies config, then flags, over the defaults; untouched parts keep their values', () => {
    const s = withFusionOverrides(DEFAULT_FUSION, { weights: { style: 0.5 }, expansion: { neighbours: 5 } }, { method: 'rrf', weights: { style: 2 } }, undefined);
    expect(s.method).toBe('rrf');
    expect(s.weights).toEqual({ ...DEFAULT_FUSION.weights, style: 2 });
    expect(s.expansion).toEqual({ ...DEFAULT_FUSION.expansion, neighbours: 5 });
  });

  it('describes the legs in use in one line', () => {
    expect(describeFusion(withFusionOverrides(DEFAULT_FUSION, { weights: { text: 0 } }), 50, 60)).toBe(
      'weighted-rrf: dense 1, keyword auto, neighbours 1 (3 hits, 2 votes), style 1, focus boost 4; 50 per leg, k 60',
    );
  });
});
