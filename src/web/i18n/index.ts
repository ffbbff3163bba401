/**
 * Interface languages: English and Chinese, one message catalog each with the same keys. The language is
 * the `hitline_lang` cookie (set by the switch in the page header), else the browser's Accept-Language.
 * Messages take named values (`{n}`); values are plain strings, escaped where the page inserts them.
 */
import { en, type MessageKey } from './en.js';
import { zh } from './zh.js';

export const LANGUAGES = { en, zh } as const;
export type Lang = keyof typeof LANGUAGES;
export const LANG_COOKIE = 'hitline_lang';
export type { MessageKey };

export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

export function isLang(value: string | undefined): value is Lang {
  return value === 'en' || value === 'zh';
}

export function translator(lang: Lang): Translate {
  const messages: Record<MessageKey, string> = LANGUAGES[lang];
  return (key, values = {}) => messages[key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

/** The cookie's language, else the first of Accept-Language hitline speaks, else English. */
export function chooseLang(cookie: string | undefined, acceptLanguage: string | undefined): Lang {
  if (isLang(cookie)) return cookie;
  for (const part of (acceptLanguage ?? '').split(',')) {
    const tag = part.split(';')[0].trim().toLowerCase();
    if (tag.startsWith('zh')) return 'zh';
    if (tag.startsWith('en')) return 'en';
  }
  return 'en';
}
