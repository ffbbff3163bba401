import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FolderStorage, S3Storage } from '../../src/adapters/storage/index.js';
import { parseConfig } from '../../src/compose/config.js';
import { createBlobStorage, describeStorage, storageSettingsFromEnv } from '../../src/compose/storage.js';
import { UserInputError } from '../../src/core/errors.js';

const WS = '/ws';
const KEY_ID = 'AKIDPARSETEST0001';
const SECRET = 'parse/test+secret-value';
const S3_ENV = { HITLINE_STORAGE: 's3', HITLINE_S3_BUCKET: 'hitline-runs', HITLINE_S3_ACCESS_KEY_ID: KEY_ID, HITLINE_S3_SECRET_ACCESS_KEY: SECRET };

function refusal(env: NodeJS.ProcessEnv, config = {}): UserInputError {
  try {
    storageSettingsFromEnv(env, WS, config);
  } catch (err) {
    expect(err).toBeInstanceOf(UserInputError);
    return err as UserInputError;
  }
  throw new Error('expected the settings to be refused');
}

describe('storage settings', () => {
  it('is a folder under the workspace by default, or where HITLINE_STORAGE_DIR or config say', () => {
    expect(storageSettingsFromEnv({}, WS)).toEqual({ kind: 'folder', dir: '/ws/storage' });
    expect(storageSettingsFromEnv({ HITLINE_STORAGE: 'folder', HITLINE_STORAGE_DIR: '/mnt/shared' }, WS)).toEqual({ kind: 'folder', dir: '/mnt/shared' });
    expect(storageSettingsFromEnv({}, WS, { dir: 'blobs' })).toEqual({ kind: 'folder', dir: path.resolve('/ws/blobs') });
    expect(createBlobStorage(storageSettingsFromEnv({}, WS))).toBeInstanceOf(FolderStorage);
  });

  it('reads every S3 setting from the environment, with the defaults', () => {
    const settings = storageSettingsFromEnv({ ...S3_ENV, HITLINE_S3_ENDPOINT: 'http://minio:9000', HITLINE_S3_REGION: 'eu-west-3', HITLINE_S3_PREFIX: '/team/prod/', HITLINE_S3_FORCE_PATH_STYLE: 'FALSE' }, WS);
    expect(settings).toEqual({
      kind: 's3', credentialsFrom: 'HITLINE_S3_ACCESS_KEY_ID / HITLINE_S3_SECRET_ACCESS_KEY',
      s3: { endpoint: 'http://minio:9000', bucket: 'hitline-runs', region: 'eu-west-3', prefix: 'team/prod', forcePathStyle: false, credentials: { accessKeyId: KEY_ID, secretAccessKey: SECRET, sessionToken: undefined } },
    });
    const defaults = storageSettingsFromEnv(S3_ENV, WS);
    expect(defaults.kind === 's3' && defaults.s3).toMatchObject({ endpoint: undefined, region: 'us-east-1', prefix: undefined, forcePathStyle: false });
    const withEndpoint = storageSettingsFromEnv({ ...S3_ENV, HITLINE_S3_ENDPOINT: 'http://127.0.0.1:9000' }, WS);
    expect(withEndpoint.kind === 's3' && withEndpoint.s3.forcePathStyle).toBe(true);
    const storage = createBlobStorage(settings);
    expect(storage).toBeInstanceOf(S3Storage);
    expect(storage.id).toBe('s3://hitline-runs/team/prod');
    const described = describeStorage(settings, storage);
    expect(described).toBe('S3 bucket s3://hitline-runs/team/prod at minio:9000, credentials from HITLINE_S3_ACCESS_KEY_ID / HITLINE_S3_SECRET_ACCESS_KEY');
  });

  it("takes AWS's variables when hitline's are not set, hitline's first when both are", () => {
    const aws = storageSettingsFromEnv({ HITLINE_STORAGE: 's3', HITLINE_S3_BUCKET: 'b-1', AWS_ACCESS_KEY_ID: 'AKAWS0001', AWS_SECRET_ACCESS_KEY: 'aws-secret', AWS_SESSION_TOKEN: 'tok-1' }, WS);
    expect(aws.kind === 's3' && aws.s3.credentials).toEqual({ accessKeyId: 'AKAWS0001', secretAccessKey: 'aws-secret', sessionToken: 'tok-1' });
    const both = storageSettingsFromEnv({ ...S3_ENV, AWS_ACCESS_KEY_ID: 'AKAWS0001', AWS_SECRET_ACCESS_KEY: 'aws-secret' }, WS);
    expect(both.kind === 's3' && both.s3.credentials?.accessKeyId).toBe(KEY_ID);
    const none = storageSettingsFromEnv({ HITLINE_STORAGE: 's3', HITLINE_S3_BUCKET: 'b-1' }, WS);
    expect(none.kind === 's3' && none.s3.credentials).toBeUndefined();
    expect(none.kind === 's3' && none.credentialsFrom).toMatch(/default chain/);
  });

  it('takes the non-secret fields from config.json, the environment winning', () => {
    const config = parseConfig({ storage: { kind: 's3', endpoint: 'http://s3.local:9000', bucket: 'from-config', prefix: 'p', forcePathStyle: false } }, 'config.json').storage;
    const settings = storageSettingsFromEnv({ HITLINE_S3_BUCKET: 'from-env' }, WS, config);
    expect(settings.kind === 's3' && settings.s3).toMatchObject({ endpoint: 'http://s3.local:9000', bucket: 'from-env', prefix: 'p', forcePathStyle: false });
    expect(() => parseConfig({ storage: { kind: 'ftp' } }, 'config.json')).toThrow('key "storage.kind": must be one of folder, s3');
    expect(() => parseConfig({ storage: { secretAccessKey: 'x' } }, 'config.json')).toThrow(/key "storage.secretAccessKey": unknown key; expected kind, dir, endpoint/);
    expect(refusal({}, { kind: 's3', bucket: 'Bad_Bucket' }).message).toBe('config.json key "storage.bucket" must be a bucket name of 3-63 lowercase letters, digits, "." and "-"');
  });

  it('refuses bad or missing values naming the variable', () => {
    const cases: Array<[NodeJS.ProcessEnv, RegExp]> = [
      [{ HITLINE_STORAGE: 'gcs' }, /^HITLINE_STORAGE must be "folder" or "s3" \(it is "gcs"\)$/],
      [{ HITLINE_STORAGE: 's3' }, /^HITLINE_S3_BUCKET is not set/],
      [{ ...S3_ENV, HITLINE_S3_BUCKET: 'x' }, /^HITLINE_S3_BUCKET must be a bucket name/],
      [{ ...S3_ENV, HITLINE_S3_REGION: 'Europe West' }, /^HITLINE_S3_REGION must be a region/],
      [{ ...S3_ENV, HITLINE_S3_ENDPOINT: 'minio:9000' }, /^HITLINE_S3_ENDPOINT must start with http:\/\/ or https:\/\//],
      [{ ...S3_ENV, HITLINE_S3_ENDPOINT: 'not a url' }, /^HITLINE_S3_ENDPOINT is not a URL/],
      [{ ...S3_ENV, HITLINE_S3_ENDPOINT: 'http://127.0.0.1:9000/?x=1' }, /^HITLINE_S3_ENDPOINT must have no query/],
      [{ ...S3_ENV, HITLINE_S3_PREFIX: 'a/../b' }, /^HITLINE_S3_PREFIX must be slash-separated parts/],
      [{ ...S3_ENV, HITLINE_S3_FORCE_PATH_STYLE: 'yes' }, /^HITLINE_S3_FORCE_PATH_STYLE must be true or false$/],
      [{ HITLINE_STORAGE: 's3', HITLINE_S3_BUCKET: 'b-1', HITLINE_S3_ACCESS_KEY_ID: KEY_ID }, /^HITLINE_S3_SECRET_ACCESS_KEY is not set, but HITLINE_S3_ACCESS_KEY_ID is/],
      [{ HITLINE_STORAGE: 's3', HITLINE_S3_BUCKET: 'b-1', AWS_SECRET_ACCESS_KEY: SECRET }, /^AWS_ACCESS_KEY_ID is not set, but AWS_SECRET_ACCESS_KEY is/],
    ];
    for (const [env, message] of cases) {
      const error = refusal(env);
      expect(error.message, JSON.stringify(env)).toMatch(message);
      expect(error.hint).toMatch(/Shared storage/);
      expect(error.message).not.toContain(SECRET);
    }
  });

  it('refuses an endpoint holding credentials without echoing them', () => {
    const error = refusal({ ...S3_ENV, HITLINE_S3_ENDPOINT: `http://${KEY_ID}:${encodeURIComponent(SECRET)}@minio:9000` });
    expect(error.message).toBe('HITLINE_S3_ENDPOINT holds credentials: put them in HITLINE_S3_ACCESS_KEY_ID and HITLINE_S3_SECRET_ACCESS_KEY instead');
    expect(JSON.stringify(error) + error.message + error.hint).not.toContain(KEY_ID);
  });
});
