/**
 * Which BlobStorage runs use, from the environment and config.json's "storage" section (the environment
 * wins): a folder (the default, `<workspace>/storage`) or an S3-compatible bucket. Credentials come only
 * from the environment, and no message here ever holds one.
 *
 *   HITLINE_STORAGE=folder|s3       HITLINE_STORAGE_DIR=/shared/hitline-storage
 *   HITLINE_S3_ENDPOINT, HITLINE_S3_BUCKET, HITLINE_S3_REGION (us-east-1), HITLINE_S3_PREFIX,
 *   HITLINE_S3_FORCE_PATH_STYLE=true|false (default: true when an endpoint is set),
 *   HITLINE_S3_ACCESS_KEY_ID + HITLINE_S3_SECRET_ACCESS_KEY, else AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN);
 *   with none, the AWS SDK's own chain (an instance role, ~/.aws).
 */
import path from 'node:path';
import { FolderStorage, S3Storage, type S3Credentials, type S3StorageSettings } from '../adapters/storage/index.js';
import { UserInputError } from '../core/errors.js';
import { checkStoragePrefix, type BlobStorage } from '../ports/blob-storage.js';
import type { StorageConfig } from './config.js';

export type StorageSettings = { kind: 'folder'; dir: string } | { kind: 's3'; s3: S3StorageSettings; credentialsFrom: string };

const HINT = 'See "Shared storage" in README.md for the storage settings.';

/** A setting's value and where it came from ("HITLINE_S3_BUCKET" or 'config.json key "storage.bucket"'), for messages. */
interface Setting<T> {
  value: T;
  from: string;
}

function pick<T>(env: NodeJS.ProcessEnv, variable: string, config: StorageConfig, key: keyof StorageConfig, parse: (raw: string) => T): Setting<T> | undefined {
  const raw = env[variable]?.trim();
  if (raw) return { value: parse(raw), from: variable };
  const configured = config[key];
  return configured === undefined ? undefined : { value: configured as T, from: `config.json key "storage.${key}"` };
}

function problem(from: string, what: string): UserInputError {
  return new UserInputError(`${from} ${what}`, { hint: HINT });
}

/** The storage settings; bad or missing values are UserInputErrors naming the variable or config key. */
export function storageSettingsFromEnv(env: NodeJS.ProcessEnv, workspace: string, config: StorageConfig = {}): StorageSettings {
  const asText = (raw: string) => raw;
  const kind = pick(env, 'HITLINE_STORAGE', config, 'kind', asText) ?? { value: 'folder', from: 'the default' };
  if (kind.value === 'folder') {
    const dir = pick(env, 'HITLINE_STORAGE_DIR', config, 'dir', asText);
    return { kind: 'folder', dir: path.resolve(workspace, dir?.value ?? 'storage') };
  }
  if (kind.value !== 's3') throw problem(kind.from, `must be "folder" or "s3" (it is ${JSON.stringify(kind.value.slice(0, 40))})`);

  const bucket = pick(env, 'HITLINE_S3_BUCKET', config, 'bucket', asText);
  if (!bucket) throw problem('HITLINE_S3_BUCKET', 'is not set: the s3 storage needs the name of an existing bucket (or config.json key "storage.bucket")');
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket.value)) throw problem(bucket.from, 'must be a bucket name of 3-63 lowercase letters, digits, "." and "-"');

  const region = pick(env, 'HITLINE_S3_REGION', config, 'region', asText) ?? { value: 'us-east-1', from: 'the default' };
  if (!/^[a-z0-9-]{2,40}$/.test(region.value)) throw problem(region.from, 'must be a region like "us-east-1"');

  const endpoint = pick(env, 'HITLINE_S3_ENDPOINT', config, 'endpoint', asText);
  if (endpoint) checkEndpoint(endpoint);

  const prefix = pick(env, 'HITLINE_S3_PREFIX', config, 'prefix', asText);
  const prefixValue = prefix?.value.replace(/^\/+|\/+$/g, '');
  if (prefix && prefixValue) {
    try {
      checkStoragePrefix(`${prefixValue}/`);
    } catch {
      throw problem(prefix.from, 'must be slash-separated parts of letters, digits, ".", "-" and "_" (like "hitline/prod")');
    }
  }

  const forcePathStyle = pick(env, 'HITLINE_S3_FORCE_PATH_STYLE', config, 'forcePathStyle', (raw) => {
    if (/^(true|false)$/i.test(raw)) return raw.toLowerCase() === 'true';
    throw problem('HITLINE_S3_FORCE_PATH_STYLE', 'must be true or false');
  });

  const { credentials, from } = credentialsFromEnv(env);
  return {
    kind: 's3',
    credentialsFrom: from,
    s3: {
      endpoint: endpoint?.value,
      bucket: bucket.value,
      region: region.value,
      prefix: prefixValue || undefined,
      // Self-hosted servers (MinIO, s3rver...) mostly need path-style addressing; AWS takes either.
      forcePathStyle: forcePathStyle?.value ?? endpoint !== undefined,
      credentials,
    },
  };
}

