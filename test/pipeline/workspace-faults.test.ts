/**
 * Workspace faults injected into node:fs/promises, so these paths are covered on any machine (the real
 * read-only and full tmpfs of test/e2e/workspace-faults.test.ts need root). The CLI runs in-process.
 * - read-only: every write under a folder fails as on a read-only mount, including Node's recursive mkdir
 *   reporting ENOENT for it (which hitline traces back to EROFS);
 * - full disk: writing a promo image fails part-way with ENOSPC, leaving its temp file half-written.
 */
import { readdir, readFile as readFileReal, stat } from 'node:fs/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunSummary } from '../../src/core/run-summary.js';

const faults = { readOnly: [] as string[], full: undefined as RegExp | undefined };

vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  const fail = (code: string, syscall: string, file: string) =>
    Object.assign(new Error(`${code}: injected, ${syscall} '${file}'`), { code, syscall, path: file });
  const readOnly = (file: unknown) => faults.readOnly.some((root) => String(file) === root || String(file).startsWith(`${root}${path.sep}`));
  const exists = (file: string) => fs.stat(file).then(() => true, () => false);
  const patched = {
    ...fs,
    async mkdir(file: string, options?: { recursive?: boolean }) {
      if (!readOnly(file)) return fs.mkdir(file, options as never);
      if (options?.recursive && (await exists(file))) return undefined;
      // What Node's recursive mkdir says on a read-only mount.
      throw fail(options?.recursive ? 'ENOENT' : 'EROFS', 'mkdir', file);
    },
    async access(file: string, mode?: number) {
      if (readOnly(file) && mode !== undefined && (mode & fs.constants.W_OK)) throw fail('EROFS', 'access', file);
      return fs.access(file, mode);
    },
    async writeFile(file: string, data: string | Uint8Array, options?: unknown) {
      if (readOnly(file)) throw fail('EROFS', 'open', file);
      if (faults.full?.test(String(file))) {
        await fs.writeFile(file, typeof data === 'string' ? data.slice(0, data.length / 2) : data.subarray(0, data.length / 2));
        throw fail('ENOSPC', 'write', file);
      }
      return fs.writeFile(file, data, options as never);
    },
    async rename(from: string, to: string) {
      if (readOnly(to)) throw fail('EROFS', 'rename', to);
      return fs.rename(from, to);
    },
    async open(file: string, flags?: string | number, mode?: number) {
      if (readOnly(file) && flags !== undefined && flags !== 'r') throw fail('EROFS', 'open', file);
      return fs.open(file, flags, mode);
    },
  };
  return { ...patched, default: patched };
});

const { buildDemoCatalog } = await import('../../src/demo/index.js');
const { runCli } = await import('../helpers/capture.js');

const tmp = mkdtempSync(path.join(os.tmpdir(), 'hitline-injected-'));
const ws = path.join(tmp, 'ws');
let demo: Awaited<ReturnType<typeof buildDemoCatalog>>;

beforeAll(async () => {
  demo = await buildDemoCatalog(path.join(tmp, 'catalog'), { hits: 20, newProducts: 2, seed: 9 });
  const ingest = await runCli(['ingest', '--catalog', demo.catalogCsv, '--images', demo.imagesDir, '--workspace', ws, '--offline']);
  expect(ingest.code, ingest.stderr).toBe(0);
}, 120_000);
afterEach(() => {
  faults.readOnly = [];
  faults.full = undefined;
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function expectNoBanner(stderr: string): void {
  expect(stderr).not.toMatch(/unexpected error|\n\s+at /);
}

describe('a read-only workspace (injected)', () => {
  it('ingest and run say it is read-only and where, with exit 74', async () => {
    faults.readOnly = [ws];
    for (const args of [['ingest', '--catalog', demo.catalogCsv, '--images', demo.imagesDir], ['run', '--new', demo.newCsv, '--images', demo.newImagesDir]]) {
      const { code, stderr } = await runCli([...args, '--workspace', ws, '--offline']);
      expect(code).toBe(74);
      expect(stderr).toBe(`error: could not write to the workspace: the file system is read-only (EROFS on ${ws})\nhint: ${ws} is on a read-only file system; use a folder on a writable disk.\n`);
    }
  });

  it('traces the ENOENT of a recursive mkdir back to the read-only folder', async () => {
    faults.readOnly = [tmp];
    const { code, stderr } = await runCli(['ingest', '--catalog', demo.catalogCsv, '--images', demo.imagesDir, '--workspace', path.join(tmp, 'new-ws'), '--offline']);
    expect(code).toBe(74);
    expect(stderr).toContain(`error: could not create the workspace folder: the file system is read-only (EROFS on ${tmp})`);
    expectNoBanner(stderr);
  });

  it('match works and says the embeddings were not cached; search, presets, doctor and run --dry-run work', async () => {
    faults.readOnly = [ws];
    const match = await runCli(['match', '--new', demo.newCsv, '--images', demo.newImagesDir, '--workspace', ws, '--offline', '--json']);
    expect(match.code, match.stderr).toBe(0);
    const result = JSON.parse(match.stdout) as { matches: Array<{ hits: unknown[] }>; notes: string[] };
    expect(result.matches.map((m) => m.hits.length)).toEqual([3, 3]);
    expect(result.notes).toEqual([expect.stringMatching(/^the photos' embeddings were not cached \(the file system is read-only \(EROFS\) on .*cache.*\)/)]);
    for (const args of [['search', 'dress'], ['presets'], ['doctor'], ['run', '--dry-run', '--new', demo.newCsv, '--images', demo.newImagesDir]]) {
      const { code, stderr } = await runCli([...args, '--workspace', ws, '--offline']);
      expect(code, `${args[0]}: ${stderr}`).toBe(0);
      expect(stderr).toBe('');
    }
  }, 60_000);
});

describe('a full disk while a promo image is written (injected)', () => {
  it('fails the product with a clear reason, leaves no half-written file, and the same run completes once there is space', async () => {
    const args = ['run', '--new', demo.newCsv, '--images', demo.newImagesDir, '--workspace', ws, '--offline', '--size', '0.5K', '--json'];
    faults.full = /promo-\d+\.png\.\d+\.[0-9a-f]+\.tmp$/;
    const first = await runCli(args);
    expect(first.code, first.stderr).toBe(1);
    expectNoBanner(first.stderr);
    const failed = JSON.parse(first.stdout) as RunSummary;
    expect(failed.products.map((p) => p.status)).toEqual(['failed', 'failed']);
    for (const p of failed.products) {
      expect(p.error).toMatch(new RegExp(`^generate: could not write promo-1\\.png: the disk is full \\(ENOSPC on .*${p.newId}/promo-1\\.png\\)$`));
    }
    const runFiles = await readdir(path.join(ws, 'runs', failed.runId), { recursive: true });
    expect(runFiles.filter((f) => f.endsWith('.tmp') || /promo-/.test(f))).toEqual([]);

    faults.full = undefined;
    const second = await runCli(args);
    expect(second.code, second.stderr).toBe(0);
    const done = JSON.parse(second.stdout) as RunSummary;
    expect(done.products.map((p) => p.status)).toEqual(['done', 'done']);
    for (const p of done.products) {
      const file = path.join(ws, 'runs', done.runId, p.outputs[0].file);
      expect((await stat(file)).size).toBeGreaterThan(0);
      expect((await readFileReal(file)).subarray(1, 4).toString()).toBe('PNG');
    }
  }, 180_000);
});
