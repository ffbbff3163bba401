/**
 * Reads the two input tables of the tutorial, products.csv (hits) and new_products.csv, exactly as they are.
 * A bad row never sinks the file: it becomes a RowProblem (file, row, column, reason) and every good row
 * still comes back. Only a file that cannot be read as a table at all (missing, not UTF-8, malformed
 * quoting, a required column absent from the header) throws.
 */
import { stat } from 'node:fs/promises';
import { pMapIterable } from 'p-map';
import { UserInputError, type RowProblem } from '../core/errors.js';
import { readCsvTable, type CsvTableRow } from './csv-table.js';
import { imagePathInside, optionalPrice, quoteValue, requiredText, salesCount, type Checked } from './row-fields.js';
import type { HitProduct, NewProduct } from '../core/product.js';

export interface CatalogRow<T> {
  /** From 1 at the first data row. */
  row: number;
  /** Physical line in the CSV where the row starts. */
  line: number;
  value: T;
  /** image_path resolved inside the images folder; the file existed when the CSV was read. */
  imageAbsPath: string;
}

export interface CatalogReadResult<T> {
  /** The CSV path as given, used in every problem. */
  file: string;
  rows: Array<CatalogRow<T>>;
  /** In row order. */
  problems: RowProblem[];
}

export const HIT_COLUMNS = ['product_id', 'image_path', 'category', 'color', 'style', 'season', 'sales_count', 'description', 'price'] as const;
export const NEW_PRODUCT_COLUMNS = ['new_id', 'image_path', 'category', 'style', 'season', 'prompt_hint'] as const;

/** Reads products.csv. Required columns: product_id, image_path, category, sales_count; the rest may be absent. */
export function readHitCatalog(csvPath: string, imagesDir: string): Promise<CatalogReadResult<HitProduct>> {
  return readProductTable(csvPath, imagesDir, {
    idColumn: 'product_id',
    required: ['product_id', 'image_path', 'category', 'sales_count'],
    known: HIT_COLUMNS,
    build(cells, check) {
      const category = check('category', requiredText(cells.cell('category'), 'category'));
      const sales = check('sales_count', salesCount(cells.cell('sales_count'), 'sales_count'));
      const price = check('price', optionalPrice(cells.cell('price'), 'price'));
      if (category === undefined || sales === undefined || price === undefined) return undefined;
      return (id, imagePath) => ({
        productId: id,
        imagePath,
        category,
        color: cells.cell('color').trim(),
        style: cells.cell('style').trim(),
        season: cells.cell('season').trim(),
        salesCount: sales,
        description: cells.cell('description').trim(),
        price,
        attributes: cells.extras(),
      });
    },
  });
}

/** Reads new_products.csv. Required columns: new_id, image_path, category; the rest may be absent. */
export function readNewProducts(csvPath: string, imagesDir: string): Promise<CatalogReadResult<NewProduct>> {
  return readProductTable(csvPath, imagesDir, {
    idColumn: 'new_id',
    required: ['new_id', 'image_path', 'category'],
    known: NEW_PRODUCT_COLUMNS,
    build(cells, check) {
      const category = check('category', requiredText(cells.cell('category'), 'category'));
      if (category === undefined) return undefined;
      return (id, imagePath) => ({
        newId: id,
        imagePath,
        category,
        style: cells.cell('style').trim(),
        season: cells.cell('season').trim(),
        promptHint: cells.cell('prompt_hint').trim(),
        attributes: cells.extras(),
      });
    },
  });
}

/** Records a refused cell as a problem and returns undefined, or returns the accepted value. */
type CheckCell = <V>(column: string, result: Checked<V>) => V | undefined;

interface ProductTableSpec<T> {
  idColumn: string;
  required: readonly string[];
  known: readonly string[];
  /** Checks the kind-specific cells; returns a constructor when all of them are fine. */
  build(cells: CsvTableRow, check: CheckCell): ((id: string, imagePath: string) => T) | undefined;
}

interface Candidate<T> {
  cells: CsvTableRow;
  value: T;
  imageAbsPath: string;
  imagePath: string;
}

/** How many image files are stat'ed at once: enough to hide disk latency, few enough to be polite. */
const STAT_CONCURRENCY = 16;

async function readProductTable<T>(file: string, imagesDir: string, spec: ProductTableSpec<T>): Promise<CatalogReadResult<T>> {
  await requireFolder(imagesDir);
  const table = await readCsvTable(file, spec);
  const problems: RowProblem[] = [...table.problems];
  const firstRowOfId = new Map<string, number>();
  const candidates: Array<Candidate<T>> = [];

  for (const cells of table.rows) {
    let rowIsBad = false;
    const check: CheckCell = (column, result) => {
      if (result.ok) return result.value;
      problems.push({ file, row: cells.row, column, message: `line ${cells.line}: ${result.reason}` });
      rowIsBad = true;
      return undefined;
    };
    const id = check(spec.idColumn, requiredText(cells.cell(spec.idColumn), spec.idColumn));
    const image = check('image_path', imagePathInside(imagesDir, cells.cell('image_path'), 'image_path'));
    const make = spec.build(cells, check);
    if (id !== undefined) {
      const first = firstRowOfId.get(id);
      if (first !== undefined) {
        check(spec.idColumn, { ok: false, reason: `duplicate ${spec.idColumn} ${quoteValue(id)}: row ${first} already uses it` });
      } else {
        firstRowOfId.set(id, cells.row);
      }
    }
    if (rowIsBad || id === undefined || image === undefined || make === undefined) continue;
    candidates.push({ cells, value: make(id, image.relative), imageAbsPath: image.absPath, imagePath: image.relative });
  }

  const rows: Array<CatalogRow<T>> = [];
  // In row order, STAT_CONCURRENCY stats in flight, only those results held (backpressure defaults to concurrency).
  const missing = pMapIterable(candidates, async (c) => ({ c, absent: await imageFileAbsence(c.imageAbsPath) }), { concurrency: STAT_CONCURRENCY });
  for await (const { c, absent } of missing) {
    if (absent) {
      problems.push({ file, row: c.cells.row, column: 'image_path', message: `line ${c.cells.line}: image ${quoteValue(c.imagePath)} ${absent} (looked for ${c.imageAbsPath})` });
    } else {
      rows.push({ row: c.cells.row, line: c.cells.line, value: c.value, imageAbsPath: c.imageAbsPath });
    }
  }
  problems.sort((a, b) => (a.row ?? 0) - (b.row ?? 0)); // stable: a row's problems keep their column order
  return { file, rows, problems };
}

/** Why the image file cannot be used, or undefined when it is a regular file. */
async function imageFileAbsence(absPath: string): Promise<string | undefined> {
  try {
    const s = await stat(absPath);
    return s.isFile() ? undefined : 'is not a file';
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? 'does not exist' : `cannot be read (${code ?? (err as Error).message})`;
  }
}

async function requireFolder(imagesDir: string): Promise<void> {
  const s = await stat(imagesDir).catch(() => undefined);
  if (!s?.isDirectory()) {
    throw new UserInputError(`images folder ${imagesDir} ${s ? 'is not a folder' : 'does not exist'}`, {
      hint: 'Pass the folder that holds the image files named in the image_path column.',
    });
  }
}
