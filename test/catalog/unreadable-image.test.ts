/**
 * An image the user may not read is a bad row (file, row, column "image_path"), never a crash. Tests run as
 * root in some places, where chmod 000 does not stop a read, so the permission fault is injected into
 * node:fs/promises for the paths a test names; where the tests do not run as root, a real chmod 000 is
 * checked as well.
 */
import { chmodSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { imageBytes, tempDir, writeFile } from './fixtures.js';

/** Paths whose access(R_OK) and readFile fail with EACCES, as for a file of another user with mode 600. */
const denied = new Set<string>();

vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  const eacces = (syscall: string, file: string) => Object.assign(new Error(`EACCES: permission denied, ${syscall} '${file}'`), { code: 'EACCES', syscall, path: file });
  const guard = <A extends unknown[], R>(syscall: string, fn: (file: never, ...rest: A) => Promise<R>) =>
    (file: unknown, ...rest: A): Promise<R> => (denied.has(String(file)) ? Promise.reject(eacces(syscall, String(file))) : fn(file as never, ...rest));
  const patched = { ...fs, access: guard('access', fs.access), readFile: guard('open', fs.readFile) };
  return { ...patched, default: patched };
});

const { readHitCatalog } = await import('../../src/catalog/read-catalog.js');
const { loadImage, ImageProblemError } = await import('../../src/catalog/load-image.js');
const { runCli } = await import('../helpers/capture.js');

const HEADER = 'product_id,image_path,category,color,style,season,sales_count,description,price';
const root = tempDir();
const images = path.join(root, 'images');

beforeAll(async () => {
  const jpeg = await imageBytes('jpeg');
  for (const name of ['SKU001.jpg', 'SKU002.jpg', 'SKU003.jpg']) writeFile(images, name, jpeg);
});
afterEach(() => denied.clear());

describe('an image the user cannot read', () => {
  it('is a bad row with file, row and column when the catalog is read', async () => {
    const file = writeFile(root, 'products.csv', `${HEADER}\nSKU001,SKU001.jpg,dress,,,,10,,\nSKU002,SKU002.jpg,dress,,,,10,,\n`);
    denied.add(path.join(images, 'SKU002.jpg'));
    const { rows, problems } = await readHitCatalog(file, images);
    expect(rows.map((r) => r.value.productId)).toEqual(['SKU001']);
    expect(problems).toEqual([{
      file, row: 2, column: 'image_path',
      message: `line 3: image "SKU002.jpg" cannot be read: permission denied (EACCES) (${path.join(images, 'SKU002.jpg')})`,
    }]);
  });

  it('names the file and the permission when it becomes unreadable after the catalog was read', async () => {
    const file = path.join(images, 'SKU003.jpg');
    denied.add(file);
    const err = await loadImage(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageProblemError);
    expect((err as Error).message).toBe(`image ${file}: cannot be read: permission denied (EACCES)`);
  });

  it('ingest stores the readable rows, reports the other one and exits 1', async () => {
    const file = writeFile(root, 'products-2.csv', `${HEADER}\nSKU001,SKU001.jpg,dress,,,,10,,\nSKU003,SKU003.jpg,dress,,,,10,,\n`);
    denied.add(path.join(images, 'SKU003.jpg'));
    const { code, stdout, stderr } = await runCli(['ingest', '--catalog', file, '--images', images, '--workspace', path.join(root, 'ws'), '--offline']);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    expect(stdout).toContain('Ingested 1 of 2 row(s)');
    expect(stdout).toContain(`${file}, row 2, column "image_path": line 3: image "SKU003.jpg" cannot be read: permission denied (EACCES)`);
  }, 60_000);

  it.skipIf(process.getuid?.() === 0)('is refused the same way for a real chmod 000 file (not as root)', async () => {
    const file = writeFile(root, 'products-3.csv', `${HEADER}\nSKU001,SKU001.jpg,dress,,,,10,,\n`);
    chmodSync(path.join(images, 'SKU001.jpg'), 0o000);
    try {
      const { problems } = await readHitCatalog(file, images);
      expect(problems).toMatchObject([{ row: 1, column: 'image_path', message: expect.stringContaining('permission denied (EACCES)') }]);
    } finally {
      chmodSync(path.join(images, 'SKU001.jpg'), 0o644);
    }
  });
});
