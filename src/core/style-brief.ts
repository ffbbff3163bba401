/**
 * The style brief: how the matched hits were shot, in a fixed structure. The offline analyzer fills it
 * from measurements; the cloud analyzer (Qwen3.5) fills the same schema through structured output.
 */
export interface StyleBrief {
  /** Where the photo is set, e.g. "plain light studio backdrop" or "sunlit street". */
  scene: string;
  background: string;
  lighting: string;
  /** Warm / neutral / cool, plus a word on saturation. */
  colorTone: string;
  /** Dominant colours as #rrggbb, most dominant first. */
  palette: string[];
  /** Framing, camera distance, where the subject sits. */
  composition: string;
  /** Model pose or product arrangement. */
  pose: string;
  mood: string;
  props: string[];
  /** Things to keep out of the image. */
  negatives: string[];
  /** A generation prompt of at most 100 words. */
  prompt: string;
}

export const STYLE_BRIEF_STRING_FIELDS = ['scene', 'background', 'lighting', 'colorTone', 'composition', 'pose', 'mood', 'prompt'] as const;
export const STYLE_BRIEF_LIST_FIELDS = ['palette', 'props', 'negatives'] as const;

/** JSON Schema of the brief (for `response_format: json_schema` and for validation of model answers). */
export const STYLE_BRIEF_JSON_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: [...STYLE_BRIEF_STRING_FIELDS, ...STYLE_BRIEF_LIST_FIELDS],
  properties: {
    scene: { type: 'string', description: 'Setting of the photos' },
    background: { type: 'string', description: 'Background: plain, textured, outdoor...' },
    lighting: { type: 'string', description: 'Light direction, softness, contrast' },
    colorTone: { type: 'string', description: 'Warm/neutral/cool and saturation' },
    palette: { type: 'array', items: { type: 'string', pattern: '^#[0-9a-fA-F]{6}$' }, description: 'Dominant colours as #rrggbb' },
    composition: { type: 'string', description: 'Framing, camera distance, subject placement' },
    pose: { type: 'string', description: 'Model pose or product arrangement' },
    mood: { type: 'string' },
    props: { type: 'array', items: { type: 'string' } },
    negatives: { type: 'array', items: { type: 'string' }, description: 'What must not appear' },
    prompt: { type: 'string', description: 'Generation prompt, at most 100 words' },
  },
} as const;

const HEX = /^#[0-9a-f]{6}$/i;

/** Checks an unknown value against the schema; returns the problems (empty when valid). */
export function styleBriefProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return ['the brief must be a JSON object'];
  const v = value as Record<string, unknown>;
  const problems: string[] = [];
  for (const f of STYLE_BRIEF_STRING_FIELDS) if (typeof v[f] !== 'string' || !(v[f] as string).trim()) problems.push(`"${f}" must be a non-empty string`);
  for (const f of STYLE_BRIEF_LIST_FIELDS) {
    if (!Array.isArray(v[f]) || !(v[f] as unknown[]).every((x) => typeof x === 'string')) problems.push(`"${f}" must be a list of strings`);
  }
  if (Array.isArray(v.palette)) for (const c of v.palette) if (typeof c === 'string' && !HEX.test(c)) problems.push(`palette colour "${c}" is not #rrggbb`);
  if (typeof v.prompt === 'string' && wordCount(v.prompt) > 100) problems.push(`"prompt" has ${wordCount(v.prompt)} words, at most 100`);
  return problems;
}

export function wordCount(text: string): number {
  return text.trim().split(/\s+/).filter(Boolean).length;
}
