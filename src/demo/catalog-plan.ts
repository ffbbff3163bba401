/**
 * Decides, before anything is drawn, what the demo catalog holds: which hits and new products, their
 * colours, styles, seasons, sales and prices, and how each hit is staged. Pure and deterministic for a seed.
 */
import { UserInputError } from '../core/errors.js';
import { luminance } from './art/color.js';
import { describeHit, promptHintFor } from './copy.js';
import { Rng } from './prng.js';
import type { ProductLook } from './product-look.js';

export type { ProductLook } from './product-look.js';
import {
  ACCENTS_FOR_DARK,
  ACCENTS_FOR_LIGHT,
  CATEGORIES,
  COLORS,
  FLAT_LAY_UNSAFE_COLORS,
  NEW_PRODUCT_CATEGORY_ORDER,
  STYLE_SCENES,
  type CategoryDef,
  type DemoCategory,
  type DemoColor,
  type Display,
  type PatternKind,
  type SceneFamily,
  type Season,
} from './vocabulary.js';

/** The hybrid search's default filter keeps hits selling more than this; the demo puts most hits above it. */
export const DEMO_SALES_THRESHOLD = 1500;
/** Each category gets at least this many hits above the threshold, so every new product finds a top 3. */
export const MIN_QUALIFYING_HITS_PER_CATEGORY = 3;
/** Every category also gets one hit below the threshold, to show the filter working. */
export const MIN_HITS = CATEGORIES.length * (MIN_QUALIFYING_HITS_PER_CATEGORY + 1);
export const MAX_ITEMS = 999; // SKU001..SKU999

/** What a product looks like; the drawing code needs nothing else. */
interface PlannedItem {
  look: ProductLook;
  style: string;
  season: Season;
  material: string;
  /** Seeds the drawing's own small choices (placement, props) independently of the plan. */
  artSeed: number;
}

export interface HitPlan extends PlannedItem {
  productId: string;
  imageFile: string;
  salesCount: number;
  price: number;
  description: string;
  scene: SceneFamily;
  display: Display;
}

export interface NewProductPlan extends PlannedItem {
  newId: string;
  imageFile: string;
  promptHint: string;
}

export interface DemoPlan {
  hits: HitPlan[];
  newProducts: NewProductPlan[];
}

export interface DemoPlanOptions {
  hits: number;
  newProducts: number;
  seed: number;
}

const SCENE_FAMILIES: readonly SceneFamily[] = ['warm_studio', 'cool_minimal', 'outdoor', 'wood_lifestyle'];

export function validatePlanOptions(options: DemoPlanOptions): void {
  const check = (name: string, value: number, min: number, max: number) => {
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new UserInputError(`demo: ${name} must be a whole number from ${min} to ${max}, got ${value}`, {
        hint: `Pass a ${name} between ${min} and ${max}, or leave it out for the default.`,
      });
    }
  };
  check('hits', options.hits, MIN_HITS, MAX_ITEMS);
  check('newProducts', options.newProducts, 1, MAX_ITEMS);
  check('seed', options.seed, 0, 2 ** 31 - 1);
}

export function planDemoCatalog(options: DemoPlanOptions): DemoPlan {
  validatePlanOptions(options);
  const rng = new Rng(options.seed);
  const hits = planHits(rng.fork(), options.hits);
  const newProducts = planNewProducts(rng.fork(), options.newProducts, hits);
  return { hits, newProducts };
}

function planHits(rng: Rng, count: number): HitPlan[] {
  // Categories share the hits as evenly as possible; SKU numbers are then shuffled like a real catalog.
  const perCategory = CATEGORIES.map((def, i) => ({
    def,
    n: Math.floor(count / CATEGORIES.length) + (i < count % CATEGORIES.length ? 1 : 0),
  }));
  const drafts: Omit<HitPlan, 'productId' | 'imageFile'>[] = [];
  for (const { def, n } of perCategory) {
    const sales = planSales(rng, n);
    for (let i = 0; i < n; i++) {
      const item = planItem(rng, def, false);
      const salesCount = sales[i];
      const scene = pickScene(rng, item.style);
      const display = rng.weighted(def.displays);
      const price = planPrice(rng, def, salesCount);
      // The first qualifying hit of each category carries Chinese copy, to exercise the tokenizer.
      const chinese = i === sales.findIndex((s) => s > DEMO_SALES_THRESHOLD);
      const description = describeHit(rng, { ...item, chinese });
      drafts.push({ ...item, salesCount, price, description, scene, display });
    }
  }
  return rng.shuffle(drafts).map((draft, i) => {
    const productId = `SKU${String(i + 1).padStart(3, '0')}`;
    return { productId, imageFile: `${productId}.jpg`, ...draft };
  });
}

