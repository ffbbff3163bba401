import { describe, expect, it } from 'vitest';
import { foldPlural, keywordText, tokenize } from '../../src/search/tokenize.js';

describe('tokenize: English', () => {
  it('lower-cases and splits on punctuation and underscores (midi_dress → midi dress)', () => {
    expect(tokenize('Floral MIDI_Dress, Puff-Sleeve!')).toEqual(['floral', 'midi', 'dress', 'puff', 'sleeve']);
  });

  it('drops stop words', () => {
    expect(tokenize('the coat with a belt and an hood for the winter')).toEqual(['coat', 'belt', 'hood', 'winter']);
  });

  it('folds plurals so documents and queries meet on the singular', () => {
    expect(tokenize('dresses boxes berries straps shoes')).toEqual(['dress', 'box', 'berry', 'strap', 'shoe']);
    for (const [plural, singular] of [['dresses', 'dress'], ['skirts', 'skirt'], ['accessories', 'accessory']]) {
      expect(tokenize(plural)).toEqual(tokenize(singular));
    }
  });

  it('leaves words that only look plural alone: -ss, -us, -is, short words, words with digits', () => {
    expect(tokenize('glass status chassis bus yes 10s upf50s')).toEqual(['glass', 'status', 'chassis', 'bus', 'yes', '10s', 'upf50s']);
    expect(foldPlural('dress')).toBe('dress');
  });

  it('normalises full-width characters (NFKC) before splitting', () => {
    expect(tokenize('ＵＰＦ５０ ｆｕｌｌ－ｗｉｄｔｈ')).toEqual(['upf50', 'full', 'width']);
  });

  it('returns no tokens for empty, blank or punctuation-only text', () => {
    expect(tokenize('')).toEqual([]);
    expect(tokenize('  \n\t ')).toEqual([]);
    expect(tokenize('!!! --- ??? ...')).toEqual([]);
  });

  it('never emits query-syntax characters, whatever the input', () => {
    const hostile = `"dress" OR 'x' AND -red +wool~2 (coat) [a TO z] title:silk * ? \\ ; -- /* */ 羽绒服`;
    for (const token of tokenize(hostile)) expect(token).toMatch(/^[\p{L}\p{N}]+$/u);
  });
});

describe('tokenize: Chinese', () => {
  it('segments 羽绒服 with search segmentation: the word and its sub-word', () => {
    const tokens = tokenize('羽绒服');
    expect(tokens).toContain('羽绒服');
    expect(tokens).toContain('羽绒');
    for (const t of tokens) expect('羽绒服').toContain(t);
  });

  it('lets a shorter query word meet a longer document word (羽绒 finds 羽绒服)', () => {
    const doc = new Set(tokenize('冬季 长款 羽绒服'));
    expect(tokenize('羽绒').some((t) => doc.has(t))).toBe(true);
  });

  it('segments a run without spaces into words', () => {
    const tokens = tokenize('连衣裙碎花夏季');
    expect(tokens).toEqual(expect.arrayContaining(['连衣裙', '碎花', '夏季']));
  });

  it('keeps Latin+digit tokens beside Chinese ones ("UPF50 防晒衣")', () => {
    const tokens = tokenize('UPF50 防晒衣');
    expect(tokens[0]).toBe('upf50');
    expect(tokens.slice(1)).toEqual(tokenize('防晒衣'));
    expect(tokens.slice(1).length).toBeGreaterThan(0);
  });
});

describe('English edge cases', () => {
  it('drops the lone letters left by possessives and keeps lone digits (sizes)', () => {
    expect(tokenize("Women's dress, it's size 8")).toEqual(['women', 'dress', 'size', '8']);
  });

  it('keeps a lone letter joined by a hyphen as one word, so T-shirt meets tshirt', () => {
    expect(tokenize('Blue T-shirt with a V-neck, A-line skirt')).toEqual(['blue', 'tshirt', 'vneck', 'aline', 'skirt']);
    expect(tokenize('tshirt')).toEqual(tokenize('T-Shirts'));
    expect(tokenize('anti-slip sole')).toEqual(['anti', 'slip', 'sole']);
  });

  it('leaves words that only look plural alone', () => {
    expect(tokenize('series species canvas news')).toEqual(['series', 'species', 'canvas', 'news']);
    expect(tokenize('dress glass bus')).toEqual(['dress', 'glass', 'bus']);
  });
});

describe('keywordText', () => {
  it('joins the tokens of all given parts with single spaces, skipping empty parts', () => {
    expect(keywordText('Red', undefined, null, '', 'Dresses')).toBe('red dress');
    expect(keywordText('羽绒服', 'Winter Coats')).toBe([...tokenize('羽绒服'), 'winter', 'coat'].join(' '));
    expect(keywordText()).toBe('');
  });

  it('is deterministic', () => {
    const text = 'Floral midi_dress 连衣裙 UPF50 防晒衣';
    expect(keywordText(text)).toBe(keywordText(text));
  });
});
