/**
 * The fonts hitline draws text with: Noto Sans SC (Source Han Sans; OFL-1.1) from the npm package
 * @embedpdf/fonts-sc. It covers Latin, Greek, Cyrillic, kana and the GB2312 Chinese set, so one family
 * draws mixed copy like "夏季新款 Linen Dress ¥199". The package's `exports` hide the .otf files,
 * so their path is resolved from the package's entry point on disk.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { GlobalFonts } from '@napi-rs/canvas';
import { HitlineError } from '../../core/errors.js';

export const FONT_PACKAGE = '@embedpdf/fonts-sc';
export const FONT_FAMILY = { regular: 'Hitline Sans', bold: 'Hitline Sans Bold' } as const;
const FILES = { regular: 'NotoSansHans-Regular.otf', bold: 'NotoSansHans-Bold.otf' } as const;

/** Absolute paths of the bundled font files. */
export function fontFiles(): { regular: string; bold: string } {
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve(FONT_PACKAGE);
  } catch (error) {
    throw new HitlineError(`the font package ${FONT_PACKAGE} is not installed`, { hint: 'Run `npm install` in the hitline folder.', cause: error });
  }
  // entry is <package>/dist/index.cjs; the fonts are in <package>/fonts/.
  const dir = path.join(path.dirname(path.dirname(entry)), 'fonts');
  const files = { regular: path.join(dir, FILES.regular), bold: path.join(dir, FILES.bold) };
  for (const file of Object.values(files)) {
    if (!existsSync(file)) throw new HitlineError(`the font file ${file} is missing`, { hint: `Reinstall the font package: npm install ${FONT_PACKAGE}` });
  }
  return files;
}

let registered = false;

/** Registers the fonts with the canvas (once per process) and returns the family names to use in `ctx.font`. */
export function ensureFonts(): typeof FONT_FAMILY {
  if (registered) return FONT_FAMILY;
  const files = fontFiles();
  if (!GlobalFonts.registerFromPath(files.regular, FONT_FAMILY.regular) || !GlobalFonts.registerFromPath(files.bold, FONT_FAMILY.bold)) {
    throw new HitlineError(`the canvas could not load the fonts in ${path.dirname(files.regular)}`, { hint: `Reinstall the font package: npm install ${FONT_PACKAGE}` });
  }
  registered = true;
  return FONT_FAMILY;
}
