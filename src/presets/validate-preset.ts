/**
 * Turns a preset as written in JSON (a PresetSpec) into a checked Preset through PresetSpecSchema. Every
 * problem names the file and the key path (e.g. `shop.json: presets["banner-4x1"].width ...`) so a seller
 * can fix the file.
 */
import { z } from 'zod';
import { UserInputError } from '../core/errors.js';
import { schemaProblems } from '../util/schema-problems.js';
import { MB, PRESET_SPEC_KEYS, PresetSpecSchema, type Preset, type PresetSpec } from './preset.js';

const PresetIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,47}$/, { error: 'a preset id is lowercase letters, digits and dashes (at most 48 characters), because it becomes a file name' });

export class PresetConfigError extends UserInputError {
  readonly problems: string[];
  constructor(file: string, problems: string[]) {
    super(`${file}: ${problems.length === 1 ? problems[0] : `${problems.length} problems with the presets:\n  - ${problems.join('\n  - ')}`}`, {
      hint: `Fix the preset${problems.length === 1 ? '' : 's'} in ${file} (keys: ${PRESET_SPEC_KEYS.join(', ')}); run \`hitline presets\` to see the built-ins.`,
    });
    this.problems = problems;
  }
}

/**
 * Validates `raw` (parsed JSON) as the preset `id`. An override of an existing preset (`base`) gives only the
 * keys it changes: it is checked as the base's spec with those keys replaced, so the rules across keys see
 * the result. Returns the preset, or the problems found (each starting with the key path).
 */
export function validatePresetSpec(id: string, raw: unknown, options: { base?: Preset; origin: string }): { preset?: Preset; problems: string[] } {
  const at = `presets[${JSON.stringify(id)}]`;
  const spec = options.base && isPlainObject(raw) ? { ...specOf(options.base), ...raw } : raw;
  const result = PresetSpecSchema.safeParse(spec, { error: (issue) => (issue.input === undefined ? 'is required for a new preset' : undefined) });
  const idCheck = PresetIdSchema.safeParse(id);
  const problems = [idCheck.error, result.error]
    .flatMap((error) => (error ? schemaProblems(error) : []))
    .map((p) => (p.path.length ? `${at}.${p.path.join('.')} ${p.message}` : `${at}: ${p.message}`));
  if (problems.length > 0 || !result.success) return { problems };
  return { problems, preset: { ...result.data, id, label: result.data.label ?? id, origin: options.origin } };
}

/** The spec a checked preset came from: what an override of it changes. */
function specOf(preset: Preset): PresetSpec {
  const { id: _id, origin: _origin, aspect: _aspect, maxFileBytes, ...spec } = preset;
  return { ...spec, maxFileMB: maxFileBytes / MB };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
