/** The preset bench's read-backs: every fashion-1204 photo as a main image on white, and OCR of the drawn copy. */
import { readFileSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { decodeRgb } from '../src/imaging/decode.js';
import { builtinPresets, type Preset } from '../src/presets/index.js';
import { encodeForPreset } from '../src/presets/delivery/encode-for-preset.js';
import { MainImageRefusedError, renderMainImage } from '../src/presets/delivery/main-image.js';
import { checkFill, checkWhiteBackground, decodeForChecks } from '../src/presets/delivery/quality-checks.js';
import { fashionDataDir } from '../src/util/paths.js';
import { bestMatch, readText } from '../test/presets/delivery/ocr.js';
import { COPY, type BenchProduct } from './preset-products.js';

export async function mainImagesOverSet(): Promise<string[]> {
  const dir = path.join(fashionDataDir(), 'images');
  const files = readdirSync(dir).filter((f) => f.endsWith('.jpg')).sort();
  const preset = builtinPresets().find((p) => p.id === 'tiktok-main') as Preset;
  let compliant = 0;
  let refused = 0;
  let nonCompliant = 0;
  const refusals = new Map<string, number>();
  const t0 = performance.now();
  for (const [i, f] of files.entries()) {
    try {
      const main = await renderMainImage(await readFile(path.join(dir, f)), preset);
      const pixels = await decodeForChecks((await encodeForPreset(main.image, preset)).bytes);
      if (checkWhiteBackground(pixels, { productMask: main.productMask }).passed && checkFill(pixels, preset.minFill).passed) compliant++;
      else nonCompliant++;
    } catch (error) {
      if (!(error instanceof MainImageRefusedError)) throw error;
      refused++;
      for (const r of error.reasons) refusals.set(r.split(/[:(]/)[0].replace(/\d+%/g, 'N%').trim(), (refusals.get(r.split(/[:(]/)[0].replace(/\d+%/g, 'N%').trim()) ?? 0) + 1);
    }
    if ((i + 1) % 100 === 0) process.stderr.write(`main images: ${i + 1}/${files.length}\n`);
  }
  const seconds = (performance.now() - t0) / 1000;
  return [
    `All ${files.length} photos of fashion-1204 as ${preset.id} (${preset.width}×${preset.height}), checked on the encoded JPEG: ` +
      `**${compliant} compliant** (exact white background and ≥${Math.round(preset.minFill * 100)}% fill), ${nonCompliant} non-compliant, ${refused} refused ` +
      `(cut-out unreliable); ${(seconds / files.length).toFixed(2)} s per photo (cut-out, composite, encode, decode, checks).`,
    ...(refusals.size ? ['', 'Refusal reasons: ' + [...refusals].map(([k, v]) => `${k} ×${v}`).join('; ') + '.'] : []),
  ];
}

export async function ocrReadBack(products: BenchProduct[], workDir: string): Promise<string[]> {
  const ids = ['banner-4x1', 'tiktok-feed', 'independent-3x4'];
  const rows = ['| product | preset | title | Chinese title | price | badge |', '|---|---|---|---|---|---|'];
  let exact = 0;
  let total = 0;
  for (const bp of products) {
    for (const id of ids) {
      const file = path.join(workDir, bp.product.newId.startsWith('F') ? 'fashion' : 'demo', bp.product.newId, `${id}-1.jpg`);
      let bytes: Buffer;
      try {
        bytes = readFileSync(file);
      } catch {
        continue;
      }
      const lines = await readText(await decodeRgb(bytes, 4096));
      const want = { title: bp.product.attributes.title, zh: COPY.title_zh, price: COPY.price, badge: COPY.badge };
      const cells = Object.values(want).map((w) => {
        const d = bestMatch(w, lines);
        total++;
        if (d === 0) exact++;
        return d === 0 ? 'exact' : `${d} edit${d > 1 ? 's' : ''}`;
      });
      rows.push(`| ${bp.product.newId} | ${id} | ${cells.join(' | ')} |`);
    }
  }
  return [`${exact} of ${total} drawn strings read back exactly (edit distance 0 after NFKC, ignoring spaces and case).`, '', ...rows];
}
