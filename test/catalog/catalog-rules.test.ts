/**
 * The catalog's rules for hostile or sloppy input: prices as sellers write them (currency signs, decimal
 * commas; ambiguous ones refused with how to write them), ids with control characters, rows a spreadsheet
 * left empty, and symbolic links in the images folder that lead out of it.
 */
import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readHitCatalog, readNewProducts } from '../../src/catalog/read-catalog.js';
import { readPrice } from '../../src/catalog/price.js';
import { formatRowProblem } from '../../src/core/errors.js';
import { imageBytes, tempDir, writeFile } from './fixtures.js';

const HEADER = 'product_id,image_path,category,color,style,season,sales_count,description,price';
const NEW_HEADER = 'new_id,image_path,category,style,season,prompt_hint';

const root = tempDir();
const images = path.join(root, 'images');
let csvCount = 0;
const csv = (text: string) => writeFile(root, `rules-${++csvCount}.csv`, text);

beforeAll(async () => {
  const jpeg = await imageBytes('jpeg');
  for (const name of ['SKU001.jpg', 'SKU002.jpg', 'NEW001.jpg']) writeFile(images, name, jpeg);
  writeFile(root, 'outside/secret.jpg', jpeg);
  symlinkSync(path.join(root, 'outside', 'secret.jpg'), path.join(images, 'escape.jpg'));
  symlinkSync(path.join(root, 'outside'), path.join(images, 'escape-dir'));
  symlinkSync(path.join(images, 'SKU001.jpg'), path.join(images, 'inside.jpg'));
  // The images folder itself reached through a link: its files are still inside it.
  symlinkSync(images, path.join(root, 'images-link'));
  mkdirSync(path.join(root, 'empty'), { recursive: true });
});

/** products.csv with one row whose price cell is `price`. */
async function priceRow(price: string) {
  const file = csv(`${HEADER}\nSKU001,SKU001.jpg,dress,,,,10,,"${price}"\n`);
  const { rows, problems } = await readHitCatalog(file, images);
  return { file, rows, problems };
}

describe('prices', () => {
  const read: Array<[string, number, string | null]> = [
    ['59.90', 59.9, null],
    ['.5', 0.5, null],
    ['1.299', 1.299, null], // no currency: a dot is a decimal point, as always
    ['¥129', 129, '¥'],
    ['$19.99', 19.99, '$'],
    ['19,99 €', 19.99, '€'],
    ['€ 0,99', 0.99, '€'],
    ['1.299,00', 1299, null],
    ['1.299,00 €', 1299, '€'],
    ['1,299.00', 1299, null],
    ['1,299,000', 1299000, null],
    ['1.299.000', 1299000, null],
    ['1 299,50', 1299.5, null],
    ["1'299.00", 1299, null],
    ['US$19.99', 19.99, 'US$'],
    ['CNY 129', 129, 'CNY'],
    ['129元', 129, '元'],
    ['0.299 €', 0.299, '€'], // a leading zero cannot be a thousands group
  ];
  it.each(read)('reads %s as the amount %s with currency %s', async (cell, amount, currency) => {
    expect(readPrice(cell)).toEqual({ ok: true, price: { amount, currency } });
    const { rows, problems } = await priceRow(cell);
    expect(problems).toEqual([]);
    expect(rows[0].value.price).toBe(amount);
    expect(rows[0].value.attributes).toEqual(currency ? { price_currency: currency } : {});
  });

  const refused: Array<[string, RegExp]> = [
    ['1,299', /"1,299" is ambiguous: the comma could separate thousands \(1299\) or decimals \(1\.299\); write 1299 or 1299\.00/],
    ['19,999', /is ambiguous: the comma/],
    ['1.299 €', /"1\.299 €" is ambiguous: the dot could separate thousands \(1299\) or decimals/],
    ['€1.299', /is ambiguous: the dot/],
    ['1,299,00', /is not a price hitline can read: write the amount with a dot for decimals \(e\.g\. 1299\.00\), optionally with a currency \(¥129, \$19\.99, 19,99 €, 1\.299,00 €\)/],
    ['$19.99 USD', /is not a price hitline can read/],
    ['1e5', /is not a price hitline can read/],
    ['-$5', /"-\$5" is negative/],
    ['$-5', /is negative/],
    ['1-2', /is not a price hitline can read/],
  ];
  it.each(refused)('refuses %s on the price column with how to write it', async (cell, message) => {
    const { file, rows, problems } = await priceRow(cell);
    expect(rows).toEqual([]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file, row: 1, column: 'price' });
    expect(problems[0].message).toMatch(message);
  });

  it('keeps a price_currency column over the sign in the price cell, and an empty one does not erase the sign', async () => {
    const file = csv(`${HEADER},price_currency\nSKU001,SKU001.jpg,dress,,,,10,,¥129,CNY\nSKU002,SKU002.jpg,dress,,,,10,,¥129,\n`);
    const { rows, problems } = await readHitCatalog(file, images);
    expect(problems).toEqual([]);
    expect(rows.map((r) => r.value.attributes)).toEqual([{ price_currency: 'CNY' }, { price_currency: '¥' }]);
  });
});

