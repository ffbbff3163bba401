/**
 * A ledger append on a full disk: a FileSystemError naming the ledger and saying the disk is full, no torn
 * line left behind, and the next append (once there is space) lands on a clean line. Once with the write
 * failing part-way (injected, runs anywhere), once on a real full tmpfs (where this process may mount).
 */
import { mkdtemp, readFile, rm, writeFile, unlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { mountTmpfs, unmountTmpfs } from '../helpers/tmpfs.js';

/** When set, writes through a file handle opened on this path stop half-way with ENOSPC. */
let halfWrite: string | undefined;

vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  const patched = {
    ...fs,
    async open(file: string, flags?: string | number, mode?: number) {
      const handle = await fs.open(file, flags, mode);
      if (file !== halfWrite) return handle;
      return new Proxy(handle, {
        get(target, key) {
          if (key === 'writeFile') {
            return async (data: string) => {
              await target.write(data.slice(0, Math.floor(data.length / 2)));
              throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
            };
          }
          const value = Reflect.get(target, key);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
    },
  };
  return { ...patched, default: patched };
});

const { openCostLedger } = await import('../../src/pipeline/cost-ledger.js');
const { FileSystemError } = await import('../../src/core/errors.js');
type Entry = import('../../src/pipeline/cost-ledger.js').CostLedgerEntry;

const tmp = await mkdtemp(path.join(os.tmpdir(), 'hitline-ledger-fault-'));
const mount = path.join(tmp, 'tiny');
const canMount = await mountTmpfs(mount, '64k');
afterEach(() => (halfWrite = undefined));
afterAll(async () => {
  if (canMount) await unmountTmpfs(mount);
  await rm(tmp, { recursive: true, force: true });
});

const entry = (n: number): Entry => ({ time: '2026-12-04T10:00:00.000Z', runId: 'run-1', productId: `NEW00${n}`, stage: 'generate', model: 'm/x', promptTokens: 10, completionTokens: 20, cost: 0.05 });

async function expectDiskFull(append: Promise<void>, file: string): Promise<void> {
  const err = await append.catch((e: unknown) => e);
  expect(err).toBeInstanceOf(FileSystemError);
  expect((err as Error).message).toBe(`could not record a paid call in the cost ledger: the disk is full (ENOSPC on ${file})`);
  expect((err as { hint?: string }).hint).toBe(`Free space on the disk holding ${path.dirname(file)}, then run the same command again.`);
}

describe('a cost ledger append on a full disk', () => {
  it('cuts a half-written line back off (injected), and the next append is clean', async () => {
    const file = path.join(tmp, 'ledger.jsonl');
    const ledger = openCostLedger(file);
    await ledger.append(entry(1));
    const before = await readFile(file, 'utf8');
    halfWrite = file;
    await expectDiskFull(ledger.append(entry(2)), file);
    expect(await readFile(file, 'utf8')).toBe(before);
    halfWrite = undefined;
    await ledger.append(entry(3));
    const { entries, skipped } = await ledger.read();
    expect(skipped).toEqual([]);
    expect(entries.map((e) => e.productId)).toEqual(['NEW001', 'NEW003']);
  });

  it('a write error from the usage sink is rethrown by flush', async () => {
    const file = path.join(tmp, 'sink.jsonl');
    const ledger = openCostLedger(file);
    halfWrite = file;
    ledger.sink({ runId: 'run-2' })({ stage: 'analyze', model: 'm/x', promptTokens: 1, completionTokens: 1, cost: 0.001 });
    await expectDiskFull(ledger.flush(), file);
  });

  it.skipIf(!canMount)('on a real full tmpfs, leaves the file as it was and works again once there is space', async () => {
    const file = path.join(mount, 'ledger.jsonl');
    const ledger = openCostLedger(file);
    // One entry filling a whole 4 kB page exactly, so the next line needs a page the disk no longer has.
    const first = entry(1);
    first.model = 'm/'.padEnd(4096 - JSON.stringify(first).length - 1 + first.model.length, 'x');
    await ledger.append(first);
    const before = await readFile(file, 'utf8');
    expect(before.length).toBe(4096);
    const filler = path.join(mount, 'filler');
    await writeFile(filler, Buffer.alloc(256 * 1024)).catch(() => undefined); // fills the 64 kB disk
    await expectDiskFull(ledger.append(entry(2)), file);
    expect(await readFile(file, 'utf8')).toBe(before);
    await unlink(filler);
    await ledger.append(entry(3));
    expect((await ledger.read()).entries.map((e) => e.productId)).toEqual(['NEW001', 'NEW003']);
  });
});
