/**
 * hitline's settings file: `<workspace>/config.json`, or the file given with `--config`. Everything is
 * optional; flags override it. Unknown keys and wrong types are errors naming the file and the key path.
 *
 * {
 *   "stages": { "embedder": "auto", "analyzer": "openrouter", "generator": "local" },
 *   "models": { "embedding": "...", "analyzer": "...", "generator": "google/gemini-3-pro-image-preview" },
 *   "store": "lancedb",
 *   "openrouter": { "timeoutMs": 180000, "maxRetries": 4 },
 *   "catalog": { "allowSymlinksOutside": false },
 *   "storage": { "kind": "s3", "endpoint": "http://minio:9000", "bucket": "hitline", "region": "us-east-1", "prefix": "prod", "forcePathStyle": true }
 * }
 * The storage's credentials are never read from this file, only from the environment (compose/storage.ts).
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { UserInputError } from '../core/errors.js';
import { orList, schemaProblems } from '../util/schema-problems.js';

const STAGE_CHOICES = ['auto', 'local', 'openrouter'] as const;
const STORE_CHOICES = ['lancedb', 'milvus'] as const;
const STORAGE_CHOICES = ['folder', 's3'] as const;

/** A JSON object that refuses keys it does not know, naming the ones it expects (e.g. "unknown stage; expected ..."). */
function section<Shape extends z.ZodRawShape>(shape: Shape, keyNoun = 'key') {
  const expected = orList(Object.keys(shape));
  return z.strictObject(shape, { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown ${keyNoun}; expected ${expected}` : 'must be a JSON object') });
}

const oneOf = <T extends readonly [string, ...string[]]>(choices: T) => z.enum(choices, { error: `must be one of ${choices.join(', ')}` });

function modelId(example: string) {
  const problem = `must be an OpenRouter model id like "${example}"`;
  return z.string({ error: problem }).regex(/^[\w.-]+\/[\w.:-]+$/, { error: problem }).optional();
}

const atLeastZero = z.number({ error: 'must be a number >= 0' }).min(0, { error: 'must be a number >= 0' }).optional();

const stage = oneOf(STAGE_CHOICES).default('auto');

export const ConfigSchema = section({
  stages: section({ embedder: stage, analyzer: stage, generator: stage }, 'stage').prefault({}),
  models: section({ embedding: modelId('vendor/model'), analyzer: modelId('vendor/model'), generator: modelId('vendor/model') }, 'model role').prefault({}),
  store: oneOf(STORE_CHOICES).default('lancedb'),
  openrouter: section({ timeoutMs: atLeastZero, maxRetries: atLeastZero }).prefault({}),
  /** For presets: the model a cloud generation that fails its checks twice is retried with (e.g. Nano Banana Pro). Off when unset. */
  escalationModel: modelId('google/gemini-3-pro-image-preview'),
  /** How catalogs are read. `allowSymlinksOutside`: follow a symlink in the images folder that leads out of it (off: such a row is refused). */
  catalog: section({ allowSymlinksOutside: z.boolean({ error: 'must be true or false' }).optional() }).optional(),
  /** Where runs keep images, stage results and outputs (compose/storage.ts; the HITLINE_STORAGE* and HITLINE_S3_* variables win). */
  storage: section({
    kind: oneOf(STORAGE_CHOICES).optional(),
    /** The folder storage's root, relative to the workspace (default "storage"). */
    dir: z.string({ error: 'must be a folder path' }).min(1, { error: 'must be a folder path' }).optional(),
    endpoint: z.string({ error: 'must be a URL like "http://127.0.0.1:9000"' }).optional(),
    bucket: z.string({ error: 'must be a bucket name' }).optional(),
    region: z.string({ error: 'must be a region like "us-east-1"' }).optional(),
    prefix: z.string({ error: 'must be a key prefix like "hitline/prod"' }).optional(),
    forcePathStyle: z.boolean({ error: 'must be true or false' }).optional(),
  }).optional(),
});

export type HitlineConfig = z.output<typeof ConfigSchema>;
export type StageChoice = (typeof STAGE_CHOICES)[number];
export type StoreChoice = (typeof STORE_CHOICES)[number];
export type StorageChoice = (typeof STORAGE_CHOICES)[number];
export type StorageConfig = NonNullable<HitlineConfig['storage']>;

/** The config with nothing set (every default). */
export const DEFAULT_CONFIG: HitlineConfig = ConfigSchema.parse({});

/** Reads a config file; a missing file is the default config unless `required` (an explicit --config). */
export async function loadConfig(file: string, required = false): Promise<HitlineConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && !required) return ConfigSchema.parse({});
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

/** Checks parsed JSON as a config; every mistake is named by file and key path, e.g. `config.json, key "stages.embedder": ...`. */
export function parseConfig(raw: unknown, file: string): HitlineConfig {
  const result = ConfigSchema.safeParse(raw);
  if (result.success) return result.data;
  const problems = schemaProblems(result.error).map((p) => `key "${p.path.length ? p.path.join('.') : '(top level)'}": ${p.message}`);
  throw new UserInputError(problems.length === 1 ? `${file}, ${problems[0]}` : `${file}: ${problems.length} problems:\n  - ${problems.join('\n  - ')}`, {
    hint: 'See "Configuration" in README.md for the keys hitline reads.',
  });
}
