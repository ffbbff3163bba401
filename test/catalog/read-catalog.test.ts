import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readHitCatalog, readNewProducts } from '../../src/catalog/read-catalog.js';
import { CsvSyntaxError } from '../../src/catalog/csv.js';
import { UserInputError, formatRowProblem } from '../../src/core/errors.js';
import { imageBytes, tempDir, writeFile } from './fixtures.js';

const HEADER = 'product_id,image_path,category,color,style,season,sales_count,description,price';
const NEW_HEADER = 'new_id,image_path,category,style,season,prompt_hint';

const root = tempDir();
const images = path.join(root, 'images');
let csvCount = 0;
/** Writes a CSV into its own file and returns the path. */
const csv = (text: string | Buffer) => writeFile(root, `table-${++csvCount}.csv`, text);

beforeAll(async () => {
  const jpeg = await imageBytes('jpeg');
  for (const name of ['SKU001.jpg', 'SKU002.jpg', 'SKU003.jpg', 'NEW001.jpg', 'sub/SKU010.jpg', '..odd name.jpg']) writeFile(images, name, jpeg);
  writeFile(root, 'secret.jpg', jpeg); // outside the images folder
});

describe('readHitCatalog', () => {
  it('reads the tutorial products.csv as it is', async () => {
    const file = csv(`${HEADER}\nSKU001,SKU001.jpg,midi_dress,red,french_vintage,summer,3200,A red floral midi dress,59.9\nSKU002,SKU002.jpg,midi_dress,blue,minimal,spring,1800,Blue wrap dress,\n`);
    const { rows, problems } = await readHitCatalog(file, images);
    expect(problems).toEqual([]);
    expect(rows).toEqual([
      {
        row: 1, line: 2, imageAbsPath: path.join(images, 'SKU001.jpg'),
        value: {
          productId: 'SKU001', imagePath: 'SKU001.jpg', category: 'midi_dress', color: 'red', style: 'french_vintage',
          season: 'summer', salesCount: 3200, description: 'A red floral midi dress', price: 59.9, attributes: {},
        },
      },
      expect.objectContaining({ row: 2, line: 3, value: expect.objectContaining({ productId: 'SKU002', salesCount: 1800, price: null }) }),
    ]);
  });

  it('reads a BOM, CRLF, Chinese text and quoted fields with commas, quotes and line breaks', async () => {
    const text = `\uFEFF${HEADER}\r\n` +
      'SKU001,SKU001.jpg,连衣裙,红色,法式复古,夏季,3200,"法式复古碎花连衣裙, 收腰\r\n显瘦 ""爆款""",129\r\n' +
      'SKU002,SKU002.jpg,衬衫,白色,通勤,春季,2100,简约白衬衫,89.5\r\n';
    const { rows, problems } = await readHitCatalog(csv(Buffer.from(text, 'utf8')), images);
    expect(problems).toEqual([]);
    expect(rows.map((r) => [r.row, r.line])).toEqual([[1, 2], [2, 4]]);
    expect(rows[0].value).toMatchObject({ productId: 'SKU001', category: '连衣裙', description: '法式复古碎花连衣裙, 收腰\r\n显瘦 "爆款"', price: 129 });
    expect(rows[1].value).toMatchObject({ category: '衬衫', season: '春季', salesCount: 2100 });
  });

  it('matches header names ignoring case and spaces, and keeps extra columns as attributes', async () => {
    const file = csv(' Product_ID , IMAGE_PATH,Category,Sales_Count, Title ,Target Presets\nSKU001,SKU001.jpg,midi_dress,2000, Summer dress ,"amazon,tmall"\n');
    const { rows, problems } = await readHitCatalog(file, images);
    expect(problems).toEqual([]);
    expect(rows[0].value).toEqual({
      productId: 'SKU001', imagePath: 'SKU001.jpg', category: 'midi_dress', color: '', style: '', season: '',
      salesCount: 2000, description: '', price: null,
      attributes: { title: ' Summer dress ', 'target presets': 'amazon,tmall' },
    });
  });

  it('accepts image paths in subfolders, written with / or \\', async () => {
    const file = csv(`${HEADER}\nA,sub/SKU010.jpg,c,,,,1,,\nB,sub\\SKU010.jpg,c,,,,1,,\nC,..odd name.jpg,c,,,,1,,\n`);
    const { rows, problems } = await readHitCatalog(file, images);
    expect(problems).toEqual([]);
    expect(rows.map((r) => r.imageAbsPath)).toEqual([
      path.join(images, 'sub', 'SKU010.jpg'), path.join(images, 'sub', 'SKU010.jpg'), path.join(images, '..odd name.jpg'),
    ]);
  });

  // Each case: one bad row (row 2) between two good ones; exactly one problem on the right column.
  const good1 = 'SKU001,SKU001.jpg,midi_dress,red,x,summer,3000,good one,10';
  const good3 = 'SKU003,SKU003.jpg,midi_dress,red,x,summer,3000,good three,10';
  const badRows: Array<[string, string, string, RegExp]> = [
    ['missing product_id', ',SKU002.jpg,midi_dress,red,x,summer,100,d,1', 'product_id', /product_id is empty/],
    ['missing image_path', 'SKU002,,midi_dress,red,x,summer,100,d,1', 'image_path', /image_path is empty/],
    ['missing category', 'SKU002,SKU002.jpg,  ,red,x,summer,100,d,1', 'category', /category is empty/],
    ['missing sales_count', 'SKU002,SKU002.jpg,midi_dress,red,x,summer,,d,1', 'sales_count', /sales_count is empty/],
    ['non-numeric sales_count', 'SKU002,SKU002.jpg,midi_dress,red,x,summer,lots,d,1', 'sales_count', /sales_count "lots" is not a whole number/],
    ['fractional sales_count', 'SKU002,SKU002.jpg,midi_dress,red,x,summer,12.5,d,1', 'sales_count', /not a whole number/],
    ['thousands separator in sales_count', 'SKU002,SKU002.jpg,midi_dress,red,x,summer,"1,500",d,1', 'sales_count', /"1,500" is not a whole number/],
    ['negative sales_count', 'SKU002,SKU002.jpg,midi_dress,red,x,summer,-5,d,1', 'sales_count', /sales_count "-5" is negative/],
    ['sales_count too large for an exact count', 'SKU002,SKU002.jpg,midi_dress,red,x,summer,99999999999999999999,d,1', 'sales_count', /sales_count "99999999999999999999" is too large/],
    ['non-numeric price', 'SKU002,SKU002.jpg,midi_dress,red,x,summer,100,d,cheap', 'price', /price "cheap" is not a price hitline can read/],
    ['negative price', 'SKU002,SKU002.jpg,midi_dress,red,x,summer,100,d,-1', 'price', /price "-1" is negative/],
    ['duplicate product_id', 'SKU001,SKU002.jpg,midi_dress,red,x,summer,100,d,1', 'product_id', /duplicate product_id "SKU001": row 1 already uses it/],
    ['parent-folder image_path', 'SKU002,../secret.jpg,midi_dress,red,x,summer,100,d,1', 'image_path', /"\.\.\/secret\.jpg" points outside the images folder/],
    ['nested escape', 'SKU002,sub/../../secret.jpg,midi_dress,red,x,summer,100,d,1', 'image_path', /points outside the images folder/],
    ['backslash escape', 'SKU002,..\\secret.jpg,midi_dress,red,x,summer,100,d,1', 'image_path', /points outside the images folder/],
    ['image_path naming the folder itself', 'SKU002,sub/..,midi_dress,red,x,summer,100,d,1', 'image_path', /image_path "sub\/\.\." points outside the images folder/],
    ['absolute image_path', `SKU002,${path.join(root, 'secret.jpg')},midi_dress,red,x,summer,100,d,1`, 'image_path', /is absolute/],
    ['Windows absolute image_path', 'SKU002,C:\\photos\\a.jpg,midi_dress,red,x,summer,100,d,1', 'image_path', /is absolute/],
    ['missing image file', 'SKU002,SKU999.jpg,midi_dress,red,x,summer,100,d,1', 'image_path', /image "SKU999\.jpg" does not exist \(looked for .*SKU999\.jpg\)/],
    ['image_path that is a folder', 'SKU002,sub,midi_dress,red,x,summer,100,d,1', 'image_path', /image "sub" is not a file/],
  ];

  it.each(badRows)('reports a %s on that row and column only', async (_name, bad, column, message) => {
    const file = csv(`${HEADER}\n${good1}\n${bad}\n${good3}\n`);
    const { rows, problems } = await readHitCatalog(file, images);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file, row: 2, column });
    expect(problems[0].message).toMatch(/^line 3: /);
    expect(problems[0].message).toMatch(message);
    expect(rows.map((r) => r.value.productId)).toEqual(['SKU001', 'SKU003']);
    expect(rows.map((r) => r.row)).toEqual([1, 3]);
  });

  it('reports every bad cell of a row, in column order, and formats them for the user', async () => {
    const file = csv(`${HEADER}\n${good1}\nSKU002,SKU002.jpg,,red,x,summer,many,d,cheap\n`);
    const { rows, problems } = await readHitCatalog(file, images);
    expect(problems.map((p) => [p.row, p.column])).toEqual([[2, 'category'], [2, 'sales_count'], [2, 'price']]);
    expect(formatRowProblem(problems[1])).toBe(`${file}, row 2, column "sales_count": line 3: sales_count "many" is not a whole number (write digits only, e.g. 1500)`);
    expect(rows).toHaveLength(1);
  });

  it('reads whole-number spellings of sales_count and decimal prices, trimming every cell', async () => {
    const file = csv(`${HEADER}\nSKU001, SKU001.jpg ,c,,,,+1500.00, d ,.5\nSKU002,SKU002.jpg,c,,,,  7  ,,+3.\n`);
    const { rows, problems } = await readHitCatalog(file, images);
    expect(problems).toEqual([]);
    expect(rows.map((r) => [r.value.imagePath, r.value.salesCount, r.value.description, r.value.price])).toEqual([['SKU001.jpg', 1500, 'd', 0.5], ['SKU002.jpg', 7, '', 3]]);
  });

  it('counts rows from the first data row, not physical lines, after multi-line fields and blank lines', async () => {
    const file = csv(`${HEADER}\nSKU001,SKU001.jpg,c,,,,1,"two\nlines",\n\nSKU002,SKU002.jpg,c,,,,oops,,\n`);
    const { problems } = await readHitCatalog(file, images);
    expect(problems).toEqual([{ file, row: 2, column: 'sales_count', message: expect.stringMatching(/^line 5: /) }]);
  });

  it('reports a row with the wrong number of fields instead of reading shifted columns', async () => {
    const file = csv(`${HEADER}\n${good1}\nSKU002,SKU002.jpg,midi_dress,red,x,summer,100,a dress, with a comma,1\n${good3},,\n`);
    const { rows, problems } = await readHitCatalog(file, images);
    expect(problems).toEqual([{ file, row: 2, message: expect.stringMatching(/line 3: the row has 10 fields but the header has 9 columns/) }]);
    // Trailing empty fields (row 3) are harmless padding.
    expect(rows.map((r) => r.value.productId)).toEqual(['SKU001', 'SKU003']);
  });

  it('keeps the first of duplicate ids and reports each later one', async () => {
    const file = csv(`${HEADER}\nSKU001,SKU001.jpg,first,,,,1,,\nSKU001,SKU002.jpg,second,,,,1,,\nSKU001,SKU003.jpg,third,,,,1,,\n`);
    const { rows, problems } = await readHitCatalog(file, images);
    expect(rows.map((r) => r.value.category)).toEqual(['first']);
    expect(problems.map((p) => [p.row, p.column])).toEqual([[2, 'product_id'], [3, 'product_id']]);
  });

  it('refuses a header that lacks required columns, listing what is missing and what was found', async () => {
    const file = csv('product_id,image,category,color\nSKU001,SKU001.jpg,c,red\n');
    const err = await readHitCatalog(file, images).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserInputError);
    expect((err as Error).message).toBe(`${file}: the header lacks required column(s) image_path, sales_count; found product_id, image, category, color`);
    expect((err as UserInputError).hint).toMatch(/Add the missing column/);
  });

  it('refuses a header that names a column twice', async () => {
    const file = csv('product_id,image_path,category,sales_count,Category\n');
    await expect(readHitCatalog(file, images)).rejects.toThrow(/names column\(s\) category more than once/);
  });

  it('fails the file, with its line, on malformed quoting', async () => {
    const file = csv(`${HEADER}\n${good1}\nSKU002,SKU002.jpg,c,,,,1,"unterminated,\n`);
    await expect(readHitCatalog(file, images)).rejects.toThrowError(CsvSyntaxError);
    await expect(readHitCatalog(file, images)).rejects.toThrow(`${file}, line 3:`);
  });

  it('says clearly when the CSV, its content or the images folder is missing', async () => {
    await expect(readHitCatalog(path.join(root, 'nope.csv'), images)).rejects.toThrow(/nope\.csv does not exist/);
    await expect(readHitCatalog(csv(''), images)).rejects.toThrow(/is empty; expected a header row/);
    await expect(readHitCatalog(csv(`${HEADER}\n`), path.join(root, 'no-images'))).rejects.toThrow(/images folder .*no-images does not exist/);
    const headerOnly = await readHitCatalog(csv(`${HEADER}\n`), images);
    expect(headerOnly).toMatchObject({ rows: [], problems: [] });
  });
});

