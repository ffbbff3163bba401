/**
 * Where the images, stage results and outputs of runs live when more than one process works on them: a
 * key-value store of byte blobs. Two adapters: a local folder (the default, one machine or a shared mount)
 * and an S3-compatible bucket (workers on many machines).
 *
 * Keys are relative, slash-separated paths made by hitline (e.g. `stages/generate/ab/abcd…/image-0.bin`),
 * never a user's string: `checkStorageKey` refuses anything else before an adapter sees it.
 */
import type { AdapterInfo } from './adapter-info.js';
import { HitlineError } from '../core/errors.js';

export interface BlobStorage extends Pick<AdapterInfo, 'id'> {
  /** Stores the bytes under the key; a reader sees either the old blob or the whole new one, never a part. */
  put(key: string, bytes: Uint8Array, options?: { contentType?: string }): Promise<void>;
  /** The blob's bytes, or undefined when no blob has the key. */
  get(key: string): Promise<Buffer | undefined>;
  has(key: string): Promise<boolean>;
  /** Every key that starts with the prefix (a folder-like prefix ends with "/"), in no particular order. */
  list(prefix: string): AsyncIterable<string>;
  /** Removes the blob; no error when there is none. */
  delete(key: string): Promise<void>;
  /** Proves the storage answers and accepts writes (for `hitline doctor`); throws a HitlineError with a hint otherwise. */
  check(): Promise<void>;
  close?(): Promise<void>;
}

const KEY_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Throws unless the key is 1–1,024 bytes of slash-separated segments of letters, digits, dot, dash and underscore (no "..", no empty segment). */
export function checkStorageKey(key: string, what = 'storage key'): void {
  const segments = key.split('/');
  const ok = key.length > 0 && Buffer.byteLength(key) <= 1024 && segments.every((s) => KEY_SEGMENT.test(s) && s !== '..' && !/^\.+$/.test(s));
  if (!ok) throw new HitlineError(`${what} ${JSON.stringify(key.slice(0, 120))} is not a relative path of letters, digits, ".", "-" and "_"`, { hint: 'This is a bug in hitline: storage keys are made by hitline, never taken from input.' });
}

/** Same rule for a list prefix, which may be empty or end with "/". */
export function checkStoragePrefix(prefix: string): void {
  if (prefix === '') return;
  checkStorageKey(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix, 'storage prefix');
}
