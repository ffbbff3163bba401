/** Storing, reading, listing and deleting blobs (the BlobStorage contract, see contract.ts). */
import { createHash, randomBytes } from 'node:crypto';
import pMap from 'p-map';
import { expect } from 'vitest';
import { listAll, type BlobStorageSuite } from './contract.js';

const MiB = 1024 * 1024;
/** More than one S3 listing page (1,000 keys), so paging is exercised. */
const MANY_KEYS = 1_050;

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export function blobTests(suite: BlobStorageSuite): void {
  suite.test('round-trips binary bytes: every byte value, an empty blob and a 5 MiB blob', () =>
    suite.withStorage(async (s) => {
      const everyByte = Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256));
      const big = randomBytes(5 * MiB);
      await s.put('blobs/every-byte.bin', everyByte, { contentType: 'application/octet-stream' });
      await s.put('blobs/empty.bin', new Uint8Array(0));
      await s.put('blobs/big.bin', big);
      expect(await s.get('blobs/every-byte.bin')).toEqual(everyByte);
      const empty = await s.get('blobs/empty.bin');
      expect(empty).toBeInstanceOf(Buffer);
      expect(empty!.length).toBe(0);
      expect(await s.has('blobs/empty.bin')).toBe(true);
      const bigBack = await s.get('blobs/big.bin');
      expect(bigBack!.length).toBe(big.length);
      expect(sha(bigBack!)).toBe(sha(big));
    }), 60_000);

  suite.test('overwrites a key: a read returns the whole new blob', () =>
    suite.withStorage(async (s) => {
      await s.put('runs/r1/out.png', randomBytes(300_000));
      const shorter = Buffer.from('the second, much shorter blob');
      await s.put('runs/r1/out.png', shorter);
      expect(await s.get('runs/r1/out.png')).toEqual(shorter);
      expect(await listAll(s, 'runs/')).toEqual(['runs/r1/out.png']);
    }));

  suite.test('answers a missing key with undefined from get and false from has', () =>
    suite.withStorage(async (s) => {
      await s.put('stages/a/present.json', Buffer.from('{}'));
      expect(await s.get('stages/a/absent.json')).toBeUndefined();
      expect(await s.has('stages/a/absent.json')).toBe(false);
      expect(await s.get('stages/never/was.json')).toBeUndefined();
      expect(await s.has('stages/never/was.json')).toBe(false);
      // A key that is a "folder" of other keys is not a blob.
      expect(await s.get('stages/a')).toBeUndefined();
      expect(await s.has('stages/a')).toBe(false);
    }));

  suite.test('lists every key under a prefix and no other, across more than 1,000 keys', () =>
    suite.withStorage(async (s) => {
      const many = Array.from({ length: MANY_KEYS }, (_, i) => `many/${String(i).padStart(4, '0')}/b.bin`);
      // No "many.bin" beside "many/" here: s3rver pages such keys wrongly (see the next test).
      const others = ['manx/one.bin', 'other/many/x.bin'];
      await pMap([...many, ...others], (key) => s.put(key, Buffer.from(key)), { concurrency: 16 });
      expect(await listAll(s, 'many/')).toEqual([...many].sort());
      expect(await listAll(s, 'many/0007/')).toEqual(['many/0007/b.bin']);
      expect(await listAll(s, 'man')).toEqual([...many, 'manx/one.bin'].sort());
      expect(await listAll(s, 'other/')).toEqual(['other/many/x.bin']);
      expect(await listAll(s, 'nothing/')).toEqual([]);
      expect(await listAll(s, '')).toHaveLength(MANY_KEYS + others.length);
    }), 180_000);

  suite.test('lists a key beside a "folder" of the same name (many.bin and many/)', () =>
    suite.withStorage(async (s) => {
      const keys = ['many.bin', 'many/a.bin', 'many/b/c.bin', 'manx.bin'];
      for (const key of keys) await s.put(key, Buffer.from(key));
      expect(await listAll(s, 'man')).toEqual([...keys].sort());
      expect(await listAll(s, 'many')).toEqual(['many.bin', 'many/a.bin', 'many/b/c.bin']);
      expect(await listAll(s, 'many/')).toEqual(['many/a.bin', 'many/b/c.bin']);
      expect(await listAll(s, 'many.')).toEqual(['many.bin']);
    }));

  suite.test('deletes a key, and deleting a missing key is no error', () =>
    suite.withStorage(async (s) => {
      await s.put('out/a.png', Buffer.from('A'));
      await s.put('out/b.png', Buffer.from('B'));
      await s.delete('out/a.png');
      await s.delete('out/a.png');
      await s.delete('out/never.png');
      expect(await s.has('out/a.png')).toBe(false);
      expect(await s.get('out/a.png')).toBeUndefined();
      expect(await listAll(s, 'out/')).toEqual(['out/b.png']);
    }));

  suite.test('leaves one whole blob when puts of the same key race', () =>
    suite.withStorage(async (s) => {
      const blobs = Array.from({ length: 6 }, () => randomBytes(MiB));
      await Promise.all(blobs.map((b) => s.put('race/result.bin', b)));
      const back = await s.get('race/result.bin');
      expect(blobs.map(sha)).toContain(sha(back!));
      expect(await listAll(s, 'race/')).toEqual(['race/result.bin']);
    }), 60_000);
}