/** An http(s) URL with no credentials, query or fragment; the value is not echoed (it may hold a password). */
function checkEndpoint(endpoint: Setting<string>): void {
  let url: URL;
  try {
    url = new URL(endpoint.value);
  } catch {
    throw problem(endpoint.from, 'is not a URL (like "http://127.0.0.1:9000" or "https://s3.example.com")');
  }
  if (url.username || url.password) {
    throw problem(endpoint.from, 'holds credentials: put them in HITLINE_S3_ACCESS_KEY_ID and HITLINE_S3_SECRET_ACCESS_KEY instead');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw problem(endpoint.from, 'must start with http:// or https://');
  if (url.search || url.hash) throw problem(endpoint.from, 'must have no query or fragment');
}

/** The first complete key pair: hitline's own variables, then AWS's; half a pair names the missing variable. */
function credentialsFromEnv(env: NodeJS.ProcessEnv): { credentials?: S3Credentials; from: string } {
  const pairs = [
    ['HITLINE_S3_ACCESS_KEY_ID', 'HITLINE_S3_SECRET_ACCESS_KEY', undefined],
    ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'],
  ] as const;
  for (const [idVar, secretVar, tokenVar] of pairs) {
    const accessKeyId = env[idVar]?.trim();
    const secretAccessKey = env[secretVar]?.trim();
    if (!accessKeyId && !secretAccessKey) continue;
    if (!accessKeyId) throw problem(idVar, `is not set, but ${secretVar} is: set both`);
    if (!secretAccessKey) throw problem(secretVar, `is not set, but ${idVar} is: set both`);
    const sessionToken = tokenVar ? env[tokenVar]?.trim() || undefined : undefined;
    return { credentials: { accessKeyId, secretAccessKey, sessionToken }, from: `${idVar} / ${secretVar}` };
  }
  return { from: "the AWS SDK's default chain (no HITLINE_S3_ACCESS_KEY_ID or AWS_ACCESS_KEY_ID set)" };
}

export function createBlobStorage(settings: StorageSettings): BlobStorage {
  return settings.kind === 'folder' ? new FolderStorage(settings.dir) : new S3Storage(settings.s3);
}

/** Which storage, in words for `hitline doctor`: where it is and where its credentials come from, never their values. */
export function describeStorage(settings: StorageSettings, storage: BlobStorage): string {
  if (settings.kind === 'folder') return `folder ${settings.dir}`;
  const at = settings.s3.endpoint ? `at ${new URL(settings.s3.endpoint).host}` : `on AWS S3 (${settings.s3.region})`;
  return `S3 bucket ${storage.id} ${at}, credentials from ${settings.credentialsFrom}`;
}
