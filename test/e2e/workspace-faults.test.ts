/**
 * Workspace faults from the real CLI: a clear error saying what and where, never the bug banner or a stack
 * trace. A `--workspace` that is a file; a read-only workspace (commands that only read still work, the others
 * say it is read-only and where); a disk that fills up during a store write, after which the same command
 * completes once there is space. The read-only and full disks are a real tmpfs, mounted where this process may
 * (root); elsewhere those tests skip and test/pipeline/workspace-faults.test.ts covers the same code paths
 * with injected faults.
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoCatalog } from '../../src/demo/index.js';
import { spawnCli, type SpawnedCli } from '../helpers/spawn-cli.js';
import { mountTmpfs, remountTmpfs, unmountTmpfs } from '../helpers/tmpfs.js';

const OFFLINE = { OPENROUTER_API_KEY: undefined };
const tmp = await mkdtemp(path.join(os.tmpdir(), 'hitline-wsfault-'));
const probe = path.join(tmp, 'probe');
const canMount = await mountTmpfs(probe, '64k');
if (canMount) await unmountTmpfs(probe);
const mounts: string[] = [];
let demo: Awaited<ReturnType<typeof buildDemoCatalog>>;

beforeAll(async () => {
  demo = await buildDemoCatalog(path.join(tmp, 'catalog'), { hits: 20, newProducts: 2, seed: 7 });
}, 60_000);

afterAll(async () => {
  for (const dir of mounts) await unmountTmpfs(dir);
  await rm(tmp, { recursive: true, force: true });
});

function expectClearError(result: SpawnedCli, code: number, message: RegExp): void {
  const stderr = result.stderr.toString();
  expect(result.code, stderr).toBe(code);
  expect(stderr).toMatch(message);
  expect(stderr).not.toMatch(/unexpected error|\n\s+at /);
}

const ingest = (ws: string) => spawnCli(['ingest', '--catalog', demo.catalogCsv, '--images', demo.imagesDir, '--workspace', ws, '--progress', 'quiet'], OFFLINE);

describe('--workspace pointing at a file', () => {
  it('is a usage mistake (exit 2) for every command', async () => {
    const file = path.join(tmp, 'not-a-folder.txt');
    await writeFile(file, 'x');
    for (const args of [
      ['ingest', '--catalog', demo.catalogCsv, '--images', demo.imagesDir],
      ['match', '--new', demo.newCsv, '--images', demo.newImagesDir],
      ['run', '--new', demo.newCsv, '--images', demo.newImagesDir],
      ['presets'],
    ]) {
      expectClearError(await spawnCli([...args, '--workspace', file], OFFLINE), 2, new RegExp(`the workspace ${file} is a file, not a folder\\nhint: Pass --workspace a folder`));
    }
  }, 60_000);
});

describe.skipIf(!canMount)('a read-only workspace (a tmpfs remounted read-only)', () => {
  let ws: string;
  beforeAll(async () => {
    const mount = path.join(tmp, 'ro');
    expect(await mountTmpfs(mount, '16m')).toBe(true);
    mounts.push(mount);
    ws = path.join(mount, 'ws');
    expect((await ingest(ws)).code).toBe(0);
    await remountTmpfs(mount, 'ro');
  }, 120_000);

  it('ingest and run say the workspace is read-only and where (exit 74)', async () => {
    const readOnly = new RegExp(`error: could not write to the workspace: the file system is read-only \\(EROFS on ${ws}\\)\\nhint: ${ws} is on a read-only file system`);
    expectClearError(await ingest(ws), 74, readOnly);
    expectClearError(await spawnCli(['run', '--new', demo.newCsv, '--images', demo.newImagesDir, '--workspace', ws, '--size', '0.5K'], OFFLINE), 74, readOnly);
  }, 60_000);

  it('match, search, run --dry-run, presets and doctor work on it', async () => {
    const match = await spawnCli(['match', '--new', demo.newCsv, '--images', demo.newImagesDir, '--workspace', ws, '--progress', 'quiet'], OFFLINE);
    expect(match.code, match.stderr.toString()).toBe(0);
    expect(match.stdout.toString()).toMatch(/NEW001 .*\n {2}weighted-rrf.*\n {2}1\. SKU/);
    expect(match.stdout.toString()).toMatch(/note: the photos' embeddings were not cached \(the file system is read-only \(EROFS\) on .*\), so the next match embeds them again/);
    for (const args of [['search', 'dress'], ['run', '--dry-run', '--new', demo.newCsv, '--images', demo.newImagesDir], ['presets'], ['doctor']]) {
      const result = await spawnCli([...args, '--workspace', ws, '--progress', 'quiet'], OFFLINE);
      expect(result.code, `${args[0]}: ${result.stderr.toString()}`).toBe(0);
      expect(result.stderr.toString()).toBe('');
    }
  }, 120_000);
});

describe.skipIf(!canMount)('a disk that fills up during a store write (a 100 kB tmpfs)', () => {
  it('says the disk is full and where, and the same ingest completes once there is space', async () => {
    const mount = path.join(tmp, 'full');
    expect(await mountTmpfs(mount, '100k')).toBe(true);
    mounts.push(mount);
    const ws = path.join(mount, 'ws');
    expectClearError(await ingest(ws), 74, /the disk is full \(ENOSPC on .*store\/lancedb.*\)\nhint: Free space on the disk holding .*, then run the same command again\./);

    await remountTmpfs(mount, 'size=16m');
    const again = await ingest(ws);
    expect(again.code, again.stderr.toString()).toBe(0);
    expect(again.stdout.toString()).toContain(`The lancedb store in ${ws} now holds ${demo.hitCount} product(s).`);
    const left = (await readdir(ws, { recursive: true })).filter((f) => f.endsWith('.tmp'));
    expect(left).toEqual([]);
  }, 120_000);
});
