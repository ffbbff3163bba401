/** One writer per LanceDB folder: across processes (the lock file) and within one process (the write queue). */
import { spawn } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LanceDbStore, openLanceDbStore } from '../../../src/adapters/lancedb/index.js';
import { WRITE_LOCK_FILE } from '../../../src/adapters/lancedb/write-queue.js';
import { acquireWorkspaceLock, readLockHolder, WorkspaceBusyError } from '../../../src/util/workspace-lock.js';
import { REPO_ROOT } from '../../../src/util/paths.js';
import { makeProduct } from '../../contract/vector-store/fixture.js';
import { tempDir } from './helpers.js';

describe('one writer per folder', () => {
  const CHILD = `
    import { openLanceDbStore } from ${JSON.stringify(path.join(REPO_ROOT, 'src/adapters/lancedb/index.ts'))};
    const [dir, count, waitMs, repeat = '1'] = process.argv.slice(2);
    const store = openLanceDbStore({ dir, lockWaitMs: Number(waitMs) });
    await store.open({ embedderId: 'test/seeded@1', dimension: 4 });
    const rows = Array.from({ length: Number(count) }, (_, i) => ({
      id: 'c' + i, category: 'dress', color: 'red', style: 's', season: 'summer', salesCount: i, price: null,
      description: '', imagePath: '/x.jpg', imageHash: 'h', attributes: {}, keywords: 'child row',
      vector: new Float32Array([1, i + 1, process.pid % 7, 1]),
    }));
    try {
      // Several writes in a row, so two such processes certainly overlap in time.
      for (let r = 0; r < Number(repeat); r++) await store.upsert(rows);
      console.log('UPSERTED');
    } catch (err) {
      console.log('ERROR ' + err.message);
      process.exitCode = 3;
    }
    await store.close();
  `;
  let childScript: string;

  beforeAll(async () => {
    childScript = path.join(await tempDir(), 'child-writer.mts');
    await writeFile(childScript, CHILD);
  });

  function runChild(dir: string, count: number, waitMs: number, repeat = 1): Promise<{ code: number | null; out: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', childScript, dir, String(count), String(waitMs), String(repeat)], {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, out }));
    });
  }

  async function storeAt(dir: string): Promise<LanceDbStore> {
    const store = openLanceDbStore({ dir });
    await store.open({ embedderId: 'test/seeded@1', dimension: 4 });
    return store;
  }

  it('refuses a second process while a live one holds the lock, and lets it in once released', async () => {
    const dir = await tempDir();
    const store = await storeAt(dir);
    const lock = await acquireWorkspaceLock(path.join(dir, WRITE_LOCK_FILE));
    try {
      const refused = await runChild(dir, 5, 300);
      expect(refused.code).toBe(3);
      expect(refused.out).toContain(`another hitline process is writing to ${dir}`);
      expect(refused.out).toContain(`pid ${process.pid}`);
      expect(await store.count()).toBe(0);
    } finally {
      await lock.release();
    }
    const allowed = await runChild(dir, 5, 300);
    expect(allowed.out).toContain('UPSERTED');
    expect(await store.count()).toBe(5);
    await store.close();
  });

  it('serialises two processes upserting the same new ids: one row per id', async () => {
    const dir = await tempDir();
    const store = await storeAt(dir);
    const [a, b] = await Promise.all([runChild(dir, 40, 60_000, 12), runChild(dir, 40, 60_000, 12)]);
    expect(a.out).toContain('UPSERTED');
    expect(b.out).toContain('UPSERTED');
    expect(await store.count()).toBe(40);
    expect(await store.count([{ field: 'id', op: 'eq', value: 'c7' }])).toBe(1);
    await store.close();
  });

  it('takes over a lock left by a dead process', async () => {
    const dir = await tempDir();
    const store = await storeAt(dir);
    const dead = await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, ['-e', '0']);
      child.on('close', () => resolve(child.pid!));
    });
    const lockPath = path.join(dir, WRITE_LOCK_FILE);
    await writeFile(lockPath, JSON.stringify({ pid: dead, host: os.hostname(), procStart: null, since: 'earlier', token: 'dead' }));
    await store.upsert([makeProduct('after-takeover', { vector: new Float32Array([1, 2, 3, 4]) })]);
    expect(await store.count()).toBe(1);
    await expect(stat(lockPath)).rejects.toMatchObject({ code: 'ENOENT' }); // released after the write
    await store.close();
  });

  it('treats a live pid with another start time as a reused pid, and an empty old lock file as stale', async () => {
    const dir = await tempDir();
    const lockPath = path.join(dir, 'x.lock');
    await writeFile(lockPath, JSON.stringify({ pid: process.pid, host: os.hostname(), procStart: '1', since: 'boot', token: 'old' }));
    const first = await acquireWorkspaceLock(lockPath, { waitMs: 200 });
    expect((await readLockHolder(lockPath))?.token).toBe(first.holder.token);
    await expect(acquireWorkspaceLock(lockPath, { waitMs: 200, target: dir })).rejects.toBeInstanceOf(WorkspaceBusyError);
    await first.release();
    await first.release(); // twice is harmless

    await writeFile(lockPath, '');
    const old = new Date(Date.now() - 60_000);
    const { utimes } = await import('node:fs/promises');
    await utimes(lockPath, old, old);
    const second = await acquireWorkspaceLock(lockPath, { waitMs: 200 });
    expect(JSON.parse(await readFile(lockPath, 'utf8')).token).toBe(second.holder.token);
    await second.release();
  });

  it('serialises writes of two store objects in one process without contending for the file lock', async () => {
    const dir = await tempDir();
    const a = await storeAt(dir);
    const b = await storeAt(dir);
    const rows = Array.from({ length: 30 }, (_, i) => makeProduct(`s${i}`, { vector: new Float32Array([1, i + 1, 2, 3]) }));
    await Promise.all([a.upsert(rows), b.upsert(rows), a.upsert(rows.slice(0, 10)), b.delete(['s29'])]);
    const n = await a.count();
    expect([29, 30]).toContain(n); // the delete ran before or after the upserts, never between halves
    expect(await a.get(rows.map((r) => r.id))).toHaveLength(n); // and no id has two rows
    await a.close();
    await b.close();
  });
});
