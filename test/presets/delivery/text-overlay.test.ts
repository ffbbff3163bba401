/**
 * Text overlays: the copy is drawn by hitline with the bundled Latin + CJK font, inside the safe margins,
 * beside the product where there is room, legible on any background; OCR reads it back, Chinese included.
 */
import { describe, expect, it } from 'vitest';
import { builtinPresets, type Preset } from '../../../src/presets/index.js';
import type { FractionBox } from '../../../src/core/geometry.js';
import type { RawRgb } from '../../../src/imaging/decode.js';
import { copyFromAttributes, readCopySidecar } from '../../../src/presets/delivery/product-copy.js';
import type { PixelRect } from '../../../src/presets/delivery/pixel-rect.js';
import { MIN_TEXT_CONTRAST } from '../../../src/presets/delivery/text-ink.js';
import { drawTextOverlay } from '../../../src/presets/delivery/text-overlay.js';
import { fontFiles } from '../../../src/presets/delivery/fonts.js';
import { bestMatch, readText } from './ocr.js';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const presets = new Map(builtinPresets().map((p) => [p.id, p]));
const COPY = { title: 'Summer Linen Wrap Dress', titleZh: '夏季亚麻连衣裙', price: '¥199', badge: 'NEW' };

/** A busy, colourful backdrop (stripes and checks of mid tones): the hard case for legibility. */
function busyScene(width: number, height: number): RawRgb {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const band = Math.floor(x / 40 + y / 60) % 4;
      data[i] = [230, 40, 200, 120][band];
      data[i + 1] = [220, 60, 90, 200][band];
      data[i + 2] = [80, 140, 30, 240][band];
    }
  }
  return { data, width, height };
}

function inside(r: PixelRect, outer: PixelRect): boolean {
  return r.x >= outer.x && r.y >= outer.y && r.x + r.width <= outer.x + outer.width && r.y + r.height <= outer.y + outer.height;
}

function overlaps(r: PixelRect, b: FractionBox, W: number, H: number): boolean {
  const bx = b.x * W;
  const by = b.y * H;
  return r.x < bx + b.width * W && bx < r.x + r.width && r.y < by + b.height * H && by < r.y + r.height;
}

