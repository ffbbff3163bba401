/**
 * Writes the demo catalog's copy: hit descriptions ("Red floral chiffon midi dress with puff sleeves,
 * romantic summer style") and new products' prompt hints, from the same facts the drawings use.
 */
import type { ProductLook } from './product-look.js';
import type { Rng } from './prng.js';
import { PATTERN_WORDS, SEASONS_ZH, categoryDef, type Season } from './vocabulary.js';

export interface CopyFacts {
  look: ProductLook;
  style: string;
  season: Season;
  material: string;
  /** Add a short Chinese tag ("春季新款连衣裙") to this row. */
  chinese: boolean;
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const words = (...parts: string[]) => parts.filter(Boolean).join(' ');

function colorWords(look: ProductLook): string {
  return look.pattern === 'two_tone' ? `${look.color.name} and ${look.accent.name}` : look.color.name;
}

function featurePhrase(look: ProductLook): string {
  const def = categoryDef(look.category);
  const phrases = look.features.map((key) => def.features.find((f) => f.key === key)?.phrase ?? key);
  return phrases.length <= 1 ? (phrases[0] ?? '') : `${phrases.slice(0, -1).join(', ')} and ${phrases.at(-1)}`;
}

function chineseTag(facts: CopyFacts): string {
  return `${SEASONS_ZH[facts.season]}新款${categoryDef(facts.look.category).nounZh}`;
}

export function describeHit(rng: Rng, facts: CopyFacts): string {
  const { look, style, season, material } = facts;
  const noun = categoryDef(look.category).noun;
  const pattern = PATTERN_WORDS[look.pattern];
  const features = featurePhrase(look);
  const templates = [
    () => `${capitalize(words(colorWords(look), pattern, material, noun))} with ${features}, ${style} ${season} style`,
    () => `${capitalize(words(style, season, noun))} in ${words(colorWords(look), pattern, material)}, with ${features}`,
    () =>
      `${capitalize(words(colorWords(look), pattern, noun))} in soft ${material} with ${features}. ` +
      `${/^[aeiou]/.test(style) ? 'An' : 'A'} ${style} look for ${season}`,
  ];
  const text = rng.pick(templates)();
  return facts.chinese ? `${text} · ${chineseTag(facts)}` : text;
}

export function promptHintFor(rng: Rng, facts: CopyFacts): string {
  const def = categoryDef(facts.look.category);
  const what = words(colorWords(facts.look), PATTERN_WORDS[facts.look.pattern], def.noun);
  const text = `${capitalize(what)} with ${featurePhrase(facts.look)}; ${rng.pick(def.stagingHints)}`;
  return facts.chinese ? `${chineseTag(facts)}，${text}` : text;
}
