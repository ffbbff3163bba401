/**
 * Catalog text never reaches a terminal raw. A supplier's CSV carries escape sequences in a description and
 * a category (clear the screen, recolour, retitle the window, OSC 52 clipboard write), a right-to-left
 * override and an 8-bit CSI, and ids with control characters; every human-readable output of the real CLI
 * (spawned, so these are the bytes a terminal would get) shows them escaped, and --json stays the exact JSON.
 */
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoCatalog } from '../../src/demo/index.js';
import { spawnCli } from '../helpers/spawn-cli.js';

const ESC = '\u001b';
const BEL = '\u0007';
/** Every sequence of the issue, in one cell: clear screen, red, retitle the window, write the clipboard, RLO, 8-bit CSI. */
const HOSTILE = `${ESC}[2J${ESC}[31mred ${ESC}]0;pwned${BEL}title ${ESC}]52;c;aGFja2Vk${BEL}clip \u202eevil\u202c \u009b31mcsi dress`;
const HOSTILE_CATEGORY = `midi_dress${ESC}[31m`;

/** The bytes a terminal acts on: ESC, BEL, an 8-bit CSI (UTF-8 C2 9B) and the right-to-left override (E2 80 AE). */
function rawControls(bytes: Buffer): string[] {
  const found: string[] = [];
  if (bytes.includes(0x1b)) found.push('ESC');
  if (bytes.includes(0x07)) found.push('BEL');
  if (bytes.includes(Buffer.from('\u009b'))) found.push('C1 CSI');
  if (bytes.includes(Buffer.from('\u202e'))) found.push('RLO');
  return found;
}

/** In tty progress mode hitline draws its own ESC[K / ESC[nA: only the catalog's sequences must never appear. */
function catalogSequences(bytes: Buffer): string[] {
  const text = bytes.toString('utf8');
  return [`${ESC}[2J`, `${ESC}[31m`, `${ESC}]0;`, `${ESC}]52;`, BEL, '\u202e', '\u009b'].filter((s) => text.includes(s));
}

