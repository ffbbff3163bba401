/**
 * The words and colours the demo catalog is drawn from. One table drives both the pictures and the copy,
 * so a description that says "puff sleeves" belongs to a drawing that has them.
 */

export type DemoCategory = 'midi_dress' | 'knit_cardigan' | 'tshirt' | 'sneakers' | 'handbag';

export type PatternKind =
  | 'solid'
  | 'floral'
  | 'dots'
  | 'stripes'
  | 'gingham'
  | 'cable'
  | 'rib'
  | 'print'
  | 'quilted'
  | 'two_tone';

/** The families of promo scene a hit is photographed in. */
export type SceneFamily = 'warm_studio' | 'cool_minimal' | 'outdoor' | 'wood_lifestyle';

/** How a hit product is presented inside its scene. */
export type Display = 'form' | 'hanger' | 'floor' | 'plinth';

export type Season = 'spring' | 'summer' | 'autumn' | 'winter';

export interface DemoColor {
  name: string;
  hex: string;
}

export interface FeatureDef {
  key: string;
  /** How the copy says it: "a belted waist". */
  phrase: string;
  /** At most one feature of a group per product (a dress has one kind of sleeve). */
  group?: string;
}

export interface CategoryDef {
  category: DemoCategory;
  /** The product noun in English copy: "midi dress". */
  noun: string;
  /** The same in Chinese, for the rows that carry Chinese copy. */
  nounZh: string;
  colors: string[];
  styles: string[];
  seasons: readonly (readonly [Season, number])[];
  materials: string[];
  patterns: readonly (readonly [PatternKind, number])[];
  features: FeatureDef[];
  /** Price range in the shop's currency. */
  price: readonly [number, number];
  displays: readonly (readonly [Display, number])[];
  /** Staging wishes a seller writes into prompt_hint. */
  stagingHints: string[];
}

export const COLORS: Record<string, DemoColor> = Object.fromEntries(
  (
    [
      ['red', '#b8322c'],
      ['burgundy', '#6e1f2b'],
      ['pink', '#e39aa6'],
      ['lavender', '#a897cf'],
      ['navy', '#243257'],
      ['blue', '#5b87c5'],
      ['sage', '#8fa98a'],
      ['olive', '#6b6b3a'],
      ['green', '#2f6b4f'],
      ['mustard', '#d29f24'],
      ['camel', '#c08a50'],
      ['beige', '#d8c09c'],
      ['cream', '#f0e4cb'],
      ['white', '#f4f3ef'],
      ['grey', '#8e9095'],
      ['charcoal', '#3c3d43'],
      ['black', '#1e1e22'],
      ['brown', '#6b4530'],
    ] as const
  ).map(([name, hex]) => [name, { name, hex }]),
);

/** Colours too close to a near-white background for a flat lay to be cut out cleanly. */
export const FLAT_LAY_UNSAFE_COLORS = new Set(['white', 'cream']);

export const PATTERN_WORDS: Record<PatternKind, string> = {
  solid: '',
  floral: 'floral',
  dots: 'polka-dot',
  stripes: 'striped',
  gingham: 'gingham',
  cable: 'cable-knit',
  rib: 'ribbed',
  print: 'graphic print',
  quilted: 'quilted',
  two_tone: 'two-tone',
};

export const SEASONS_ZH: Record<Season, string> = { spring: '春季', summer: '夏季', autumn: '秋季', winter: '冬季' };

/** Which scene family a style is usually shot in; the rest of the time another family is drawn. */
export const STYLE_SCENES: Record<string, SceneFamily> = {
  romantic: 'outdoor',
  bohemian: 'outdoor',
  sporty: 'outdoor',
  elegant: 'cool_minimal',
  minimalist: 'cool_minimal',
  streetwear: 'cool_minimal',
  vintage: 'wood_lifestyle',
  cozy: 'wood_lifestyle',
  casual: 'warm_studio',
  preppy: 'warm_studio',
  classic: 'warm_studio',
};