describe('text overlays read back with OCR', () => {
  const cases: Array<{ preset: string; avoid: FractionBox }> = [
    { preset: 'banner-4x1', avoid: { x: 0.4, y: 0.1, width: 0.2, height: 0.8 } },
    { preset: 'tiktok-feed', avoid: { x: 0.15, y: 0.12, width: 0.7, height: 0.7 } },
    { preset: 'live-1x4', avoid: { x: 0.2, y: 0.3, width: 0.6, height: 0.35 } },
  ];
  for (const { preset: id, avoid } of cases) {
    it(`${id}: title, Chinese title, price and badge are legible, inside the safe area, and read back`, async () => {
      const preset = presets.get(id) as Preset;
      const scene = busyScene(preset.width, preset.height);
      const result = drawTextOverlay(scene, preset, COPY, { avoid });
      expect(result.image.width).toBe(preset.width);
      expect(result.drawn.map((d) => d.role).sort()).toEqual(['badge', 'price', 'title', 'titleZh']);
      const safe = {
        x: Math.round(preset.safeMargin * preset.width), y: Math.round(preset.safeMargin * preset.height),
        width: Math.round(preset.width * (1 - 2 * preset.safeMargin)), height: Math.round(preset.height * (1 - 2 * preset.safeMargin)),
      };
      for (const d of result.drawn) {
        expect(inside(d.box, safe), `${d.role} ${JSON.stringify(d.box)} inside ${JSON.stringify(safe)}`).toBe(true);
        expect(d.contrast, d.role).toBeGreaterThanOrEqual(MIN_TEXT_CONTRAST);
      }
      if (id !== 'tiktok-feed') {
        // Where there is room beside the product, no text covers it.
        for (const d of result.drawn) expect(overlaps(d.box, avoid, preset.width, preset.height), d.role).toBe(false);
      }

      const lines = await readText(result.image);
      expect(bestMatch(COPY.titleZh, lines), `OCR read ${JSON.stringify(lines)}`).toBe(0);
      expect(bestMatch(COPY.price, lines), `OCR read ${JSON.stringify(lines)}`).toBe(0);
      expect(bestMatch(COPY.badge, lines), `OCR read ${JSON.stringify(lines)}`).toBe(0);
      expect(bestMatch(COPY.title, lines), `OCR read ${JSON.stringify(lines)}`).toBeLessThanOrEqual(1);
      // And the copy was not there before it was drawn.
      expect(bestMatch(COPY.titleZh, await readText(scene))).toBeGreaterThan(3);
    }, 90_000);
  }

  it('Etsy ("sparingly") gets one element only; presets without text get none', async () => {
    const scene = busyScene(2000, 1600);
    const etsy = drawTextOverlay(scene, presets.get('etsy-listing') as Preset, COPY);
    expect(etsy.drawn.map((d) => d.role)).toEqual(['badge']);
    const etsyPrice = drawTextOverlay(scene, presets.get('etsy-listing') as Preset, { title: COPY.title, price: '$24.50' });
    expect(etsyPrice.drawn.map((d) => d.role)).toEqual(['price']);
    const none = drawTextOverlay(scene, presets.get('thumb-512') as Preset, COPY);
    expect(none.drawn).toEqual([]);
    expect(none.image).toBe(scene);
  });

  it('wraps a long title to two lines and shortens what still does not fit, saying so', async () => {
    const preset = presets.get('thumb-512') as Preset;
    const scene = busyScene(512, 512);
    const long = 'Ultra Lightweight Breathable Quick Dry Performance Running Training Tee Shirt For Men With Reflective Piping, Hidden Key Pocket And Flatlock Seams';
    const result = drawTextOverlay(scene, { ...preset, text: 'allowed' }, { title: long, price: '$9' }, { avoid: { x: 0.2, y: 0.1, width: 0.6, height: 0.55 } });
    const title = result.drawn.find((d) => d.role === 'title');
    expect(title?.lines.length).toBe(2);
    expect(title?.lines[1].endsWith('…')).toBe(true);
    expect(result.warnings.join(' ')).toMatch(/shortened/);
  });
});

describe('product copy', () => {
  it('comes from the extra CSV columns, any case, empty cells ignored', () => {
    expect(copyFromAttributes({ Title: ' Linen Dress ', TITLE_ZH: '亚麻连衣裙', price: '$29', badge: '' })).toEqual({ title: 'Linen Dress', titleZh: '亚麻连衣裙', price: '$29' });
  });

  it('or from a sidecar JSON keyed by new product id, with problems named', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'hitline-copy-'));
    const good = path.join(dir, 'copy.json');
    await writeFile(good, JSON.stringify({ 'NEW-001': { title: 'Linen Dress', title_zh: '亚麻连衣裙', price: 29, badge: 'NEW' } }));
    expect((await readCopySidecar(good)).get('NEW-001')).toEqual({ title: 'Linen Dress', titleZh: '亚麻连衣裙', price: '29', badge: 'NEW' });
    const bad = path.join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify({ 'NEW-002': { badge: 'A VERY LONG BADGE TEXT' } }));
    await expect(readCopySidecar(bad)).rejects.toThrow(/bad\.json: "NEW-002": badge is 22 characters long; at most 16/);
  });

  it('is drawn with fonts shipped in npm (Noto Sans SC, OFL), found on disk', () => {
    const files = fontFiles();
    expect(files.regular).toMatch(/@embedpdf[\\/]fonts-sc[\\/]fonts[\\/]NotoSansHans-Regular\.otf$/);
    expect(files.bold).toMatch(/NotoSansHans-Bold\.otf$/);
  });
});
