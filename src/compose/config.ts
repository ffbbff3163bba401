/**
 * hitline's settings file: `<workspace>/config.json`, or the file given with `--config`. Everything is
 * optional; flags override it. Unknown keys and wrong types are errors naming the file and the key.
 *
 * {
 *   "stages": { "embedder": "auto", "analyzer": "openrouter", "generator": "local" },
 *   "models": { "embedding": "...", "analyzer": "...", "generator": "google/gemini-3-pro-image-preview" },
 *   "store": "lancedb",
 *   "openrouter": { "timeoutMs": 180000, "maxRetries": 4 }
 * }
 */
import { readFile } from 'node:fs/promises';
import { UserInputError } from '../core/errors.js';

export type StageChoice = 'auto' | 'local' | 'openrouter';
export type StoreChoice = 'lancedb' | 'milvus';

export interface HitlineConfig {
  stages: { embedder: StageChoice; analyzer: StageChoice; generator: StageChoice };
  models: { embedding?: string; analyzer?: string; generator?: string };
  store: StoreChoice;
  openrouter: { timeoutMs?: number; maxRetries?: number };
  /** For presets: the model a cloud generation that fails its checks twice is retried with (e.g. Nano Banana Pro). Off when unset. */
  escalationModel?: string;
}

export const DEFAULT_CONFIG: HitlineConfig = {
  stages: { embedder: 'auto', analyzer: 'auto', generator: 'auto' },
  models: {},
  store: 'lancedb',
  openrouter: {},
};

const STAGE_CHOICES: readonly StageChoice[] = ['auto', 'local', 'openrouter'];
const STORE_CHOICES: readonly StoreChoice[] = ['lancedb', 'milvus'];

/** Reads a config file; a missing file is the default config unless `required` (an explicit --config). */
export async function loadConfig(file: string, required = false): Promise<HitlineConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && !required) return structuredClone(DEFAULT_CONFIG);
    throw new UserInputError(`cannot read the config file ${file}: ${(err as Error).message}`, { hint: 'Check the path given with --config.' });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new UserInputError(`${file} is not valid JSON: ${(err as Error).message}`, { hint: 'Fix the JSON syntax (a linter or `node -e "JSON.parse(...)"` shows where).' });
  }
  return parseConfig(raw, file);
}

export function parseConfig(raw: unknown, file: string): HitlineConfig {
  const fail = (key: string, what: string) => new UserInputError(`${file}, key "${key}": ${what}`, { hint: 'See "Configuration" in README.md for the keys hitline reads.' });
  const config = structuredClone(DEFAULT_CONFIG);
  const top = asObject(raw, '(top level)', fail);
  for (const [key, value] of Object.entries(top)) {
    if (key === 'stages') {
      for (const [stage, choice] of Object.entries(asObject(value, 'stages', fail))) {
        if (!(stage in config.stages)) throw fail(`stages.${stage}`, `unknown stage; expected embedder, analyzer or generator`);
        if (!STAGE_CHOICES.includes(choice as StageChoice)) throw fail(`stages.${stage}`, `must be one of ${STAGE_CHOICES.join(', ')}`);
        config.stages[stage as keyof HitlineConfig['stages']] = choice as StageChoice;
      }
    } else if (key === 'models') {
      for (const [role, id] of Object.entries(asObject(value, 'models', fail))) {
        if (!['embedding', 'analyzer', 'generator'].includes(role)) throw fail(`models.${role}`, 'unknown model role; expected embedding, analyzer or generator');
        if (typeof id !== 'string' || !/^[\w.-]+\/[\w.:-]+$/.test(id)) throw fail(`models.${role}`, 'must be an OpenRouter model id like "vendor/model"');
        config.models[role as keyof HitlineConfig['models']] = id;
      }
    } else if (key === 'store') {
      if (!STORE_CHOICES.includes(value as StoreChoice)) throw fail('store', `must be one of ${STORE_CHOICES.join(', ')}`);
      config.store = value as StoreChoice;
    } else if (key === 'escalationModel') {
      if (typeof value !== 'string' || !/^[\w.-]+\/[\w.:-]+$/.test(value)) throw fail('escalationModel', 'must be an OpenRouter model id like "google/gemini-3-pro-image-preview"');
      config.escalationModel = value;
    } else if (key === 'openrouter') {
      for (const [k, v] of Object.entries(asObject(value, 'openrouter', fail))) {
        if (k !== 'timeoutMs' && k !== 'maxRetries') throw fail(`openrouter.${k}`, 'unknown key; expected timeoutMs or maxRetries');
        if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw fail(`openrouter.${k}`, 'must be a number >= 0');
        config.openrouter[k] = v;
      }
    } else {
      throw fail(key, 'unknown key; expected stages, models, store, openrouter or escalationModel');
    }
  }
  return config;
}

function asObject(value: unknown, key: string, fail: (k: string, w: string) => Error): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fail(key, 'must be a JSON object');
  return value as Record<string, unknown>;
}
