/**
 * The brief's own generation prompt (at most 100 words, as the tutorial asked of its analyzer).
 * Sentences are added in order of importance until the next one would pass the limit, so the
 * product and the scene always make it in and the long tail is what gets dropped.
 */
import { BRIEF_PROMPT_MAX_WORDS, wordCount } from '../../../core/style-brief.js';

/** A prompt hint longer than this is clipped, so it cannot crowd out the scene. */
const HINT_MAX_WORDS = 30;

export interface BriefPromptParts {
  productLabel: string;
  promptHint: string;
  scene: string;
  lighting: string;
  colorTone: string;
  paletteWords: string;
  composition: string;
  pose: string;
  mood: string;
  props: readonly string[];
}

/** Collapses whitespace (newlines included) and clips to `max` words. */
export function clipWords(text: string, max: number): string {
  const words = text.trim().split(/\s+/).filter(Boolean);
  return words.length <= max ? words.join(' ') : `${words.slice(0, max).join(' ')}…`;
}

export function composeBriefPrompt(p: BriefPromptParts): string {
  const hint = clipWords(p.promptHint, HINT_MAX_WORDS);
  const sentences = [
    `Photorealistic promo photo of the new ${p.productLabel}${hint ? `: ${hint.replace(/[.…]+$/, '')}` : ''}.`,
    `Setting: ${p.scene}.`,
    `Light: ${p.lighting}; ${p.colorTone}.`,
    `Pose: ${p.pose}.`,
    `Framing: ${p.composition}.`,
    `Palette: ${p.paletteWords}.`,
    `Mood: ${p.mood}.`,
    p.props.length ? `Props: ${p.props.join(', ')}.` : '',
    'Reproduce the product exactly; no labels, tags, text or extra items.',
  ].filter(Boolean);
  const out: string[] = [];
  for (const sentence of sentences) {
    if (wordCount([...out, sentence].join(' ')) <= BRIEF_PROMPT_MAX_WORDS) out.push(sentence);
  }
  return out.join(' ');
}
