/**
 * What kind of product a category names: it decides how the product is posed or arranged
 * (a model wears apparel; shoes stand on the floor; a bag stands upright; small accessories lie at an angle).
 */
import { tokenize } from './tokenize.js';

export type ProductKind = 'apparel' | 'footwear' | 'bag' | 'accessory';

const KIND_WORDS: Record<Exclude<ProductKind, 'apparel'>, { words: string[]; han: string[] }> = {
  footwear: {
    words: ['shoe', 'sneaker', 'sandal', 'boot', 'heel', 'flip', 'flop', 'slipper', 'loafer', 'footwear', 'trainer', 'pump', 'moccasin', 'espadrille', 'clog'],
    han: ['鞋', '靴'],
  },
  bag: {
    words: ['bag', 'handbag', 'backpack', 'clutch', 'tote', 'wallet', 'purse', 'satchel', 'luggage', 'suitcase', 'pouch', 'duffel'],
    han: ['包', '箱'],
  },
  accessory: {
    words: ['watch', 'sunglass', 'glass', 'eyewear', 'jewellery', 'jewelry', 'necklace', 'earring', 'ring', 'bracelet', 'belt', 'cap', 'hat', 'scarf', 'tie', 'cufflink', 'pendant', 'brooch', 'accessory', 'accessories', 'wristband', 'sock'],
    han: ['表', '眼镜', '项链', '耳环', '戒指', '手链', '腰带', '帽', '围巾', '领带', '饰'],
  },
};

/** The kind named by the first text that names one (category first, then more general fields); apparel otherwise. */
export function productKind(...texts: readonly string[]): ProductKind {
  for (const text of texts) {
    const tokens = new Set(tokenize(text));
    for (const [kind, { words, han }] of Object.entries(KIND_WORDS) as [ProductKind, { words: string[]; han: string[] }][]) {
      if (words.some((w) => tokens.has(w)) || han.some((h) => text.includes(h))) return kind;
    }
  }
  return 'apparel';
}
