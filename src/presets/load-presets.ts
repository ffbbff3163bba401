/**
 * Loads the presets a run can use: the built-ins, changed or extended by a seller's JSON file:
 *
 *   { "presets": {
 *       "amazon-main": { "width": 2400, "height": 2400 },                     ← override: only the keys that change
 *       "temu-3x4": { "width": 1350, "height": 1800, "format": "jpeg",        ← addition: a new id
 *                     "source": "generated", "maxFileMB": 3, "text": "none" } } }
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { UserInputError } from '../core/errors.js';
import { schemaProblems } from '../util/schema-problems.js';
import { BUILTIN_PRESET_SPECS } from './builtin-presets.js';
import type { Preset } from './preset.js';
import { PresetConfigError, validatePresetSpec } from './validate-preset.js';

export interface LoadPresetsOptions {
  /** A JSON file with a "presets" object; absent means the built-ins only. */
  configFile?: string;
}

export async function loadPresets(options: LoadPresetsOptions = {}): Promise<Preset[]> {
  const presets = builtinPresets();
  if (!options.configFile) return presets;
  const file = options.configFile;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserInputError(`${file}: cannot read the presets file (${code === 'ENOENT' ? 'no such file' : (error as Error).message})`, {
      hint: 'Check the path given for the presets file.',
      cause: error,
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new UserInputError(`${file}: not valid JSON (${(error as Error).message})`, {
      hint: 'Fix the JSON syntax (a JSON validator shows the exact spot), e.g. a trailing comma or a missing quote.',
      cause: error,
    });
  }
  return applyPresetConfig(presets, parsed, file);
}

/** The built-in table, validated like any config (a broken built-in is a bug and throws). */
export function builtinPresets(): Preset[] {
  const out: Preset[] = [];
  for (const [id, spec] of Object.entries(BUILTIN_PRESET_SPECS)) {
    const { preset, problems } = validatePresetSpec(id, spec, { origin: 'built-in' });
    if (!preset) throw new Error(`built-in preset ${id} is invalid: ${problems.join('; ')}`);
    out.push(preset);
  }
  return out;
}

/** A presets file: other top-level keys are left alone. Each preset is checked by validatePresetSpec, against the preset it overrides. */
const PresetsFileSchema = z.object(
  {
    presets: z.record(z.string(), z.unknown(), {
      error: (issue) =>
        issue.input === undefined
          ? 'there is no "presets" key; write { "presets": { "<id>": { ... } } }'
          : '"presets" must be an object keyed by preset id, e.g. { "amazon-main": { "width": 2400 } }',
    }),
  },
  { error: 'the file must hold a JSON object like { "presets": { "<id>": { ... } } }' },
);

/** Applies a parsed config object to `presets` (overrides keep their place; additions go last, in file order). */
export function applyPresetConfig(presets: readonly Preset[], config: unknown, file: string): Preset[] {
  const parsed = PresetsFileSchema.safeParse(config);
  if (!parsed.success) throw new PresetConfigError(file, schemaProblems(parsed.error).map((p) => p.message));
  const byId = new Map(presets.map((p) => [p.id, p]));
  const order = presets.map((p) => p.id);
  const problems: string[] = [];
  for (const [id, spec] of Object.entries(parsed.data.presets)) {
    const base = byId.get(id);
    const result = validatePresetSpec(id, spec, { base, origin: file });
    problems.push(...result.problems);
    if (!result.preset) continue;
    if (!base) order.push(id);
    byId.set(id, result.preset);
  }
  if (problems.length > 0) throw new PresetConfigError(file, problems);
  return order.map((id) => byId.get(id) as Preset);
}

/** The presets named by `ids` (e.g. from repeated --preset flags), in the order asked, each once. */
export function selectPresets(presets: readonly Preset[], ids: readonly string[]): Preset[] {
  const byId = new Map(presets.map((p) => [p.id, p]));
  const unknown = ids.filter((id) => !byId.has(id));
  if (unknown.length > 0) {
    const suggestions = unknown.map((id) => closest(id, [...byId.keys()])).filter(Boolean);
    throw new UserInputError(`unknown preset${unknown.length > 1 ? 's' : ''}: ${unknown.map((id) => JSON.stringify(id)).join(', ')}`, {
      hint: `${suggestions.length ? `Did you mean ${suggestions.join(', ')}? ` : ''}Run \`hitline presets\` to list them (known: ${[...byId.keys()].join(', ')}).`,
    });
  }
  return [...new Set(ids)].map((id) => byId.get(id) as Preset);
}

function closest(id: string, known: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = editDistance(id, k);
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return bestDistance <= Math.max(2, Math.floor(id.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}
