/**
 * Catalog photos reach workers on other machines through a named storage: ingest copies each photo there
 * under its content hash, and a run on a machine where the photos' paths do not exist reads them from it.
 * Without a named storage nothing is copied (the workspace's cache folder is not a second catalog).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FolderStorage } from '../../src/adapters/storage/index.js';
import type { RunSummary } from '../../src/core/run-summary.js';
import { buildDemoCatalog, type DemoCatalog } from '../../src/demo/index.js';
import { catalogImageKey, readCatalogImage } from '../../src/pipeline/catalog-images.js';
import { runCli } from '../helpers/capture.js';

let tmp: string;
let demo: DemoCatalog;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'hitline-catalog-images-'));
  demo = await buildDemoCatalog(path.join(tmp, 'catalog'), { hits: 20, newProducts: 2, seed: 41 });
}, 120_000);
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe('catalog photos in a named storage', () => {
  it('reads a photo from its path first, then from the storage, and otherwise fails with the path error', async () => {
    const storage = new FolderStorage(path.join(tmp, 'unit-storage'));
    const hash = 'a'.repeat(64);
    await storage.put(catalogImageKey(hash)!, Buffer.from('shared bytes'));
    const local = path.join(tmp, 'local.jpg');
    await writeFile(local, 'local bytes');
    expect((await readCatalogImage({ imagePath: local, imageHash: hash }, storage)).toString()).toBe('local bytes');
    expect((await readCatalogImage({ imagePath: path.join(tmp, 'gone.jpg'), imageHash: hash }, storage)).toString()).toBe('shared bytes');
    await expect(readCatalogImage({ imagePath: path.join(tmp, 'gone.jpg'), imageHash: 'b'.repeat(64) }, storage)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(readCatalogImage({ imagePath: path.join(tmp, 'gone.jpg'), imageHash: hash })).rejects.toMatchObject({ code: 'ENOENT' });
    expect(catalogImageKey('../../etc/passwd')).toBeUndefined();
  });

  it('ingest copies every photo to a named storage once, and a run where the paths are gone still uses them as references', async () => {
    const ws = path.join(tmp, 'ws');
    const shared = path.join(tmp, 'shared-storage');
    const config = path.join(tmp, 'config.json');
    await writeFile(config, JSON.stringify({ storage: { kind: 'folder', dir: shared } }));
    const ingest = await runCli(['ingest', '--catalog', demo.catalogCsv, '--images', demo.imagesDir, '--workspace', ws, '--config', config, '--offline']);
    expect(ingest.code, ingest.stderr).toBe(0);
    const copied = (await readdir(path.join(shared, 'catalog-images'), { recursive: true })).filter((f) => /[0-9a-f]{64}$/.test(f));
    expect(copied.length).toBe(new Set((await readdir(demo.imagesDir)).filter((f) => /\.(jpe?g|png|webp)$/i.test(f))).size);

    // The machine that runs now cannot see the catalog's folder.
    await rename(demo.imagesDir, path.join(tmp, 'moved-away'));
    try {
      const run = await runCli(['run', '--new', demo.newCsv, '--images', demo.newImagesDir, '--workspace', ws, '--config', config, '--offline', '--size', '0.5K', '--json']);
      expect(run.code, run.stderr).toBe(0);
      const summary = JSON.parse(run.stdout) as RunSummary;
      expect(summary.products.every((p) => p.status === 'done')).toBe(true);
      expect(summary.products.flatMap((p) => p.warnings).filter((w) => w.includes('can no longer be read'))).toEqual([]);
    } finally {
      await rename(path.join(tmp, 'moved-away'), demo.imagesDir);
    }
  }, 240_000);

  it('copies nothing without a named storage', async () => {
    const ws = path.join(tmp, 'ws-default');
    const ingest = await runCli(['ingest', '--catalog', demo.catalogCsv, '--images', demo.imagesDir, '--workspace', ws, '--offline']);
    expect(ingest.code, ingest.stderr).toBe(0);
    expect(existsSync(path.join(ws, 'cache', 'catalog-images'))).toBe(false);
  }, 120_000);
});