/** Sales for one category: most above the threshold (skewed toward the low thousands), one or two below. */
function planSales(rng: Rng, n: number): number[] {
  const wantLow = Math.floor(n * 0.15) + (rng.chance((n * 0.15) % 1) ? 1 : 0);
  const low = Math.max(1, Math.min(wantLow, n - MIN_QUALIFYING_HITS_PER_CATEGORY));
  const sales = Array.from({ length: n }, (_, i) =>
    i < low ? rng.int(30, 145) * 10 : Math.round(1600 + 7400 * rng.next() ** 1.6),
  );
  return rng.shuffle(sales);
}

function planPrice(rng: Rng, def: CategoryDef, salesCount: number): number {
  const [min, max] = def.price;
  // Best sellers lean toward the cheaper half of the range, as they do in most shops.
  const lean = salesCount > 5000 ? 0.7 : 1;
  const whole = Math.floor(min + (max - min) * lean * rng.next());
  return whole + rng.pick([0.99, 0.9, 0.5, 0.0]);
}

function pickScene(rng: Rng, style: string): SceneFamily {
  const usual = STYLE_SCENES[style] ?? 'warm_studio';
  return rng.chance(0.65) ? usual : rng.pick(SCENE_FAMILIES);
}

function planItem(rng: Rng, def: CategoryDef, forFlatLay: boolean): PlannedItem {
  const colorNames = forFlatLay ? def.colors.filter((c) => !FLAT_LAY_UNSAFE_COLORS.has(c)) : def.colors;
  const color = COLORS[rng.pick(colorNames)];
  const accentNames = luminance(color.hex) > 0.55 ? ACCENTS_FOR_LIGHT : ACCENTS_FOR_DARK;
  const accent = COLORS[rng.pick(accentNames.filter((a) => a !== color.name))];
  return {
    look: {
      category: def.category,
      color,
      accent,
      pattern: rng.weighted(def.patterns),
      features: pickFeatures(rng, def),
    },
    style: rng.pick(def.styles),
    season: rng.weighted(def.seasons),
    material: rng.pick(def.materials),
    artSeed: rng.int(0, 2 ** 31 - 1),
  };
}

/** One or two features, never two from the same group. */
function pickFeatures(rng: Rng, def: CategoryDef): string[] {
  const wanted = rng.chance(0.55) ? 2 : 1;
  const chosen: string[] = [];
  const groups = new Set<string>();
  for (const feature of rng.shuffle(def.features)) {
    if (chosen.length === wanted) break;
    if (feature.group && groups.has(feature.group)) continue;
    chosen.push(feature.key);
    if (feature.group) groups.add(feature.group);
  }
  return chosen;
}

function planNewProducts(rng: Rng, count: number, hits: HitPlan[]): NewProductPlan[] {
  return Array.from({ length: count }, (_, i) => {
    const category = NEW_PRODUCT_CATEGORY_ORDER[i % NEW_PRODUCT_CATEGORY_ORDER.length];
    const def = CATEGORIES.find((c) => c.category === category)!;
    const item = planItem(rng, def, true);
    // Sellers launch new products in the style and season of what already sells: borrow them from a qualifying hit.
    const model = rng.pick(hits.filter((h) => h.look.category === category && h.salesCount > DEMO_SALES_THRESHOLD));
    const planned = { ...item, style: model.style, season: model.season };
    const newId = `NEW${String(i + 1).padStart(3, '0')}`;
    const promptHint = promptHintFor(rng, { ...planned, chinese: i === 0 });
    return { ...planned, newId, imageFile: `${newId}.jpg`, promptHint };
  });
}
