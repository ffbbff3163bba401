/**
 * hitline's own multilingual tokenizer. Both stores index the space-joined output of `tokenize`
 * (LanceDB with a whitespace tokenizer, Milvus as client-side sparse weights), so they agree on terms.
 * English: NFKC, lower case, split on anything that is not a letter or digit (so `midi_dress` gives
 * `midi dress`), stop words dropped, plurals folded. Chinese (and other Han text): jieba's search
 * segmentation, which emits both words and their sub-words (羽绒服 → 羽绒 羽绒服).
 */
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';

let jieba: Jieba | undefined;
function segmenter(): Jieba {
  jieba ??= Jieba.withDict(dict);
  return jieba;
}

const STOP_WORDS = new Set(
  ('a an and are as at be but by for from has have in into is it its of on or our that the this those these to was ' +
    'were will with without your you we their they them very more most so such than then there too can also').split(' '),
);

const HAN = /\p{Script=Han}/u;
// Runs of Han characters, or runs of other letters/digits.
const RUNS = /\p{Script=Han}+|[\p{L}\p{N}]+/gu;

/** Folds common English plurals so "dresses" and "dress" meet. Applied the same way to documents and queries. */
// Words ending in s that are not plurals (the -ss/-us/-is rule below covers dress, bus, chassis).
const NOT_PLURALS = new Set(['series', 'species', 'news', 'canvas', 'lens']);

export function foldPlural(word: string): string {
  if (word.length <= 3 || /\d/.test(word) || NOT_PLURALS.has(word)) return word;
  if (word.endsWith('ies') && word.length > 4) return word.slice(0, -3) + 'y';
  if (/(ss|x|z|ch|sh)es$/.test(word)) return word.slice(0, -2);
  if (word.endsWith('s') && !/(ss|us|is)$/.test(word)) return word.slice(0, -1);
  return word;
}

/** Splits text into index terms. Deterministic; never returns query-syntax characters. */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  // "T-shirt", "V-neck", "A-line": a lone letter joined by a hyphen is one word (tshirt), not a dropped letter.
  const normalized = text.normalize('NFKC').toLowerCase().replace(/(?<![\p{L}\p{N}])(\p{L})-(?=\p{L}{2})/gu, '$1');
  for (const match of normalized.matchAll(RUNS)) {
    const run = match[0];
    if (HAN.test(run)) {
      for (const word of segmenter().cutForSearch(run, true)) {
        if (word.trim()) out.push(word);
      }
    } else if (!STOP_WORDS.has(run) && !(run.length === 1 && /\p{L}/u.test(run))) {
      // Single letters ("s" of "women's") carry no meaning as terms; single digits (sizes) do.
      out.push(foldPlural(run));
    }
  }
  return out;
}

/** The `keywords` text a store indexes for a product or uses as a keyword query: tokens joined by spaces. */
export function keywordText(...parts: Array<string | undefined | null>): string {
  return tokenize(parts.filter((p): p is string => typeof p === 'string' && p.length > 0).join(' ')).join(' ');
}