describe('ids and paths with control characters', () => {
  const hostile: Array<[string, string, string]> = [
    ['NUL', 'SKU\u0000X', '\\x00'],
    ['an OSC title sequence', '\u001b]0;pwned\u0007SKU', '\\x1b \\x07'],
    ['a CSI clear-screen', 'SKU\u001b[2J', '\\x1b'],
    ['a C1 CSI', 'SKU\u009b31m', '\\x9b'],
    ['a right-to-left override', 'SKU\u202egpj.exe', '\\u202e'],
    ['DEL', 'SKU\u007f', '\\x7f'],
  ];
  it.each(hostile)('refuses an id with %s, with row and column, showing it escaped', async (_name, id, shown) => {
    const file = csv(`${NEW_HEADER}\n"${id}",NEW001.jpg,dress,,,\nNEW002,NEW001.jpg,dress,,,\n`);
    const { rows, problems } = await readNewProducts(file, images);
    expect(rows.map((r) => r.value.newId)).toEqual(['NEW002']);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file, row: 1, column: 'new_id' });
    expect(problems[0].message).toContain(`contains control character${shown.includes(' ') ? 's' : ''} ${shown}; an id must be printable text`);
    expect(problems[0].message).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
  });

  it('refuses them in product_id and image_path too', async () => {
    const file = csv(`${HEADER}\n"SKU\u0001",SKU001.jpg,dress,,,,10,,\nSKU002,"SKU002\u001b.jpg",dress,,,,10,,\n`);
    const { problems } = await readHitCatalog(file, images);
    expect(problems.map((p) => [p.row, p.column])).toEqual([[1, 'product_id'], [2, 'image_path']]);
    expect(formatRowProblem(problems[1])).toContain('image_path "SKU002\\x1b.jpg" contains control character \\x1b; rename the file to printable characters');
  });
});

describe('rows a spreadsheet left empty', () => {
  it('skips rows with no value in any column with one note, not a problem per column', async () => {
    const file = csv(`${HEADER}\nSKU001,SKU001.jpg,dress,,,,10,,\n,,,,,,,,\nSKU002,SKU002.jpg,dress,,,,10,,\n,,,,,,,,\n , ,,,,,,,\r\n,,,,,,,,,,,\n`);
    const { rows, problems, notes } = await readHitCatalog(file, images);
    expect(problems).toEqual([]);
    expect(rows.map((r) => [r.value.productId, r.row])).toEqual([['SKU001', 1], ['SKU002', 3]]);
    expect(notes).toEqual([`${file}: 4 empty rows were skipped (rows 2, 4, 5, 6: no value in any column, as spreadsheets leave them)`]);
  });

  it('still reports a row with some values and the required ones missing', async () => {
    const file = csv(`${HEADER}\n,,,red,,,,,\n`);
    const { problems, notes } = await readHitCatalog(file, images);
    expect(problems.map((p) => p.column)).toEqual(['product_id', 'image_path', 'category', 'sales_count']);
    expect(notes).toEqual([]);
  });
});

describe('symbolic links in the images folder', () => {
  const table = () => csv(`${NEW_HEADER}\nNEW001,escape.jpg,dress,,,\nNEW002,escape-dir/secret.jpg,dress,,,\nNEW003,inside.jpg,dress,,,\n`);

  it('refuses a link that leads outside the folder, like a ../ path, saying how to allow it', async () => {
    const file = table();
    const { rows, problems } = await readNewProducts(file, images);
    expect(rows.map((r) => r.value.newId)).toEqual(['NEW003']);
    expect(problems.map((p) => [p.row, p.column])).toEqual([[1, 'image_path'], [2, 'image_path']]);
    expect(problems[0].message).toBe(
      `line 2: image "escape.jpg" leads outside the images folder through a symbolic link (to ${path.join(root, 'outside', 'secret.jpg')}); ` +
        'pass --allow-symlinks-outside (or set "catalog": { "allowSymlinksOutside": true } in config.json) to allow it',
    );
  });

  it('follows it when allowed explicitly', async () => {
    const { rows, problems } = await readNewProducts(table(), images, { allowSymlinksOutside: true });
    expect(problems).toEqual([]);
    expect(rows.map((r) => r.value.newId)).toEqual(['NEW001', 'NEW002', 'NEW003']);
  });

  it('accepts an images folder that is itself a link', async () => {
    const { rows, problems } = await readNewProducts(csv(`${NEW_HEADER}\nNEW001,NEW001.jpg,dress,,,\nNEW003,inside.jpg,dress,,,\n`), path.join(root, 'images-link'));
    expect(problems).toEqual([]);
    expect(rows).toHaveLength(2);
  });
});
