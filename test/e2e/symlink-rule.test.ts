/**
 * The symlink rule through the CLI: an image reached through a symbolic link that leads out of the images
 * folder is a bad row (file, row, column) unless `--allow-symlinks-outside` or config.json's
 * "catalog": { "allowSymlinksOutside": true } allows it.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoCatalog } from '../../src/demo/index.js';
import { runCli } from '../helpers/capture.js';

let tmp: string;
let ws: string;
let newCsv: string;
let images: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'hitline-symlink-'));
  ws = path.join(tmp, 'ws');
  const demo = await buildDemoCatalog(path.join(tmp, 'catalog'), { hits: 20, newProducts: 2, seed: 13 });
  const ingest = await runCli(['ingest', '--catalog', demo.catalogCsv, '--images', demo.imagesDir, '--workspace', ws, '--offline']);
  expect(ingest.code, ingest.stderr).toBe(0);
  // The new product's photo lives outside the images folder; the folder only links to it.
  const [header, first] = (await readFile(demo.newCsv, 'utf8')).split(/\r?\n/);
  const photo = first.split(',')[1];
  await mkdir(path.join(tmp, 'elsewhere'));
  await copyFile(path.join(demo.newImagesDir, photo), path.join(tmp, 'elsewhere', photo));
  images = path.join(tmp, 'linked-images');
  await mkdir(images);
  await symlink(path.join(tmp, 'elsewhere', photo), path.join(images, photo));
  newCsv = path.join(tmp, 'new.csv');
  await writeFile(newCsv, `${header}\n${first}\n`);
}, 120_000);
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe('a symbolic link leading outside the images folder', () => {
  it('is a bad row by default', async () => {
    const { code, stdout } = await runCli(['match', '--new', newCsv, '--images', images, '--workspace', ws, '--offline', '--json']);
    expect(code).toBe(1);
    const { matches, problems } = JSON.parse(stdout) as { matches: unknown[]; problems: Array<{ row: number; column: string; message: string }> };
    expect(matches).toEqual([]);
    expect(problems).toMatchObject([{ file: newCsv, row: 1, column: 'image_path', message: expect.stringContaining('leads outside the images folder through a symbolic link') }]);
  });

  it('is followed with --allow-symlinks-outside, or with the config key', async () => {
    const flag = await runCli(['match', '--new', newCsv, '--images', images, '--workspace', ws, '--offline', '--json', '--allow-symlinks-outside']);
    expect(flag.code, flag.stdout).toBe(0);
    expect((JSON.parse(flag.stdout) as { matches: unknown[] }).matches).toHaveLength(1);
    const config = path.join(tmp, 'config.json');
    await writeFile(config, JSON.stringify({ catalog: { allowSymlinksOutside: true } }));
    const configured = await runCli(['run', '--dry-run', '--new', newCsv, '--images', images, '--workspace', ws, '--offline', '--config', config, '--json']);
    expect(configured.code, configured.stdout).toBe(0);
    expect(JSON.parse(configured.stdout)).toMatchObject({ products: 1, inputProblems: [] });
  });
});
