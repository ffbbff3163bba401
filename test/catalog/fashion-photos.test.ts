/**
 * The catalog module over the real photo set (1,204 product photos + styles.csv), when it is present.
 * It is never copied into the repo; without it this file is skipped and says why.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkRowImages } from '../../src/catalog/check-row-images.js';
import { readCsvTable } from '../../src/catalog/csv-table.js';
import { readHitCatalog } from '../../src/catalog/read-catalog.js';
import { fashionDataDir } from '../../src/util/paths.js';
import { tempDir, writeFile } from './fixtures.js';

const dataDir = fashionDataDir();
const present = existsSync(path.join(dataDir, 'styles.csv'));
const title = present ? `real photo set at ${dataDir}` : `real photo set (SKIPPED: not found at ${dataDir}; set HITLINE_FASHION_DIR)`;
if (!present) console.warn(`test/catalog/fashion-photos: ${title}`);

/** Quotes every field, doubling inner quotes, as a spreadsheet would when needed. */
const csvLine = (fields: string[]) => fields.map((f) => `"${f.replace(/"/g, '""')}"`).join(',');

describe.skipIf(!present)(title, () => {
  it('reads styles.csv and every photo as a hit catalog with no problems', async () => {
    const styles = await readCsvTable(path.join(dataDir, 'styles.csv'), { required: ['id', 'articletype', 'productdisplayname'], known: [] });
    expect(styles.problems).toEqual([]);
    expect(styles.rows).toHaveLength(1204);

    // The same data in the tutorial's products.csv layout, CRLF and fully quoted.
    const lines = styles.rows.map((r, i) => csvLine([
      r.cell('id'), `${r.cell('id')}.jpg`, r.cell('articletype'), r.cell('basecolour'), r.cell('usage'), r.cell('season'),
      String(1000 + i), r.cell('productdisplayname'), '',
    ]));
    const dir = tempDir();
    const file = writeFile(dir, 'products.csv', ['product_id,image_path,category,color,style,season,sales_count,description,price', ...lines].join('\r\n'));
    const catalog = await readHitCatalog(file, path.join(dataDir, 'images'));
    expect(catalog.problems).toEqual([]);
    expect(catalog.rows).toHaveLength(1204);
    expect(catalog.rows.map((r) => r.value.description)).toEqual(styles.rows.map((r) => r.cell('productdisplayname').trim()));

    const sizes = new Map<string, number>();
    const hashById = new Map<string, string>();
    let problems = 0;
    for await (const checked of checkRowImages(catalog.rows, { file })) {
      if (!checked.ok) { problems++; continue; }
      const key = `${checked.image.width}x${checked.image.height}`;
      sizes.set(key, (sizes.get(key) ?? 0) + 1);
      hashById.set(checked.value.productId, checked.image.contentHash);
      expect(checked.image.format).toBe('jpeg');
    }
    expect(problems).toBe(0);
    // SOURCE.md: 225x300, except 7 files at 150x200.
    expect(Object.fromEntries(sizes)).toEqual({ '225x300': 1197, '150x200': 7 });
    // The set holds one byte-identical pair (ids 40925 and 40926); every other photo is distinct.
    expect(new Set(hashById.values()).size).toBe(1203);
    expect(hashById.get('40925')).toBe(hashById.get('40926'));
  });
});
