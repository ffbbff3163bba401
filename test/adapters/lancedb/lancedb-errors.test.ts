/**
 * What LanceDB and the filesystem under it throw, as HitlineErrors naming the store folder (errors.ts).
 * Faults that can be made in any test environment are provoked on a real store (a deleted data file, a
 * lost version history, a foreign table, a file where the folder should be, a read-only folder when not
 * running as root, a busy write lock). The rest are LanceDB 0.33's own texts, captured once by provoking
 * them by hand (a full 300 kB tmpfs, a read-only bind mount, six unlocked writers on one table) and
 * mapped here.
 */
import { chmod, readdir, rm, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as lancedb from '@lancedb/lancedb';
import { describe, expect, it } from 'vitest';
import { LanceDbStoreError, openLanceDbStore } from '../../../src/adapters/lancedb/index.js';
import { condense, osErrorCode, toLanceDbError } from '../../../src/adapters/lancedb/errors.js';
import { WRITE_LOCK_FILE } from '../../../src/adapters/lancedb/write-queue.js';
import { FileSystemError, HitlineError } from '../../../src/core/errors.js';
import { acquireWorkspaceLock, WorkspaceBusyError } from '../../../src/util/workspace-lock.js';
import { catalogFixture } from '../../contract/vector-store/fixture.js';
import { DIM, EMBEDDER, openedStore, tempDir } from './helpers.js';

const CONTEXT = { dir: '/data/ws/lancedb', table: 'products', action: 'upsert 40 products' };

/** Texts LanceDB 0.33 (lance 9.0.0) threw, as napi Errors with code "GenericFailure". */
function native(message: string): Error {
  return Object.assign(new Error(message), { code: 'GenericFailure' });
}
const LOC = '/usr/local/cargo/registry/src/index.crates.io-1949cf8c6b5b557f/lance-file-9.0.0/src/writer.rs:395:9';
const CAPTURED = {
  diskFull: `Failed to execute merge insert: GenericFailure, lance error: LanceError(IO): No space left on device (os error 28), ${LOC}  Caused by: LanceError(IO): No space left on device (os error 28), ${LOC}    Caused by: No space left on device (os error 28)`,
  readOnly: `lance error: LanceError(IO): Read-only file system (os error 30), ${LOC}  Caused by: Read-only file system (os error 30)`,
  denied: `lance error: LanceError(IO): Permission denied (os error 13), ${LOC}  Caused by: Permission denied (os error 13)`,
  busy: `lance error: LanceError(IO): Resource temporarily unavailable (os error 11), ${LOC}`,
  conflict: `lance error: Retryable commit conflict for version 16: This CreateIndex transaction was preempted by concurrent transaction CreateIndex at version 16. Please retry., ${LOC}  Caused by: Retryable commit conflict for version 16`,
  corruptManifest: `lance error: LanceError(IO): does not have sufficient data, len: 7, bytes: b"garbage", ${LOC}  Caused by: does not have sufficient data`,
};

function mapped(message: string): HitlineError {
  const err = toLanceDbError(native(message), CONTEXT);
  expect(err).toBeInstanceOf(HitlineError);
  return err as HitlineError;
}

describe('LanceDB texts mapped onto HitlineError', () => {
  it('a full disk, a read-only or forbidden folder are not retryable, and the hint names the folder', () => {
    const cases: Array<[string, string, RegExp]> = [
      [CAPTURED.diskFull, 'ENOSPC', /Free space on the disk holding \/data\/ws\/lancedb/],
      [CAPTURED.readOnly, 'EROFS', /\/data\/ws\/lancedb is on a read-only file system/],
      [CAPTURED.denied, 'EACCES', /read and write access to \/data\/ws\/lancedb/],
    ];
    for (const [text, code, hint] of cases) {
      const err = mapped(text);
      expect(err, code).toBeInstanceOf(FileSystemError);
      expect((err as FileSystemError).code).toBe(code);
      expect(err.retryable, code).toBe(false);
      expect(err.message).toContain(`could not upsert 40 products in the store`);
      expect(err.message).toContain(`(${code} on /data/ws/lancedb/products.lance)`);
      expect(err.hint).toMatch(hint);
    }
  });

  it('a busy filesystem and a commit conflict between writers are retryable', () => {
    const busy = mapped(CAPTURED.busy);
    expect(busy.retryable).toBe(true);
    expect((busy as FileSystemError).code).toBe('EAGAIN');
    const conflict = mapped(CAPTURED.conflict);
    expect(conflict.retryable).toBe(true);
    expect(conflict.message).toContain('another writer changed the table at the same moment');
    expect(conflict.hint).toContain('/data/ws/lancedb');
    expect(mapped('lance error: Too many concurrent writers. Attempted 20 retries, src/x.rs:1:2').retryable).toBe(true);
  });

  it('a damaged file is not retryable and says to rebuild, without Rust source locations', () => {
    const err = mapped(CAPTURED.corruptManifest);
    expect(err).toBeInstanceOf(LanceDbStoreError);
    expect(err.retryable).toBe(false);
    expect(err.message).toContain('a file of the table is missing or damaged');
    expect(err.message).not.toContain('.rs:');
    expect(err.message).not.toContain('Caused by');
    expect(err.hint).toMatch(/\/data\/ws\/lancedb.*--reindex/);
  });

  it('leaves errors of hitline code alone and keeps an unknown native error whole', () => {
    const own = new TypeError('a bug');
    expect(toLanceDbError(own, CONTEXT)).toBe(own);
    const hitline = new HitlineError('already mapped', { retryable: true });
    expect(toLanceDbError(hitline, CONTEXT)).toBe(hitline);
    const unknown = mapped('lance error: something new happened, /usr/local/cargo/registry/src/lance-9.0.0/src/a.rs:1:1');
    expect(unknown.retryable).toBe(false);
    expect(unknown.message).toBe('LanceDB failed to upsert 40 products in the store at /data/ws/lancedb (table "products"): lance error: something new happened');
  });

  it('reads the errno name from Rust\'s "(os error N)" and strips source locations', () => {
    expect(osErrorCode('No space left on device (os error 28)')).toBe('ENOSPC');
    expect(osErrorCode('no errno here')).toBeUndefined();
    expect(condense(CAPTURED.diskFull)).toBe(
      'Failed to execute merge insert: GenericFailure, lance error: LanceError(IO): No space left on device (os error 28)',
    );
  });
});

describe('faults provoked on a real store', () => {
  it('a deleted data file fails reads and writes as a damaged store, naming the folder', async () => {
    const store = await openedStore();
    await store.upsert(catalogFixture(DIM, 10));
    const data = path.join(store.dir, 'products.lance', 'data');
    for (const file of await readdir(data)) await unlink(path.join(data, file));
    // Started one at a time: a rejection made before its turn to be awaited counts as unhandled.
    for (const call of [() => store.get(['p001']), () => store.denseSearch(catalogFixture(DIM, 1)[0].vector, { filter: [], limit: 3 }), () => store.upsert(catalogFixture(DIM, 2))]) {
      const err = await call().then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(LanceDbStoreError);
      expect((err as HitlineError).retryable).toBe(false);
      expect((err as HitlineError).message).toContain(store.dir);
      expect((err as HitlineError).hint).toContain(store.dir);
    }
    await store.close();
  });

  it('a table folder without its version history cannot be opened, and says what is missing', async () => {
    const store = await openedStore();
    await store.upsert(catalogFixture(DIM, 3));
    await store.close();
    await rm(path.join(store.dir, 'products.lance', '_versions'), { recursive: true });
    const err = await store.open(EMBEDDER).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(LanceDbStoreError);
    expect((err as HitlineError).message).toContain('its version history is missing');
    expect((err as HitlineError).hint).toMatch(/--reindex/);
  });

  it('a table made by another program is refused at open, naming the columns', async () => {
    const store = await openedStore();
    await store.close();
    const db = await lancedb.connect(store.dir);
    await db.dropTable('products');
    await db.createTable('products', [{ id: 'x', vector: Array.from({ length: DIM }, () => 0.5) }]);
    db.close();
    const err = await store.open(EMBEDDER).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(LanceDbStoreError);
    expect((err as HitlineError).message).toMatch(/its columns are not hitline's \(no column category, color, .*sales_count/);
  });

  it('a file where the store folder should be is a filesystem error naming the path', async () => {
    const file = path.join(await tempDir(), 'not-a-folder');
    await writeFile(file, 'x');
    const err = await openLanceDbStore({ dir: file }).open(EMBEDDER).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(FileSystemError);
    expect((err as FileSystemError).message).toBe(`could not open the store: a file is in the way of the folder (EEXIST on ${file})`);
    expect((err as FileSystemError).retryable).toBe(false);
  });

  it('a write lock held by another process past the wait is retryable', async () => {
    const store = await openedStore({ lockWaitMs: 150 });
    const lock = await acquireWorkspaceLock(path.join(store.dir, WRITE_LOCK_FILE));
    try {
      const err = await store.upsert(catalogFixture(DIM, 2)).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(WorkspaceBusyError);
      expect((err as HitlineError).retryable).toBe(true);
    } finally {
      await lock.release();
    }
    await store.upsert(catalogFixture(DIM, 2));
    expect(await store.count()).toBe(2);
    await store.close();
  });

  const asRoot = process.getuid?.() === 0;
  it.skipIf(asRoot)('a read-only store folder refuses writes as a filesystem error, and still serves reads (skipped as root: permissions do not apply)', async () => {
    const store = await openedStore();
    await store.upsert(catalogFixture(DIM, 3));
    await chmod(store.dir, 0o555);
    try {
      const err = await store.upsert(catalogFixture(DIM, 4)).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(FileSystemError);
      expect((err as FileSystemError).code).toBe('EACCES');
      expect((err as FileSystemError).hint).toContain(store.dir);
      expect(await store.count()).toBe(3);
    } finally {
      await chmod(store.dir, 0o755);
      await store.close();
    }
  });
});
