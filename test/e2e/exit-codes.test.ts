/**
 * Exit codes as scripts read them (README, "Exit codes"), from the real CLI as a child process: 2 for every
 * usage mistake, commander's own included (they used to end the process with 1, which reads as "a row was
 * bad"); 1 for a bad row; 0 for help. Never the bug banner or a stack trace for a mistake.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCli } from '../helpers/spawn-cli.js';

let tmp: string;
let csv: string;
let images: string;
const OFFLINE = { OPENROUTER_API_KEY: undefined };

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'hitline-exit-'));
  images = path.join(tmp, 'images');
  await mkdir(images);
  await sharp({ create: { width: 96, height: 128, channels: 3, background: '#a04030' } }).jpeg().toFile(path.join(images, 'A.jpg'));
  csv = path.join(tmp, 'products.csv');
  await writeFile(csv, 'product_id,image_path,category,sales_count\nA,A.jpg,dress,10\nB,missing.jpg,dress,10\n');
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe('exit codes of the real CLI', () => {
  const usageMistakes: Array<[string, () => string[], RegExp]> = [
    ['an unknown option', () => ['match', '--new', csv, '--images', images, '--bogus'], /unknown option '--bogus'/],
    ['a missing required option', () => ['match', '--images', images], /required option '--new <csv>' not specified/],
    ['a missing option value', () => ['run', '--new', csv, '--images', images, '--aspect'], /option '--aspect <ratio>' argument missing/],
    ['an unknown command', () => ['ingets'], /unknown command 'ingets'/],
    ['a bad choice', () => ['presets', '--progress', 'loud'], /argument 'loud' is invalid\. Allowed choices are auto, tty, json, quiet/],
    ['a bad mandatory choice', () => ['migrate', '--to', 'postgres'], /argument 'postgres' is invalid/],
    ['a value hitline refuses', () => ['run', '--new', csv, '--images', images, '--top', 'abc'], /--top must be a whole number from 1 to 100, got "abc"/],
    ['no command at all', () => [], /Usage: hitline/],
  ];
  it.each(usageMistakes)('%s exits 2 with the reason and no stack trace', async (_name, args, message) => {
    const { code, stdout, stderr } = await spawnCli(args(), OFFLINE);
    expect(code).toBe(2);
    expect(stderr.toString()).toMatch(message);
    expect(stderr.toString()).not.toMatch(/unexpected error|\n\s+at /);
    expect(stdout.toString()).toBe('');
  }, 30_000);

  it('help exits 0', async () => {
    for (const args of [['--help'], ['match', '--help'], ['help', 'run']]) {
      const { code, stdout } = await spawnCli(args, OFFLINE);
      expect(code).toBe(0);
      expect(stdout.toString()).toMatch(/Usage: hitline/);
    }
  }, 30_000);

  it('a bad row still exits 1, the good row going in', async () => {
    const { code, stdout, stderr } = await spawnCli(['ingest', '--catalog', csv, '--images', images, '--workspace', path.join(tmp, 'ws'), '--progress', 'quiet'], OFFLINE);
    expect(stderr.toString()).toBe('');
    expect(code).toBe(1);
    expect(stdout.toString()).toContain('Ingested 1 of 2 row(s)');
    expect(stdout.toString()).toContain(`${csv}, row 2, column "image_path"`);
  }, 60_000);
});
