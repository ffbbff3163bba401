/**
 * The analyzer's answer read as a style brief: the JSON taken out of its text, loose parts normalised
 * (loose-answers.ts), then checked by StyleBriefSchema. Each normalisation is a warning; what is left wrong
 * are the problems a repair request sends back.
 */
import { BRIEF_PROMPT_MAX_WORDS, StyleBriefSchema, checkStyleBrief, wordCount, type StyleBrief } from '../../core/style-brief.js';
import { answerJson } from './structured-output.js';
import { asRecord, colourAsHex, defaultMissing, dropUnknownFields, trimToWords, unwrappedWarning } from './loose-answers.js';

export interface BriefReading {
  brief?: StyleBrief;
  /** What is wrong with the answer (empty when it gave a brief). */
  problems: string[];
  /** What was normalised to read it, each starting "style brief: ". */
  warnings: string[];
}

const FIELDS = Object.keys(StyleBriefSchema.shape);
const LISTS = ['palette', 'props', 'negatives'] as const;

/** Reads a brief out of a model answer (a fence or prose around the object, colour names, a long prompt...). */
export function parseBrief(text: string): BriefReading {
  const json = answerJson(text);
  if (!json.ok) return { problems: [json.problem], warnings: [] };
  const { value, warnings } = normaliseBrief(json.value);
  if (json.unwrapped) warnings.unshift(unwrappedWarning(json.unwrapped));
  const checked = checkStyleBrief(value);
  return { ...checked, warnings: warnings.map((w) => `style brief: ${w}`) };
}

/** The answer's object with what can be normalised normalised, and what was done. Anything else is left as it is. */
export function normaliseBrief(value: unknown): { value: unknown; warnings: string[] } {
  const brief = asRecord(value);
  if (!brief) return { value, warnings: [] };
  const warnings: Array<string | undefined> = [dropUnknownFields(brief, FIELDS)];
  for (const list of LISTS) warnings.push(defaultMissing(brief, list, [], 'taken as an empty list'));
  if (Array.isArray(brief.palette)) {
    brief.palette = brief.palette.map((colour: unknown) => {
      if (typeof colour !== 'string' || /^#[0-9a-f]{6}$/i.test(colour.trim())) return colour;
      const hex = colourAsHex(colour);
      if (hex) warnings.push(`palette colour ${JSON.stringify(colour)} was read as ${hex}`);
      return hex ?? colour;
    });
  }
  if (typeof brief.prompt === 'string' && wordCount(brief.prompt) > BRIEF_PROMPT_MAX_WORDS) {
    const trimmed = trimToWords(brief.prompt, BRIEF_PROMPT_MAX_WORDS);
    warnings.push(
      `"prompt" had ${wordCount(brief.prompt)} words, over the ${BRIEF_PROMPT_MAX_WORDS} allowed; it was cut to ${wordCount(trimmed.text)} at ${trimmed.at === 'sentence' ? 'the end of a sentence' : 'a word boundary'}`,
    );
    brief.prompt = trimmed.text;
  }
  return { value: brief, warnings: warnings.filter((w): w is string => w !== undefined) };
}
