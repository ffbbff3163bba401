import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FolderStorage } from '../../../src/adapters/storage/index.js';
import { HitlineError } from '../../../src/core/errors.js';

const dirs: string[] = [];
async function storage(): Promise<FolderStorage> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hitline-folder-storage-'));
  dirs.push(dir);
  return new FolderStorage(dir);
}
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function keys(s: FolderStorage, prefix: string): Promise<string[]> {
  const out: string[] = [];
  for await (const k of s.list(prefix)) out.push(k);
  return out.sort();
}

describe('FolderStorage', () => {
  it('stores, reads back, lists by prefix and deletes blobs as files under its root', async () => {
    const s = await storage();
    await s.put('runs/r1/a.png', Buffer.from('A'));
    await s.put('runs/r1/sub/b.json', Buffer.from('{"b":1}'));
    await s.put('runs/r2/c.png', Buffer.from('C'));
    expect((await s.get('runs/r1/a.png'))?.toString()).toBe('A');
    expect(await s.get('runs/r1/missing.png')).toBeUndefined();
    expect(await s.has('runs/r1/sub/b.json')).toBe(true);
    expect(await keys(s, 'runs/r1/')).toEqual(['runs/r1/a.png', 'runs/r1/sub/b.json']);
    expect(await keys(s, 'runs/r')).toEqual(['runs/r1/a.png', 'runs/r1/sub/b.json', 'runs/r2/c.png']);
    expect(await keys(s, 'nothing/')).toEqual([]);
    await s.delete('runs/r1/a.png');
    await s.delete('runs/r1/a.png');
    expect(await s.has('runs/r1/a.png')).toBe(false);
    await s.check();
    expect(await readdir(path.join(s.root, 'doctor'))).toEqual([]);
  });

  it('refuses keys that are not relative paths of plain segments, before touching the disk', async () => {
    const s = await storage();
    for (const bad of ['../escape', '/abs', 'a//b', 'a/../b', '', 'a/.hidden', 'spa ce', 'a\\b']) {
      await expect(s.put(bad, Buffer.from('x')), bad).rejects.toBeInstanceOf(HitlineError);
    }
    await expect(keys(s, '../')).rejects.toBeInstanceOf(HitlineError);
  });
});
