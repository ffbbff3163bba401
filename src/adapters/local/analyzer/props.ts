/**
 * Props named by the references' descriptions ("styled with a straw hat on a wooden chair" → hat, chair).
 * Only words from a fixed list of things that sit beside a product in a photo count, and a word that names
 * the product's own category (a bag in a handbag catalog) is the product, not a prop.
 */
import { tokenize } from '../../../search/tokenize.js';

const PROP_WORDS = new Set(
  (
    'hat cap sunglass scarf belt bag handbag necklace earring bracelet watch flower bouquet plant palm ' +
    'chair stool bench table sofa umbrella bicycle bike book magazine coffee cup mug basket mirror rug blanket pillow cushion ' +
    'box podium pedestal plinth hanger rack ball racket skateboard surfboard headphone laptop phone camera car fruit ' +
    'candle vase tray towel shell sand stone rock wood crate ladder lamp'
  ).split(' '),
);

/** The tokenizer folds plurals; some props read better in the plural. */
const DISPLAY: Record<string, string> = { sunglass: 'sunglasses', headphone: 'headphones', earring: 'earrings' };

const MAX_PROPS = 5;

/** Props found in the descriptions, most weighted first; `weights[i]` belongs to `descriptions[i]`. */
export function propsFromDescriptions(descriptions: readonly string[], weights: readonly number[], productCategoryText: string): string[] {
  const own = new Set(tokenize(productCategoryText));
  const score = new Map<string, number>();
  descriptions.forEach((text, i) => {
    for (const word of new Set(tokenize(text))) {
      if (!PROP_WORDS.has(word) || own.has(word)) continue;
      score.set(word, (score.get(word) ?? 0) + (weights[i] ?? 0));
    }
  });
  return [...score.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, MAX_PROPS)
    .map(([word]) => DISPLAY[word] ?? word);
}
