/**
 * Loose but usable model answers, made usable without a paid repair. Real vision models answer a structured
 * request with the JSON in a Markdown fence or inside prose, colours by name ("navy blue") or as rgb(), a
 * prompt over its word limit, or a field nobody asked for. Each helper here fixes one such thing and says
 * what it did, in words that go into the run's warnings (summary.json, report.html); what cannot be fixed
 * is left for the schema to refuse, and only then is a repair asked for (brief-answer.ts, vision-checker.ts).
 */
import { parseColor, toHex } from '../../imaging/color.js';
import { wordCount } from '../../core/style-brief.js';

/** Why an answer's JSON had to be taken out of its text, as a warning. */
export function unwrappedWarning(unwrapped: 'fence' | 'prose'): string {
  return unwrapped === 'fence' ? 'the JSON came inside a Markdown code fence; it was read from the fence' : 'the JSON came with text around it; the object was read out of it';
}

/** A JSON object as a record, or undefined for anything else (left for the schema to refuse). */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? { ...(value as Record<string, unknown>) } : undefined;
}

/** Removes the fields outside `known` from `record`; a warning naming them, or undefined when there were none. */
export function dropUnknownFields(record: Record<string, unknown>, known: readonly string[]): string | undefined {
  const unknown = Object.keys(record).filter((key) => !known.includes(key));
  for (const key of unknown) delete record[key];
  return unknown.length ? `field${unknown.length > 1 ? 's' : ''} nobody asked for ${unknown.map((k) => JSON.stringify(k)).join(', ')} ${unknown.length > 1 ? 'were' : 'was'} ignored` : undefined;
}

/** Sets a missing (absent or null) field to `fallback`; a warning when it did. */
export function defaultMissing(record: Record<string, unknown>, field: string, fallback: unknown, what: string): string | undefined {
  if (record[field] !== undefined && record[field] !== null) return undefined;
  record[field] = fallback;
  return `"${field}" was missing; ${what}`;
}

const HEX = /^#[0-9a-f]{6}$/i;

/**
 * A colour as a model may write it, as #rrggbb: a hex code inside text ("navy (#1f2a44)"), #rgb, #rrggbbaa,
 * a hex code without "#", rgb()/hsl(), a CSS colour name, words that join into one ("light grey" →
 * lightgrey), or else the first word that is one ("navy blue" → navy). Undefined when none of those reads.
 */
export function colourAsHex(text: string): string | undefined {
  const written = text.trim();
  if (HEX.test(written)) return written;
  const embedded = /#[0-9a-f]{6}(?![0-9a-f])/i.exec(written);
  if (embedded) return embedded[0].toLowerCase();
  const lower = written.toLowerCase();
  const words = lower.split(/[\s_-]+/).filter(Boolean);
  const candidates = [lower, /^[0-9a-f]{6}$/.test(lower) ? `#${lower}` : '', words.join(''), ...words];
  for (const candidate of candidates) {
    if (!candidate || candidate === 'transparent') continue;
    try {
      return toHex(parseColor(candidate));
    } catch {
      // not a colour; try the next reading
    }
  }
  return undefined;
}

/**
 * `text` cut to at most `max` words: at the end of the last sentence that fits when that keeps at least half
 * of the allowance, else at a word boundary (trailing commas and dashes dropped).
 */
export function trimToWords(text: string, max: number): { text: string; at: 'sentence' | 'word' } {
  const sentences = text.trim().match(/[^.!?。！？]+(?:[.!?。！？]+["'”’)\]]*|$)\s*/gu) ?? [];
  let kept = '';
  for (const sentence of sentences) {
    if (wordCount(kept + sentence) > max) break;
    kept += sentence;
  }
  if (wordCount(kept) >= max / 2) return { text: kept.trim(), at: 'sentence' };
  const words = text.trim().split(/\s+/).slice(0, max).join(' ');
  return { text: words.replace(/[\s,;:–—-]+$/u, ''), at: 'word' };
}