describe('readNewProducts', () => {
  it('reads the tutorial new_products.csv, keeping extra columns', async () => {
    const file = csv(`${NEW_HEADER},title\nNEW001,NEW001.jpg,knit_set,casual,autumn,"Knit cardigan, tulle skirt",针织开衫套装\n`);
    const { rows, problems } = await readNewProducts(file, images);
    expect(problems).toEqual([]);
    expect(rows).toEqual([{
      row: 1, line: 2, imageAbsPath: path.join(images, 'NEW001.jpg'),
      value: {
        newId: 'NEW001', imagePath: 'NEW001.jpg', category: 'knit_set', style: 'casual', season: 'autumn',
        promptHint: 'Knit cardigan, tulle skirt', attributes: { title: '针织开衫套装' },
      },
    }]);
  });

  it('needs only new_id, image_path and category', async () => {
    const { rows, problems } = await readNewProducts(csv('NEW_ID,Image_Path,Category\nNEW001,NEW001.jpg,dress\n'), images);
    expect(problems).toEqual([]);
    expect(rows[0].value).toMatchObject({ newId: 'NEW001', style: '', season: '', promptHint: '' });
    await expect(readNewProducts(csv('new_id,image_path\n'), images)).rejects.toThrow(/lacks required column\(s\) category/);
  });

  it('reports bad rows with row and column and keeps the good ones', async () => {
    const file = csv(`${NEW_HEADER}\nNEW001,NEW001.jpg,dress,,,\n,NEW001.jpg,dress,,,\nNEW001,SKU001.jpg,dress,,,\nNEW003,/etc/passwd,dress,,,\nNEW004,NEW001.jpg,,,,\nNEW005,missing.jpg,dress,,,\n`);
    const { rows, problems } = await readNewProducts(file, images);
    expect(rows.map((r) => r.value.newId)).toEqual(['NEW001']);
    expect(problems.map((p) => [p.row, p.column])).toEqual([
      [2, 'new_id'], [3, 'new_id'], [4, 'image_path'], [5, 'category'], [6, 'image_path'],
    ]);
    expect(problems[1].message).toMatch(/duplicate new_id "NEW001"/);
  });
});
