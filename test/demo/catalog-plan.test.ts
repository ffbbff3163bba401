import { describe, expect, it } from 'vitest';
import { demoCsvs } from '../../src/demo/build-demo-catalog.js';
import { DEMO_SALES_THRESHOLD, MIN_HITS, planDemoCatalog } from '../../src/demo/catalog-plan.js';
import { UserInputError } from '../../src/core/errors.js';
import { CATEGORIES } from '../../src/demo/vocabulary.js';

function qualifyingByCategory(plan: ReturnType<typeof planDemoCatalog>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const h of plan.hits) {
    if (h.salesCount > DEMO_SALES_THRESHOLD) counts.set(h.look.category, (counts.get(h.look.category) ?? 0) + 1);
  }
  return counts;
}

describe('demo catalog plan', () => {
  // The search filter is `same category and sales_count > 1500`, top 3 kept: every new product must find 3.
  it('gives every new product 3+ qualifying hits in its category and keeps slow sellers, for any seed and size', () => {
    for (const hits of [MIN_HITS, MIN_HITS + 1, 40, 97]) {
      for (let seed = 0; seed < 25; seed++) {
        const plan = planDemoCatalog({ hits, newProducts: 7, seed });
        expect(plan.hits).toHaveLength(hits);
        const qualifying = qualifyingByCategory(plan);
        for (const n of plan.newProducts) expect(qualifying.get(n.look.category) ?? 0).toBeGreaterThanOrEqual(3);
        for (const def of CATEGORIES) {
          const inCategory = plan.hits.filter((h) => h.look.category === def.category);
          expect(inCategory.some((h) => h.salesCount <= DEMO_SALES_THRESHOLD), `${def.category} has a slow seller`).toBe(true);
        }
        const slow = plan.hits.filter((h) => h.salesCount <= DEMO_SALES_THRESHOLD).length;
        expect(slow).toBeLessThan(hits * 0.35);
        for (const h of plan.hits) {
          expect(h.salesCount).toBeGreaterThanOrEqual(300);
          expect(h.salesCount).toBeLessThanOrEqual(9000);
        }
      }
    }
  });

  it('spreads new products over the categories, starting with four different ones', () => {
    const plan = planDemoCatalog({ hits: 40, newProducts: 4, seed: 3 });
    expect(new Set(plan.newProducts.map((n) => n.look.category)).size).toBe(4);
  });

  it('gives new products the style and season of a best seller in their category', () => {
    const plan = planDemoCatalog({ hits: 40, newProducts: 5, seed: 11 });
    for (const n of plan.newProducts) {
      const best = plan.hits.filter((h) => h.look.category === n.look.category && h.salesCount > DEMO_SALES_THRESHOLD);
      expect(best.some((h) => h.style === n.style)).toBe(true);
      expect(best.some((h) => h.season === n.season)).toBe(true);
    }
  });

  it('writes copy that agrees with the row: colour, product noun, style and season', () => {
    const plan = planDemoCatalog({ hits: 40, newProducts: 4, seed: 5 });
    const nouns: Record<string, string> = Object.fromEntries(CATEGORIES.map((c) => [c.category, c.noun]));
    for (const h of plan.hits) {
      const text = h.description.toLowerCase();
      expect(text).toContain(h.look.color.name);
      expect(text).toContain(nouns[h.look.category]);
      expect(text).toContain(h.style);
      expect(text).toContain(h.season);
      expect(h.description.length).toBeLessThanOrEqual(500); // the tutorial's VARCHAR(500)
    }
    for (const n of plan.newProducts) expect(n.promptHint.toLowerCase()).toContain(nouns[n.look.category]);
  });

  it('is deterministic for a seed and different across seeds', () => {
    const a = demoCsvs(planDemoCatalog({ hits: 40, newProducts: 4, seed: 9 }));
    const b = demoCsvs(planDemoCatalog({ hits: 40, newProducts: 4, seed: 9 }));
    const c = demoCsvs(planDemoCatalog({ hits: 40, newProducts: 4, seed: 10 }));
    expect(b).toEqual(a);
    expect(c.products).not.toEqual(a.products);
  });

  it('rejects sizes it cannot honour with a UserInputError that says what to pass', () => {
    for (const bad of [{ hits: MIN_HITS - 1 }, { hits: 2.5 }, { hits: 1000 }, { newProducts: 0 }, { seed: -1 }]) {
      const attempt = () => planDemoCatalog({ hits: 40, newProducts: 4, seed: 1, ...bad });
      expect(attempt).toThrow(UserInputError);
      try {
        attempt();
      } catch (err) {
        expect((err as UserInputError).message).toMatch(/hits|newProducts|seed/);
        expect((err as UserInputError).hint).toMatch(/between/);
      }
    }
  });
});