export const CATEGORIES: readonly CategoryDef[] = [
  {
    category: 'midi_dress',
    noun: 'midi dress',
    nounZh: '连衣裙',
    colors: ['red', 'burgundy', 'pink', 'lavender', 'navy', 'blue', 'sage', 'mustard', 'black', 'white', 'green', 'cream'],
    styles: ['romantic', 'elegant', 'bohemian', 'vintage', 'casual'],
    seasons: [['spring', 3], ['summer', 4], ['autumn', 1]],
    materials: ['chiffon', 'cotton', 'linen', 'satin', 'crepe', 'viscose'],
    patterns: [['solid', 3], ['floral', 3], ['dots', 2], ['stripes', 1], ['gingham', 1]],
    features: [
      { key: 'puff_sleeves', phrase: 'puff sleeves', group: 'sleeves' },
      { key: 'short_sleeves', phrase: 'short sleeves', group: 'sleeves' },
      { key: 'sleeveless', phrase: 'a sleeveless cut', group: 'sleeves' },
      { key: 'belt', phrase: 'a belted waist' },
      { key: 'fitted_waist', phrase: 'a fitted waist' },
      { key: 'v_neck', phrase: 'a V-neckline', group: 'neck' },
      { key: 'square_neck', phrase: 'a square neckline', group: 'neck' },
    ],
    price: [39, 129],
    displays: [['form', 6], ['hanger', 4]],
    stagingHints: [
      'full-length shot so the skirt can flow',
      'soft natural light, keep the print sharp',
      'walking pose, hem in motion',
    ],
  },
  {
    category: 'knit_cardigan',
    noun: 'cardigan',
    nounZh: '针织开衫',
    colors: ['cream', 'beige', 'camel', 'grey', 'charcoal', 'sage', 'pink', 'navy', 'burgundy', 'brown', 'olive', 'mustard'],
    styles: ['cozy', 'vintage', 'preppy', 'minimalist', 'casual'],
    seasons: [['autumn', 4], ['winter', 3], ['spring', 2]],
    materials: ['wool', 'merino wool', 'cotton knit', 'mohair-blend', 'cashmere-blend'],
    patterns: [['cable', 5], ['rib', 4], ['stripes', 1]],
    features: [
      { key: 'pearl_buttons', phrase: 'pearl buttons', group: 'buttons' },
      { key: 'wood_buttons', phrase: 'wooden buttons', group: 'buttons' },
      { key: 'pockets', phrase: 'patch pockets' },
      { key: 'cropped', phrase: 'a cropped length' },
      { key: 'ribbed_cuffs', phrase: 'ribbed cuffs' },
    ],
    price: [35, 99],
    displays: [['form', 45], ['hanger', 55]],
    stagingHints: [
      'worn open over a white tee',
      'cosy warm light, buttons clearly visible',
      'relaxed half-body shot, hands in pockets',
    ],
  },
  {
    category: 'tshirt',
    noun: 't-shirt',
    nounZh: 'T恤',
    colors: ['white', 'black', 'grey', 'navy', 'blue', 'red', 'green', 'olive', 'pink', 'mustard'],
    styles: ['casual', 'minimalist', 'sporty', 'streetwear'],
    seasons: [['summer', 4], ['spring', 2], ['autumn', 1]],
    materials: ['cotton', 'organic cotton', 'slub jersey', 'cotton-blend'],
    patterns: [['solid', 45], ['stripes', 30], ['print', 25]],
    features: [
      { key: 'crew_neck', phrase: 'a crew neck', group: 'neck' },
      { key: 'v_neck', phrase: 'a V-neck', group: 'neck' },
      { key: 'boxy', phrase: 'a relaxed boxy fit' },
      { key: 'pocket', phrase: 'a chest pocket' },
    ],
    price: [12, 39],
    displays: [['hanger', 7], ['form', 3]],
    stagingHints: ['front view on a model, relaxed fit', 'keep the print crisp and centred', 'street setting, daylight'],
  },
  {
    category: 'sneakers',
    noun: 'sneakers',
    nounZh: '运动鞋',
    colors: ['white', 'black', 'grey', 'navy', 'red', 'green', 'beige', 'blue'],
    styles: ['sporty', 'streetwear', 'casual', 'minimalist'],
    seasons: [['spring', 2], ['summer', 2], ['autumn', 2], ['winter', 1]],
    materials: ['leather', 'canvas', 'suede', 'knit mesh'],
    patterns: [['solid', 6], ['two_tone', 4]],
    features: [
      { key: 'chunky', phrase: 'a chunky sole' },
      { key: 'gum_sole', phrase: 'a gum sole' },
      { key: 'contrast_laces', phrase: 'contrast laces' },
      { key: 'padded_collar', phrase: 'a padded collar' },
    ],
    price: [49, 149],
    displays: [['floor', 5], ['plinth', 5]],
    stagingHints: ['side view of both shoes, clean sole edge', 'on pavement with a soft shadow', 'low angle, sole visible'],
  },
  {
    category: 'handbag',
    noun: 'handbag',
    nounZh: '手提包',
    colors: ['black', 'brown', 'camel', 'beige', 'burgundy', 'red', 'cream', 'olive', 'navy'],
    styles: ['elegant', 'classic', 'minimalist', 'vintage'],
    seasons: [['spring', 1], ['summer', 1], ['autumn', 1], ['winter', 1]],
    materials: ['leather', 'vegan leather', 'suede', 'pebbled leather'],
    patterns: [['solid', 6], ['quilted', 4]],
    features: [
      { key: 'gold_clasp', phrase: 'a gold-tone clasp', group: 'clasp' },
      { key: 'turn_lock', phrase: 'a turn-lock closure', group: 'clasp' },
      { key: 'strap', phrase: 'a detachable shoulder strap' },
      { key: 'top_handle', phrase: 'a sturdy top handle' },
    ],
    price: [39, 189],
    displays: [['plinth', 55], ['floor', 45]],
    stagingHints: ['held by the top handle', 'show the clasp detail sharply', 'on a cafe table, daylight'],
  },
];

export function categoryDef(category: DemoCategory): CategoryDef {
  const def = CATEGORIES.find((c) => c.category === category);
  if (!def) throw new Error(`unknown demo category ${category}`);
  return def;
}

/** Neutral colours used for belts, laces, buttons and second tones; chosen to stand out from the main colour. */
export const ACCENTS_FOR_LIGHT = ['navy', 'black', 'brown', 'charcoal', 'burgundy'];
export const ACCENTS_FOR_DARK = ['cream', 'white', 'beige', 'camel', 'mustard'];

/** New products cycle through these, so even 4 of them cover 4 categories. */
export const NEW_PRODUCT_CATEGORY_ORDER: readonly DemoCategory[] = [
  'midi_dress',
  'knit_cardigan',
  'sneakers',
  'handbag',
  'tshirt',
];