let tmp: string;
let ws: string;
let demo: Awaited<ReturnType<typeof buildDemoCatalog>>;
let newCsv: string;
const OFFLINE = { OPENROUTER_API_KEY: undefined };

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'hitline-hostile-'));
  ws = path.join(tmp, 'ws');
  demo = await buildDemoCatalog(path.join(tmp, 'catalog'), { hits: 20, newProducts: 2, seed: 5 });
  const firstHitImage = (await readFile(demo.catalogCsv, 'utf8')).split(/\r?\n/)[1].split(',')[1];
  await appendFile(demo.catalogCsv, `\r\nEVIL1,${firstHitImage},midi_dress,red,casual,summer,9000,"${HOSTILE}",10\r\n"EVIL${ESC}]0;x${BEL}",${firstHitImage},midi_dress,red,casual,summer,9000,d,10\r\n`);
  const newText = await readFile(demo.newCsv, 'utf8');
  const firstNewImage = newText.split(/\r?\n/)[1].split(',')[1];
  newCsv = path.join(tmp, 'new.csv');
  await writeFile(newCsv, `${newText.trimEnd()}\r\nNEW-EVIL,${firstNewImage},"${HOSTILE_CATEGORY}",casual,summer,"${HOSTILE}"\r\n"NEW${ESC}[2J",${firstNewImage},midi_dress,casual,summer,hint\r\n`);
  const ingest = await spawnCli(['ingest', '--catalog', demo.catalogCsv, '--images', demo.imagesDir, '--workspace', ws, '--progress', 'quiet'], OFFLINE);
  expect(ingest.code, ingest.stderr.toString()).toBe(1); // the id with control characters is a bad row
  expect(rawControls(ingest.stdout)).toEqual([]);
  expect(ingest.stdout.toString()).toContain('product_id "EVIL\\x1b]0;x\\x07" contains control characters \\x1b \\x07');
}, 120_000);

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('hostile catalog text on a terminal', () => {
  it('search shows a description with escape sequences escaped; --json keeps it exact', async () => {
    const human = await spawnCli(['search', 'dress', '--workspace', ws, '--progress', 'quiet', '--top', '50'], OFFLINE);
    expect(human.code).toBe(0);
    expect(rawControls(human.stdout)).toEqual([]);
    expect(rawControls(human.stderr)).toEqual([]);
    expect(human.stdout.toString()).toContain('EVIL1');
    expect(human.stdout.toString()).toContain('\\x1b[2J\\x1b[31mred \\x1b]0;pwned\\x07title');

    const json = await spawnCli(['search', 'dress', '--workspace', ws, '--progress', 'quiet', '--top', '50', '--json'], OFFLINE);
    expect(json.code).toBe(0);
    expect(rawControls(json.stdout)).toEqual([]);
    const parsed = JSON.parse(json.stdout.toString()) as { results: Array<{ productId: string; description: string }> };
    expect(parsed.results.find((r) => r.productId === 'EVIL1')?.description).toBe(HOSTILE);
  }, 60_000);

  it('match shows a hostile category and a hostile id escaped, as a problem with row and column', async () => {
    const human = await spawnCli(['match', '--new', newCsv, '--images', demo.newImagesDir, '--workspace', ws, '--progress', 'json'], OFFLINE);
    expect(human.code).toBe(1);
    expect(rawControls(human.stdout)).toEqual([]);
    expect(rawControls(human.stderr)).toEqual([]);
    const out = human.stdout.toString();
    expect(out).toContain(`${newCsv}, row 4, column "new_id": line 5: new_id "NEW\\x1b[2J" contains control character \\x1b; an id must be printable text`);

    const json = await spawnCli(['match', '--new', newCsv, '--images', demo.newImagesDir, '--workspace', ws, '--progress', 'quiet', '--json'], OFFLINE);
    expect(rawControls(json.stdout)).toEqual([]);
    const parsed = JSON.parse(json.stdout.toString()) as { matches: Array<{ newId: string }>; problems: Array<{ row: number; column: string }> };
    expect(parsed.matches.map((m) => m.newId)).toContain('NEW-EVIL');
    expect(parsed.problems).toMatchObject([{ row: 4, column: 'new_id' }]);
  }, 60_000);

  it('run: the failure reason quoting a hostile category is escaped in the output and the progress lines (tty and json)', async () => {
    for (const progress of ['tty', 'json']) {
      const run = await spawnCli(['run', '--new', newCsv, '--images', demo.newImagesDir, '--workspace', ws, '--size', '0.5K', '--min-sales', '100000', '--progress', progress], OFFLINE);
      expect(run.code, run.stderr.toString()).toBe(1);
      expect(rawControls(run.stdout)).toEqual([]);
      expect(catalogSequences(run.stderr)).toEqual([]);
      if (progress === 'json') expect(rawControls(run.stderr)).toEqual([]);
      expect(run.stdout.toString()).toContain('midi_dress\\x1b[31m');
      // The product-failed progress line: drawn escaped, or a JSON line with the exact text \u-escaped.
      expect(run.stderr.toString()).toContain(progress === 'tty' ? 'midi_dress\\x1b[31m' : 'midi_dress\\u001b[31m');
    }
    const dry = await spawnCli(['run', '--dry-run', '--new', newCsv, '--images', demo.newImagesDir, '--workspace', ws, '--progress', 'quiet'], OFFLINE);
    expect(rawControls(dry.stdout)).toEqual([]);
    expect(dry.stdout.toString()).toContain('(1 unreadable row(s) skipped)');
  }, 180_000);

  it('presets and doctor print hostile text from presets.json and the config escaped', async () => {
    const presetsFile = path.join(tmp, 'presets.json');
    await writeFile(presetsFile, JSON.stringify({ presets: { 'temu-3x4': { label: `Temu ${ESC}]52;c;aGk=${BEL}${ESC}[2J`, width: 1350, height: 1800, format: 'jpeg', source: 'generated' } } }));
    const presets = await spawnCli(['presets', '--presets-file', presetsFile, '--workspace', ws], OFFLINE);
    expect(presets.code, presets.stderr.toString()).toBe(0);
    expect(rawControls(presets.stdout)).toEqual([]);
    expect(presets.stdout.toString()).toContain('Temu \\x1b]52;c;aGk=\\x07\\x1b[2J');
    const presetsJson = await spawnCli(['presets', '--presets-file', presetsFile, '--workspace', ws, '--json'], OFFLINE);
    expect(rawControls(presetsJson.stdout)).toEqual([]);
    expect((JSON.parse(presetsJson.stdout.toString()) as Array<{ id: string; label: string }>).find((p) => p.id === 'temu-3x4')?.label).toBe(`Temu ${ESC}]52;c;aGk=${BEL}${ESC}[2J`);

    const badConfig = path.join(tmp, `config-${ESC}]0;t${BEL}.json`);
    await writeFile(badConfig, JSON.stringify({ store: `milvus${ESC}[2J` }));
    const doctor = await spawnCli(['doctor', '--config', badConfig, '--workspace', ws], OFFLINE);
    expect(doctor.code).toBe(2);
    expect(rawControls(doctor.stderr)).toEqual([]);
    expect(doctor.stderr.toString()).toContain('config-\\x1b]0;t\\x07.json');
  }, 60_000);

  it('error messages and commander\'s own echo of a bad option are escaped', async () => {
    const option = await spawnCli(['presets', `--x${ESC}]0;pwned${BEL}`], OFFLINE);
    expect(option.code).toBe(2);
    expect(rawControls(option.stderr)).toEqual([]);
    expect(option.stderr.toString()).toContain('--x\\x1b]0;pwned\\x07');
    const missing = await spawnCli(['ingest', '--catalog', path.join(tmp, `nope${ESC}[2J.csv`), '--images', demo.imagesDir, '--workspace', ws], OFFLINE);
    expect(missing.code).toBe(2);
    expect(rawControls(missing.stderr)).toEqual([]);
    expect(missing.stderr.toString()).toContain('nope\\x1b[2J.csv does not exist');
  }, 60_000);
});
