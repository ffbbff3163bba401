/**
 * Reads the two input tables of the tutorial, products.csv (hits) and new_products.csv, exactly as they are.
 * A bad row never sinks the file: it becomes a RowProblem (file, row, column, reason) and every good row
 * still comes back. Only a file that cannot be read as a table at all (missing, not UTF-8, malformed
 * quoting, a required column absent from the header) throws.
 */
import { stat } from 'node:fs/promises';
import { pMapIterable } from 'p-map';
import type { z } from 'zod';
import { UserInputError, type RowProblem } from '../core/errors.js';
import { schemaProblems, shownValue } from '../util/schema-problems.js';
import { readCsvTable } from './csv-table.js';
import { HIT_COLUMNS, HitRowSchema, NEW_PRODUCT_COLUMNS, NewProductRowSchema, imageAbsPath } from './row-fields.js';
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

export { HIT_COLUMNS, NEW_PRODUCT_COLUMNS } from './row-fields.js';

/** Reads products.csv. Required columns: product_id, image_path, category, sales_count; the rest may be absent. */
export function readHitCatalog(csvPath: string, imagesDir: string): Promise<CatalogReadResult<HitProduct>> {
  return readProductTable(csvPath, imagesDir, {
    idColumn: 'product_id',
    required: ['product_id', 'image_path', 'category', 'sales_count'],
    known: HIT_COLUMNS,
    schema: HitRowSchema,
  });
}

/** Reads new_products.csv. Required columns: new_id, image_path, category; the rest may be absent. */
export function readNewProducts(csvPath: string, imagesDir: string): Promise<CatalogReadResult<NewProduct>> {
  return readProductTable(csvPath, imagesDir, {
    idColumn: 'new_id',
    required: ['new_id', 'image_path', 'category'],
    known: NEW_PRODUCT_COLUMNS,
    schema: NewProductRowSchema,
  });
}

interface ProductTableSpec<T> {
  idColumn: string;
  required: readonly string[];
  known: readonly string[];
  /** The row's known cells → the product without its extra columns (row-fields.ts). */
  schema: z.ZodType<Omit<T, 'attributes'>, Record<string, string>>;
}

/** How many image files are stat'ed at once: enough to hide disk latency, few enough to be polite. */
const STAT_CONCURRENCY = 16;

async function readProductTable<T extends HitProduct | NewProduct>(file: string, imagesDir: string, spec: ProductTableSpec<T>): Promise<CatalogReadResult<T>> {
  await requireFolder(imagesDir);
  const table = await readCsvTable(file, spec);
  const problems: RowProblem[] = [...table.problems];
  const firstRowOfId = new Map<string, number>();
  const candidates: Array<CatalogRow<T>> = []; // rows whose cells are fine; their image files are checked next

  for (const cells of table.rows) {
    const problem = (column: string, message: string) => problems.push({ file, row: cells.row, column, message: `line ${cells.line}: ${message}` });
    const parsed = spec.schema.safeParse(Object.fromEntries(spec.known.map((column) => [column, cells.cell(column)])));
    if (!parsed.success) for (const p of schemaProblems(parsed.error)) problem(String(p.path[0]), `${String(p.path[0])} ${p.message}`);
    // A later row with the same id is refused even when the first one had other problems.
    const id = cells.cell(spec.idColumn).trim();
    const first = id ? firstRowOfId.get(id) : undefined;
    if (first !== undefined) problem(spec.idColumn, `duplicate ${spec.idColumn} ${shownValue(id)}: row ${first} already uses it`);
    else if (id) firstRowOfId.set(id, cells.row);
    if (!parsed.success || first !== undefined) continue;
    const value = { ...parsed.data, attributes: cells.extras() } as T;
    candidates.push({ row: cells.row, line: cells.line, value, imageAbsPath: imageAbsPath(imagesDir, parsed.data.imagePath) });
  }

  const rows: Array<CatalogRow<T>> = [];
  // In row order, STAT_CONCURRENCY stats in flight, only those results held (backpressure defaults to concurrency).
  const missing = pMapIterable(candidates, async (c) => ({ c, absent: await imageFileAbsence(c.imageAbsPath) }), { concurrency: STAT_CONCURRENCY });
  for await (const { c, absent } of missing) {
    if (absent) {
      problems.push({ file, row: c.row, column: 'image_path', message: `line ${c.line}: image ${shownValue(c.value.imagePath)} ${absent} (looked for ${c.imageAbsPath})` });
    } else {
      rows.push(c);
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
