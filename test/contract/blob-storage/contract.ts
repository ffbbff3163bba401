/**
 * The BlobStorage contract: the folder and the S3 adapters run this same suite, so both behave as the port
 * (src/ports/blob-storage.ts) promises. Tests are listed by title in tests.ts; the groups live in blobs.ts
 * and faults.ts.
 *
 * Usage (in a *.test.ts file):
 *   runBlobStorageContract('folder', { make, makeBroken });
 *   runBlobStorageContract('s3', runner, { skips: [{ test: '<a title of tests.ts>', reason: 'why this adapter cannot' }] });
 */
import { describe, expect, it } from 'vitest';
import type { BlobStorage } from '../../../src/ports/blob-storage.js';
import { contractTests, type ContractOptions } from '../contract-kit.js';
import { blobTests } from './blobs.js';
import { faultTests } from './faults.js';
import { BLOB_STORAGE_TESTS, type BlobStorageTest } from './tests.js';

export { BLOB_STORAGE_TESTS, type BlobStorageTest } from './tests.js';

export interface ContractStorage {
  storage: BlobStorage;
  cleanup(): Promise<void>;
}

export interface BlobStorageRunner {
  /** A fresh, empty storage. */
  make(): Promise<ContractStorage>;
  /** A storage that cannot be used (a missing bucket, a folder it may not write), and what its check()'s hint must say. */
  makeBroken(): Promise<ContractStorage & { hint: RegExp }>;
}

/** What a contract group is written against: the runner, and `test` honouring the declared skips. */
export interface BlobStorageSuite {
  runner: BlobStorageRunner;
  test(name: BlobStorageTest, body: () => Promise<void>, timeoutMs?: number): void;
  /** A fresh storage for `body`, always closed and cleaned up. */
  withStorage(body: (storage: BlobStorage) => Promise<void>): Promise<void>;
}

export function runBlobStorageContract(name: string, runner: BlobStorageRunner, options: ContractOptions<BlobStorageTest> = {}): void {
  describe(`BlobStorage contract: ${name}`, () => {
    const register = contractTests(`BlobStorage contract: ${name}`, BLOB_STORAGE_TESTS, options.skips);
    const defined = new Set<BlobStorageTest>();
    const suite: BlobStorageSuite = {
      runner,
      test(title, body, timeoutMs) {
        if (defined.has(title)) throw new Error(`BlobStorage contract: "${title}" is defined twice`);
        defined.add(title);
        register(title, body, timeoutMs);
      },
      async withStorage(body) {
        const ctx = await runner.make();
        try {
          await body(ctx.storage);
        } finally {
          await ctx.storage.close?.();
          await ctx.cleanup();
        }
      },
    };
    blobTests(suite);
    faultTests(suite);
    it('defines every test tests.ts lists (the names skips refer to)', () => {
      expect(BLOB_STORAGE_TESTS.filter((title) => !defined.has(title))).toEqual([]);
    });
  });
}

/** Every key under the prefix, sorted. */
export async function listAll(storage: BlobStorage, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of storage.list(prefix)) keys.push(key);
  return keys.sort();
}
