import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as lancedb from '@lancedb/lancedb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileFilter } from '../../../src/adapters/lancedb/compile-filter.js';
import { embedderRecordPath } from '../../../src/adapters/lancedb/embedder-record.js';
import { KEYWORD_INDEX } from '../../../src/adapters/lancedb/indexes.js';
import { LanceDbStore, openLanceDbStore } from '../../../src/adapters/lancedb/index.js';
import { rowsToArrow } from '../../../src/adapters/lancedb/schema.js';
import { WRITE_LOCK_FILE } from '../../../src/adapters/lancedb/write-queue.js';
import { acquireWorkspaceLock, readLockHolder, WorkspaceBusyError } from '../../../src/util/workspace-lock.js';
import { HitlineError, UserInputError } from '../../../src/core/errors.js';
import { REPO_ROOT } from '../../../src/util/paths.js';
import type { EmbedderInfo } from '../../../src/ports/vector-store.js';
import { catalogFixture, cosine, makeProduct, randomUnitVector, runVectorStoreContract, seededRandom } from '../../contract/vector-store.contract.js';

const tempDirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hitline-lancedb-'));
  tempDirs.push(dir);
  return dir;
}
afterAll(async () => {
  for (const dir of tempDirs) await rm(dir, { recursive: true, force: true });
});

