import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  MB, PresetConfigError, builtinPresets, listPresets, loadPresets, selectPresets, type Preset,
} from '../../src/presets/index.js';
import { UserInputError } from '../../src/core/errors.js';

/** The starting table of ../shared/reference/marketplaces.md. */
const TABLE: Array<[string, number, number, string, Preset['text'], Preset['source']]> = [
  ['amazon-main', 2000, 2000, '1:1', 'none', 'cutout'],
  ['amazon-secondary', 2000, 2000, '1:1', 'allowed', 'generated'],
  ['independent-3x4', 1536, 2048, '3:4', 'allowed', 'generated'],
  ['shopify-square', 2048, 2048, '1:1', 'allowed', 'generated'],
  ['tiktok-main', 1080, 1080, '1:1', 'none', 'cutout'],
  ['tiktok-feed', 1080, 1440, '3:4', 'allowed', 'generated'],
  ['etsy-listing', 2000, 1600, '5:4', 'sparingly', 'generated'],
  ['thumb-512', 512, 512, '1:1', 'none', 'generated'],
  ['banner-4x1', 3200, 800, '4:1', 'allowed', 'generated'],
  ['banner-8x1', 4096, 512, '8:1', 'allowed', 'generated'],
  ['live-1x4', 1080, 4320, '1:4', 'allowed', 'generated'],
];

async function configFile(content: unknown): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hitline-presets-'));
  const file = path.join(dir, 'presets.json');
  await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

describe('built-in presets', () => {
  it('hold the whole marketplace table with its sizes, ratios and rules', async () => {
    const presets = await loadPresets();
    expect(presets.map((p) => p.id)).toEqual(TABLE.map((row) => row[0]));
    for (const [id, width, height, aspect, text, source] of TABLE) {
      const p = presets.find((x) => x.id === id) as Preset;
      expect({ id: p.id, width: p.width, height: p.height, aspect: p.aspect, text: p.text, source: p.source }).toEqual({ id, width, height, aspect, text, source });
      expect(p.format).toBe('jpeg');
      expect(p.maxFileBytes).toBeGreaterThan(0);
      expect(p.origin).toBe('built-in');
    }
  });

  it('make main images real cut-outs on exact white at ≥85% fill, within the marketplaces\' file limits', () => {
    const byId = new Map(builtinPresets().map((p) => [p.id, p]));
    for (const id of ['amazon-main', 'tiktok-main']) {
      const p = byId.get(id) as Preset;
      expect(p.background).toBe('exact-white');
      expect(p.minFill).toBeGreaterThanOrEqual(0.85);
      expect(p.quality).toBeGreaterThanOrEqual(90);
    }
    expect(byId.get('amazon-main')?.maxFileBytes).toBe(10 * MB);
    expect(byId.get('tiktok-main')?.maxFileBytes).toBe(5 * MB);
    expect(byId.get('thumb-512')?.sizeTier).toBe('0.5K');
  });
});

