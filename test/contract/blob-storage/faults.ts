/** Keys a storage refuses, and check() on a working and a broken storage (the BlobStorage contract, see contract.ts). */
import { expect } from 'vitest';
import { HitlineError } from '../../../src/core/errors.js';
import { listAll, type BlobStorageSuite } from './contract.js';

const BAD_KEYS = ['../escape', '/abs', 'a//b', 'a/../b', '', 'a/.hidden', 'a/..', 'spa ce', 'a\\b', 'trailing/', 'ü/x', `${'k'.repeat(1025)}`];
const BAD_PREFIXES = ['../', '/abs/', 'a//', '..'];
const KEY_REFUSAL = /is not a relative path/;

export function faultTests(suite: BlobStorageSuite): void {
  suite.test('refuses bad keys and prefixes before any I/O', async () => {
    // On a storage whose every I/O fails: the key's refusal, not the storage's fault, proves nothing was tried.
    const broken = await suite.runner.makeBroken();
    try {
      for (const key of BAD_KEYS) {
        const label = JSON.stringify(key.slice(0, 20));
        await expect(broken.storage.put(key, Buffer.from('x')), label).rejects.toThrow(KEY_REFUSAL);
        await expect(broken.storage.get(key), label).rejects.toThrow(KEY_REFUSAL);
        await expect(broken.storage.has(key), label).rejects.toThrow(KEY_REFUSAL);
        await expect(broken.storage.delete(key), label).rejects.toThrow(KEY_REFUSAL);
      }
      for (const prefix of BAD_PREFIXES) await expect(listAll(broken.storage, prefix), prefix).rejects.toThrow(/storage prefix .* is not a relative path/);
    } finally {
      await broken.storage.close?.();
      await broken.cleanup();
    }
    // And on a working one nothing was written.
    await suite.withStorage(async (s) => {
      for (const key of BAD_KEYS) await expect(s.put(key, Buffer.from('x'))).rejects.toBeInstanceOf(HitlineError);
      expect(await listAll(s, '')).toEqual([]);
    });
  });

  suite.test('check() passes on a working storage and leaves nothing behind', () =>
    suite.withStorage(async (s) => {
      await s.check();
      await s.check();
      expect(await listAll(s, '')).toEqual([]);
    }));

  suite.test('check() fails with a hint on a storage it cannot use', async () => {
    const broken = await suite.runner.makeBroken();
    try {
      const error = await broken.storage.check().then(() => undefined, (err: unknown) => err);
      expect(error).toBeInstanceOf(HitlineError);
      expect((error as HitlineError).hint).toMatch(broken.hint);
    } finally {
      await broken.storage.close?.();
      await broken.cleanup();
    }
  });
}
