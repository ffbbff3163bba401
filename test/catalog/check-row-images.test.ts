import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkRowImages, type CheckedRow } from '../../src/catalog/check-row-images.js';
import { readHitCatalog, type CatalogRow } from '../../src/catalog/read-catalog.js';
import type { HitProduct } from '../../src/core/product.js';
import { imageBytes, noisyJpeg, tempDir, writeFile } from './fixtures.js';

const root = tempDir();
const images = path.join(root, 'images');
const HEADER = 'product_id,image_path,category,color,style,season,sales_count,description,price';

beforeAll(async () => {
  writeFile(images, 'good1.jpg', await imageBytes('jpeg', 40, 30));
  const jpeg = await noisyJpeg();
  writeFile(images, 'truncated.jpg', jpeg.subarray(0, jpeg.length >> 1));
  writeFile(images, 'good2.png', await imageBytes('png', 20, 10));
  writeFile(images, 'anim.gif', await imageBytes('gif'));
  writeFile(images, 'huge.jpg', await imageBytes('jpeg', 1200, 1000));
  writeFile(images, 'good3.webp', await imageBytes('webp', 16, 16));
});

async function collect<T>(gen: AsyncGenerator<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of gen) out.push(x);
  return out;
}

describe('checkRowImages', () => {
  it('keeps good rows with their image, turns bad images into problems on image_path, in row order', async () => {
    const file = writeFile(root, 'products.csv', `${HEADER}\n` + [
      'A,good1.jpg,c,,,,1,,', 'B,truncated.jpg,c,,,,1,,', 'C,good2.png,c,,,,1,,',
      'D,anim.gif,c,,,,1,,', 'E,huge.jpg,c,,,,1,,', 'F,good3.webp,c,,,,1,,',
    ].join('\n'));
    const { rows, problems } = await readHitCatalog(file, images);
    expect(problems).toEqual([]);

    const progress: Array<{ done: number; total: number; problems: number }> = [];
    const results: Array<CheckedRow<HitProduct>> = await collect(
      checkRowImages(rows, { file, maxPixels: 1_000_000, concurrency: 3, onProgress: (p) => progress.push(p) }),
    );

    expect(results.map((r) => [r.row, r.ok])).toEqual([[1, true], [2, false], [3, true], [4, false], [5, false], [6, true]]);
    const good = results.filter((r) => r.ok);
    expect(good.map((r) => [r.value.productId, r.image.format, r.image.width, r.image.height])).toEqual([
      ['A', 'jpeg', 40, 30], ['C', 'png', 20, 10], ['F', 'webp', 16, 16],
    ]);
    const bad = results.flatMap((r) => (r.ok ? [] : [r.problem]));
    expect(bad).toEqual([
      { file, row: 2, column: 'image_path', message: expect.stringMatching(/^line 3: image "truncated\.jpg": corrupt or truncated JPEG/) },
      { file, row: 4, column: 'image_path', message: 'line 5: image "anim.gif": unsupported format gif' },
      { file, row: 5, column: 'image_path', message: 'line 6: image "huge.jpg": 1,200,000 pixels exceeds the 1,000,000-pixel limit' },
    ]);
    expect(progress.map((p) => p.done)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(progress.at(-1)).toEqual({ done: 6, total: 6, problems: 3 });
  });
});

describe('checkRowImages streaming (p-map pMapIterable)', () => {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  /** `count` rows of one good image; `started` collects the rows whose image load began (their path was read). */
  function watchedRows(count: number, started: Set<number>, broken?: number): Array<CatalogRow<{ imagePath: string }>> {
    return Array.from({ length: count }, (_, k) => {
      const row = k + 1;
      const r = { row, line: row + 1, value: { imagePath: 'good1.jpg' } } as CatalogRow<{ imagePath: string }>;
      Object.defineProperty(r, 'imageAbsPath', {
        enumerable: true,
        get() {
          started.add(row);
          if (row === broken) throw new Error(`bug while reading row ${row}`);
          return path.join(images, 'good1.jpg');
        },
      });
      return r;
    });
  }

  it('yields in row order even when later images finish first', async () => {
    const file = writeFile(root, 'order.csv', `${HEADER}\n` + ['A,huge.jpg,c,,,,1,,', 'B,good1.jpg,c,,,,1,,', 'C,good2.png,c,,,,1,,', 'D,good3.webp,c,,,,1,,'].join('\n'));
    const { rows } = await readHitCatalog(file, images);
    const results = await collect(checkRowImages(rows, { file, maxPixels: 10_000_000, concurrency: 4 }));
    expect(results.map((r) => [r.row, r.ok])).toEqual([[1, true], [2, true], [3, true], [4, true]]);
  });

  it('starts no more loads than `concurrency` beyond what the consumer has taken, however many rows there are', async () => {
    const started = new Set<number>();
    const gen = checkRowImages(watchedRows(1000, started), { file: 'p.csv', concurrency: 4 });
    const first = await gen.next();
    expect(first.value).toMatchObject({ row: 1, ok: true });
    await sleep(50);
    expect(started.size).toBeGreaterThanOrEqual(4);
    expect(started.size).toBeLessThanOrEqual(5);
    await gen.return(undefined);
  });

  it('passes an unexpected failure (a bug, not a bad image) through at its row, after the rows before it', async () => {
    const gen = checkRowImages(watchedRows(3, new Set(), 2), { file: 'p.csv', concurrency: 2 });
    await expect(gen.next()).resolves.toMatchObject({ value: { row: 1, ok: true }, done: false });
    await expect(gen.next()).rejects.toThrow('bug while reading row 2');
  });
});