runVectorStoreContract('lancedb', async () => {
  const dir = await tempDir();
  return {
    store: openLanceDbStore({ dir }),
    reopen: async () => openLanceDbStore({ dir }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});

const DIM = 16;
const EMBEDDER: EmbedderInfo = { embedderId: 'test/seeded@1', dimension: DIM };

async function openedStore(options: { annMinRows?: number; lockWaitMs?: number } = {}): Promise<LanceDbStore> {
  const store = openLanceDbStore({ dir: await tempDir(), ...options });
  await store.open(EMBEDDER);
  return store;
}

describe('compileFilter (LanceDB SQL)', () => {
  it('doubles single quotes and leaves backslashes alone (LanceDB reads them literally)', () => {
    expect(compileFilter([{ field: 'category', op: 'eq', value: "it's a\\b" }])).toBe("`category` = 'it''s a\\b'");
  });

  it('uses fixed column names and finite number literals', () => {
    expect(
      compileFilter([
        { field: 'salesCount', op: 'gt', value: 10 },
        { field: 'price', op: 'lte', value: 1e21 },
        { field: 'category', op: 'in', values: ['a', "b'"] },
        { field: 'color', op: 'neq', value: 'red' },
      ]),
    ).toBe("`sales_count` > 10 AND `price` <= 1e+21 AND `category` IN ('a', 'b''') AND `color` != 'red'");
    expect(compileFilter([])).toBeUndefined();
    expect(compileFilter([{ field: 'category', op: 'in', values: [] }])).toBe('FALSE');
    expect(() => compileFilter([{ field: 'price', op: 'gt', value: Number.POSITIVE_INFINITY }])).toThrow();
  });
});

describe('LanceDbStore specifics', () => {
  it('keeps the keyword index current after each upsert, so the best match ranks first', async () => {
    const store = await openedStore();
    const random = seededRandom(8);
    // Weak matches first, the strongest match written last (LanceDB's flat scan of unindexed rows would
    // return the first rows it meets).
    const weak = Array.from({ length: 30 }, (_, i) =>
      makeProduct(`weak${i}`, { keywords: `wool ${'filler '.repeat(8)}x${i}`, vector: randomUnitVector(random, DIM) }),
    );
    await store.upsert(weak);
    await store.upsert([makeProduct('strong', { keywords: 'wool wool wool', vector: randomUnitVector(random, DIM) })]);
    const table = await (await lancedb.connect(store.dir)).openTable('products');
    expect((await table.indexStats(KEYWORD_INDEX))?.numUnindexedRows).toBe(0);
    const hits = await store.keywordSearch('wool', { filter: [], limit: 1 });
    expect(hits.map((h) => h.id)).toEqual(['strong']);
    await store.close();
  });

  it('ranks keyword hits right even when rows were written around hitline (index lagging)', async () => {
    const store = await openedStore();
    const random = seededRandom(9);
    await store.upsert([makeProduct('indexed', { keywords: `silk ${'filler '.repeat(8)}`, vector: randomUnitVector(random, DIM) })]);
    // A raw LanceDB write, as an interrupted write would leave it: rows the keyword index does not cover.
    const table = await (await lancedb.connect(store.dir)).openTable('products');
    const raw = [
      ...Array.from({ length: 20 }, (_, i) => makeProduct(`raw${i}`, { keywords: `silk ${'filler '.repeat(8)}r${i}`, vector: randomUnitVector(random, DIM) })),
      makeProduct('raw-best', { keywords: 'silk silk silk', vector: randomUnitVector(random, DIM) }),
    ];
    await table.add(rowsToArrow(raw, DIM));
    expect((await table.indexStats(KEYWORD_INDEX))?.numUnindexedRows).toBeGreaterThan(0);
    const hits = await store.keywordSearch('silk', { filter: [], limit: 3 });
    expect(hits[0].id).toBe('raw-best');
    expect(hits.map((h) => h.rank)).toEqual([1, 2, 3]);
    // The filter still applies on this path.
    const filtered = await store.keywordSearch('silk', { filter: [{ field: 'id', op: 'in', values: ['raw3', 'indexed'] }], limit: 5 });
    expect(filtered.map((h) => h.id).sort()).toEqual(['indexed', 'raw3']);
    await store.close();
  });

  it('builds an HNSW index at the threshold; search stays exact-equivalent and finds rows written after the build', async () => {
    const store = await openedStore({ annMinRows: 300 });
    const random = seededRandom(12);
    const rows = Array.from({ length: 320 }, (_, i) =>
      makeProduct(`r${i}`, { category: i % 4 === 0 ? 'coat' : 'dress', salesCount: i, vector: randomUnitVector(random, DIM) }),
    );
    await store.upsert(rows.slice(0, 200));
    await store.optimize();
    const table = await (await lancedb.connect(store.dir, { readConsistencyInterval: 0 })).openTable('products');
    expect((await table.listIndices()).some((i) => i.columns.includes('vector'))).toBe(false);
    await store.upsert(rows.slice(200, 310));
    await store.optimize();
    expect((await table.listIndices()).find((i) => i.columns.includes('vector'))?.indexType).toMatch(/HNSW/i);
    await store.upsert(rows.slice(310)); // after the build, not yet indexed
    const late = await store.denseSearch(rows[315].vector, { filter: [], limit: 1 });
    expect(late[0].id).toBe('r315');
    let agree = 0;
    let total = 0;
    for (const q of [3, 50, 101, 250, 312]) {
      const query = rows[q].vector.map((x) => x + (random() - 0.5) * 0.2);
      const filter = [{ field: 'category' as const, op: 'eq' as const, value: 'coat' }];
      const exact = rows
        .filter((p) => p.category === 'coat')
        .map((p) => ({ id: p.id, s: cosine(query, p.vector) }))
        .sort((a, b) => b.s - a.s)
        .slice(0, 10)
        .map((x) => x.id);
      const ann = (await store.denseSearch(query, { filter, limit: 10 })).map((h) => h.id);
      const bypass = (await store.denseSearch(query, { filter, limit: 10, exact: true })).map((h) => h.id);
      expect(bypass).toEqual(exact);
      agree += ann.filter((id) => exact.includes(id)).length;
      total += exact.length;
    }
    expect(agree / total).toBeGreaterThanOrEqual(0.98);
    await store.close();
  });

  it('recreate() switches a store to another embedder, emptying it', async () => {
    const store = await openedStore();
    await store.upsert(catalogFixture(DIM, 5));
    const other = { embedderId: 'other/model@1', dimension: 8 };
    await store.recreate(other);
    expect(await store.recordedEmbedder()).toEqual(other);
    expect(await store.count()).toBe(0);
    await store.upsert([makeProduct('x', { vector: randomUnitVector(seededRandom(1), 8) })]);
    expect(await store.count()).toBe(1);
    await store.close();
  });

  it('refuses a table that has lost its embedder record', async () => {
    const store = await openedStore();
    await store.close();
    await rm(embedderRecordPath(store.dir, 'products'));
    await expect(store.recordedEmbedder()).rejects.toThrow(/no record of the embedder/);
    await expect(store.open(EMBEDDER)).rejects.toBeInstanceOf(HitlineError);
  });

  it('names the product and field when a row is invalid', async () => {
    const store = await openedStore();
    const bad = makeProduct('bad-sales', { salesCount: Number.NaN, vector: randomUnitVector(seededRandom(2), DIM) });
    await expect(store.upsert([bad])).rejects.toThrow(UserInputError);
    await expect(store.upsert([bad])).rejects.toThrow(/bad-sales.*sales count/);
    const zero = makeProduct('zero-vector', { vector: new Float32Array(DIM) });
    await expect(store.upsert([zero])).rejects.toThrow(/zero-vector.*all zeros/);
    await store.close();
  });

  it('rejects table names that could leave the folder', () => {
    expect(() => openLanceDbStore({ dir: os.tmpdir(), table: '../escape' })).toThrow(UserInputError);
  });
});

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