describe('seller config file', () => {
  it('overrides some keys of a built-in and adds a new preset after the built-ins', async () => {
    const file = await configFile({
      presets: {
        'amazon-main': { width: 2400, height: 2400 },
        'temu-3x4': { width: 1350, height: 1800, format: 'jpeg', source: 'generated', maxFileMB: 3, text: 'none', label: 'Temu 3:4' },
      },
    });
    const presets = await loadPresets({ configFile: file });
    const main = presets.find((p) => p.id === 'amazon-main') as Preset;
    expect([main.width, main.height, main.background, main.source, main.origin]).toEqual([2400, 2400, 'exact-white', 'cutout', file]);
    const temu = presets[presets.length - 1];
    expect(temu).toMatchObject({ id: 'temu-3x4', width: 1350, height: 1800, aspect: '3:4', maxFileBytes: 3 * MB, text: 'none', background: 'any', origin: file });
    expect(presets).toHaveLength(TABLE.length + 1);
    expect(listPresets(presets)).toContain(`from ${file}: amazon-main, temu-3x4`);
  });

  it('names the file and every bad key in one error', async () => {
    const file = await configFile({
      presets: {
        'banner-4x1': { width: 'wide', quality: 101, colour: 'red' },
        'Bad Id': { width: 100, height: 100, format: 'jpeg', source: 'generated' },
        'white-gen': { width: 800, height: 800, format: 'gif', source: 'generated', background: 'exact-white' },
        'half-new': { width: 800 },
      },
    });
    const error = await loadPresets({ configFile: file }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PresetConfigError);
    const e = error as PresetConfigError;
    expect(e.message.startsWith(`${file}:`)).toBe(true);
    const expected = [
      'presets["banner-4x1"].width must be a whole number',
      'presets["banner-4x1"].quality must be a whole number from 1 to 100, got 101',
      'presets["banner-4x1"].colour is not a preset key',
      'presets["Bad Id"]: a preset id is lowercase letters',
      'presets["white-gen"].format must be one of "jpeg", "png", "webp", got "gif"',
      'presets["white-gen"]: an exact-white background needs "source": "cutout"',
      'presets["half-new"].height is required for a new preset',
    ];
    for (const part of expected) expect(e.problems.some((p) => p.includes(part)), part).toBe(true);
    expect(e.hint).toContain(file);
  });

  it('checks an override together with the preset it changes, and reports every problem of one preset at once', async () => {
    const file = await configFile({
      presets: {
        'amazon-main': { background: 'any', quality: 12.5 },
        'huge': { width: 9000, height: 9000, format: 'png', source: 'cutout', sizeTier: '8K', notes: 5 },
        'tiktok-feed': [],
      },
    });
    const error = (await loadPresets({ configFile: file }).catch((e: unknown) => e)) as PresetConfigError;
    expect(error).toBeInstanceOf(PresetConfigError);
    expect(error.problems).toEqual([
      'presets["amazon-main"].quality must be a whole number from 1 to 100, got 12.5',
      'presets["amazon-main"]: a "cutout" preset places the real product on exact white, so "background" must be "exact-white"',
      'presets["huge"].sizeTier must be one of "0.5K", "1K", "2K", "4K", got "8K"',
      'presets["huge"].notes must be a string, got 5',
      'presets["huge"]: 9000×9000 is over 64 megapixels, more than any marketplace accepts',
      'presets["tiktok-feed"]: must be an object of preset keys, got a list',
    ]);
    expect(error.message.split('\n')[0]).toBe(`${file}: 6 problems with the presets:`);
  });

  it('fills the keys a new preset leaves out with the defaults', async () => {
    const presets = await loadPresets({ configFile: await configFile({ presets: { 'shop-main': { width: 1000, height: 1000, format: 'png', source: 'cutout' } } }) });
    expect(presets[presets.length - 1]).toMatchObject({
      id: 'shop-main', label: 'shop-main', quality: 90, maxFileBytes: 10 * MB, background: 'exact-white', minFill: 0.85, text: 'none', safeMargin: 0.05, notes: '', aspect: '1:1',
    });
  });

  it('says what is wrong with an unreadable, non-JSON or misshapen file', async () => {
    await expect(loadPresets({ configFile: '/nonexistent/presets.json' })).rejects.toThrow(/presets\.json: cannot read the presets file \(no such file\)/);
    await expect(loadPresets({ configFile: await configFile('{ "presets": { ') })).rejects.toThrow(/not valid JSON/);
    await expect(loadPresets({ configFile: await configFile({ amazon: {} }) })).rejects.toThrow(/there is no "presets" key/);
    await expect(loadPresets({ configFile: await configFile({ presets: [] }) })).rejects.toThrow(/"presets" must be an object keyed by preset id/);
  });
});

describe('selecting presets for a run', () => {
  it('returns them in the order asked, each once', () => {
    const chosen = selectPresets(builtinPresets(), ['banner-4x1', 'amazon-main', 'banner-4x1']);
    expect(chosen.map((p) => p.id)).toEqual(['banner-4x1', 'amazon-main']);
  });

  it('refuses an unknown id and suggests the closest', () => {
    let error: unknown;
    try {
      selectPresets(builtinPresets(), ['amazon-mian']);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserInputError);
    expect((error as UserInputError).message).toContain('"amazon-mian"');
    expect((error as UserInputError).hint).toContain('Did you mean amazon-main?');
  });
});

describe('hitline presets listing', () => {
  it('shows every preset with its size, ratio, format, limit and rules', () => {
    const text = listPresets(builtinPresets());
    const lines = text.split('\n');
    for (const [id, width, height, aspect] of TABLE) {
      const line = lines.find((l) => l.startsWith(`${id} `)) as string;
      expect(line, id).toBeDefined();
      expect(line).toContain(`${width}×${height}`);
      expect(line).toContain(aspect);
    }
    expect(lines.find((l) => l.startsWith('amazon-main '))).toMatch(/JPEG q92 +10 MB +exact white, ≥85% fill +none +real photo cut-out/);
    expect(lines.find((l) => l.startsWith('thumb-512 '))).toContain('generated (0.5K)');
  });
});
