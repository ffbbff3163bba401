/** The interface's message catalogs: the same keys in English and Chinese, the same placeholders, nothing empty. */
import { describe, expect, it } from 'vitest';
import { chooseLang, LANGUAGES, translator } from '../../src/web/i18n/index.js';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('the web app\'s message catalogs', () => {
  it('have the same keys in every language', () => {
    expect(Object.keys(LANGUAGES.zh).sort()).toEqual(Object.keys(LANGUAGES.en).sort());
  });

  it('use the same placeholders for each key, and no message is empty', () => {
    for (const [key, text] of Object.entries(LANGUAGES.en)) {
      expect(placeholders(LANGUAGES.zh[key as keyof typeof LANGUAGES.en]), key).toEqual(placeholders(text));
      expect(text.trim(), key).not.toBe('');
      expect(LANGUAGES.zh[key as keyof typeof LANGUAGES.en].trim(), key).not.toBe('');
    }
  });

  it('fills placeholders and picks the language from the cookie, then Accept-Language', () => {
    expect(translator('en')('catalog.total', { n: 3 })).toBe('3 products');
    expect(translator('zh')('catalog.total', { n: 3 })).toBe('共 3 件商品');
    expect(chooseLang('zh', 'en-US')).toBe('zh');
    expect(chooseLang(undefined, 'zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh');
    expect(chooseLang('fr', 'de-DE, en;q=0.5')).toBe('en');
  });
});
