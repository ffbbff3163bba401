/**
 * The style brief: how the matched hits were shot, in a fixed structure. The offline analyzer fills it
 * from measurements; the cloud analyzer (Qwen3.5) fills the same schema through structured output.
 *
 * StyleBriefSchema is its one definition: the StyleBrief type, the JSON Schema sent to models (generated in
 * adapters/openrouter/structured-output.ts) and the check of every brief come from it. Each problem names
 * its field in words a model can act on: the cloud analyzer sends them back in its one repair request.
 */
import { z } from 'zod';

export const BRIEF_PROMPT_MAX_WORDS = 100;

/** A trimmed, non-empty string. (Non-empty is a refinement, not minLength: strict structured output refuses minLength.) */
function text(field: string, description?: string) {
  const problem = `"${field}" must be a non-empty string`;
  const schema = z.string({ error: problem }).trim().refine((s) => s.length > 0, { error: problem });
  return description ? schema.describe(description) : schema;
}

/** A list of trimmed strings; empty entries are dropped. */
function list(field: string, description?: string, item: z.ZodString = z.string({ error: `"${field}" must be a list of strings` }).trim()) {
  const schema = z.array(item, { error: `"${field}" must be a list of strings` }).overwrite((items) => items.filter(Boolean));
  return description ? schema.describe(description) : schema;
}

const hexColour = z
  .string({ error: '"palette" must be a list of strings' })
  .regex(/^#[0-9a-fA-F]{6}$/, { error: (issue) => `palette colour ${JSON.stringify(issue.input)} is not #rrggbb` });

export const StyleBriefSchema = z.object(
  {
    /** Where the photo is set, e.g. "plain light studio backdrop" or "sunlit street". */
    scene: text('scene', 'Setting of the photos'),
    background: text('background', 'Background: plain, textured, outdoor...'),
    lighting: text('lighting', 'Light direction, softness, contrast'),
    /** Warm / neutral / cool, plus a word on saturation. */
    colorTone: text('colorTone', 'Warm/neutral/cool and saturation'),
    /** Dominant colours, most dominant first. */
    palette: list('palette', 'Dominant colours as #rrggbb', hexColour),
    /** Framing, camera distance, where the subject sits. */
    composition: text('composition', 'Framing, camera distance, subject placement'),
    /** Model pose or product arrangement. */
    pose: text('pose', 'Model pose or product arrangement'),
    mood: text('mood'),
    props: list('props'),
    /** Things to keep out of the image. */
    negatives: list('negatives', 'What must not appear'),
    prompt: text('prompt', `Generation prompt, at most ${BRIEF_PROMPT_MAX_WORDS} words`).refine((s) => wordCount(s) <= BRIEF_PROMPT_MAX_WORDS, {
      error: (issue) => `"prompt" has ${wordCount(issue.input as string)} words, at most ${BRIEF_PROMPT_MAX_WORDS}`,
    }),
  },
  { error: 'the brief must be a JSON object' },
);

export type StyleBrief = z.output<typeof StyleBriefSchema>;

/**
 * Checks an unknown value (e.g. a model's parsed answer) against the schema: the brief with its strings
 * trimmed, empty list entries dropped and unknown fields left out, or the problems.
 */
export function checkStyleBrief(value: unknown): { brief?: StyleBrief; problems: string[] } {
  const result = StyleBriefSchema.safeParse(value);
  if (result.success) return { brief: result.data, problems: [] };
  return { problems: [...new Set(result.error.issues.map((issue) => issue.message))] };
}

/** The problems of a brief (empty when valid). */
export function styleBriefProblems(value: unknown): string[] {
  return checkStyleBrief(value).problems;
}

export function wordCount(text: string): number {
  return text.trim().split(/\s+/).filter(Boolean).length;
}
