/**
 * BlobStorage in an S3-compatible bucket (AWS S3, MinIO, s3rver...): workers on several machines share the
 * images, stage results and outputs of runs. Each key is an object under the optional key prefix. A PUT
 * is atomic in S3, so a reader sees the old object or the whole new one.
 *
 * Failures are HitlineErrors with a hint (s3-errors.ts); the credentials appear in no id, message or error.
 */
import { randomBytes } from 'node:crypto';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { HitlineError } from '../../core/errors.js';
import { checkStorageKey, checkStoragePrefix, type BlobStorage } from '../../ports/blob-storage.js';
import { s3Error } from './s3-errors.js';

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface S3StorageSettings {
  /** The server's URL, e.g. "http://127.0.0.1:4568"; unset means AWS S3 in `region`. Never holds credentials. */
  endpoint?: string;
  bucket: string;
  region: string;
  /** Key prefix under which every blob lives (e.g. "hitline/prod"); keys are relative to it. */
  prefix?: string;
  /** Address the bucket as a path ("http://host/bucket/key"), as most self-hosted servers need. */
  forcePathStyle?: boolean;
  /** Unset: the SDK's own chain (instance role, ~/.aws). */
  credentials?: S3Credentials;
  /** Per request, in milliseconds (defaults: 5,000 to connect, 60,000 for the whole request). */
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** Attempts per call, the SDK retrying network faults, 5xx and throttling with backoff (default 3). */
  maxAttempts?: number;
}

export class S3Storage implements BlobStorage {
  /** `s3://bucket/prefix`: names the place, never the endpoint's credentials. */
  readonly id: string;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly keyPrefix: string;
  private readonly where: string;
  private readonly secrets: ReadonlyArray<string | undefined>;
  /** Set once any call reached the bucket: a HEAD's 404 is then about the key, not a missing bucket. */
  private bucketSeen = false;

  constructor(settings: S3StorageSettings) {
    const prefix = (settings.prefix ?? '').replace(/^\/+|\/+$/g, '');
    if (prefix) checkStoragePrefix(`${prefix}/`);
    this.bucket = settings.bucket;
    this.keyPrefix = prefix ? `${prefix}/` : '';
    this.id = `s3://${settings.bucket}${prefix ? `/${prefix}` : ''}`;
    this.where = settings.endpoint ? endpointHost(settings.endpoint) : `AWS S3 (${settings.region})`;
    this.secrets = [settings.credentials?.accessKeyId, settings.credentials?.secretAccessKey, settings.credentials?.sessionToken];
    this.client = new S3Client({
      endpoint: settings.endpoint,
      region: settings.region,
      forcePathStyle: settings.forcePathStyle,
      credentials: settings.credentials,
      maxAttempts: settings.maxAttempts ?? 3,
      requestHandler: {
        connectionTimeout: settings.connectionTimeoutMs ?? 5_000,
        requestTimeout: settings.requestTimeoutMs ?? 60_000,
        // Without it the SDK only logs a warning when the request timeout passes, and the call hangs on.
        throwOnRequestTimeout: true,
      },
    });
  }

  private objectKey(key: string): string {
    checkStorageKey(key);
    return this.keyPrefix + key;
  }

  /** Runs one S3 call; its failure becomes a HitlineError naming `action`. */
  private async call<T>(action: string, run: () => Promise<T>): Promise<T> {
    try {
      const result = await run();
      this.bucketSeen = true;
      return result;
    } catch (err) {
      throw s3Error(err, { action, bucket: this.bucket, where: this.where, secrets: this.secrets });
    }
  }

  async put(key: string, bytes: Uint8Array, options: { contentType?: string } = {}): Promise<void> {
    const Key = this.objectKey(key);
    await this.call(`write ${key}`, () => this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key, Body: bytes, ContentType: options.contentType ?? 'application/octet-stream' })));
  }

  async get(key: string): Promise<Buffer | undefined> {
    const Key = this.objectKey(key);
    try {
      const answer = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key }));
      const bytes = await answer.Body!.transformToByteArray();
      this.bucketSeen = true;
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    } catch (err) {
      if ((err as { name?: string }).name === 'NoSuchKey') return undefined;
      throw s3Error(err, { action: `read ${key}`, bucket: this.bucket, where: this.where, secrets: this.secrets });
    }
  }

  async has(key: string): Promise<boolean> {
    const Key = this.objectKey(key);
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key }));
      this.bucketSeen = true;
      return true;
    } catch (err) {
      // A HEAD's 404 has no body, so it cannot say whether the key or the bucket is missing: ask the bucket once.
      if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode !== 404) {
        throw s3Error(err, { action: `look for ${key}`, bucket: this.bucket, where: this.where, secrets: this.secrets });
      }
      if (!this.bucketSeen) await this.checkBucketExists(`look for ${key}`);
      return false;
    }
  }

  /** Throws the NoSuchBucket error (or any other failure) unless the bucket exists; HeadBucket's 404 has no body either. */
  private async checkBucketExists(action: string): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
      this.bucketSeen = true;
    } catch (err) {
      const missing = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404;
      throw s3Error(missing ? { name: 'NoSuchBucket', $metadata: { httpStatusCode: 404 } } : err, { action, bucket: this.bucket, where: this.where, secrets: this.secrets });
    }
  }

  async *list(prefix: string): AsyncIterable<string> {
    checkStoragePrefix(prefix);
    let ContinuationToken: string | undefined;
    do {
      const page = await this.call(`list ${prefix || 'the keys'}`, () =>
        this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.keyPrefix + prefix, ContinuationToken })),
      );
      for (const object of page.Contents ?? []) if (object.Key) yield object.Key.slice(this.keyPrefix.length);
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      if (page.IsTruncated && !ContinuationToken) throw new HitlineError(`the S3 server at ${this.where} cut a listing of "${prefix}" short without a continuation token`, { hint: 'The server does not support ListObjectsV2 paging; use another S3-compatible server.' });
    } while (ContinuationToken);
  }

  async delete(key: string): Promise<void> {
    const Key = this.objectKey(key);
    await this.call(`delete ${key}`, () => this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key })));
  }

  /** Writes, reads back and deletes a small object: the bucket exists, and these credentials may use it. */
  async check(): Promise<void> {
    const key = `doctor/${process.pid}-${randomBytes(4).toString('hex')}`;
    await this.put(key, Buffer.from('ok'));
    const back = await this.get(key);
    await this.delete(key);
    if (back?.toString() !== 'ok') throw new HitlineError(`the S3 server at ${this.where} did not return what was just written to bucket "${this.bucket}"`, { hint: 'Check the server: it is not behaving like S3.' });
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}

/** The endpoint's host and port for messages (an endpoint is refused when it holds credentials, but never print them anyway). */
function endpointHost(endpoint: string): string {
  try {
    return new URL(endpoint).host || 'the S3 endpoint';
  } catch {
    return 'the S3 endpoint';
  }
}
