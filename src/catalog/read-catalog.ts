/**
 * Reads the two input tables of the tutorial, products.csv (hits) and new_products.csv, exactly as they are.
 * A bad row never sinks the file: it becomes a RowProblem (file, row, column, reason) and every good row
 * still comes back. Only a file that cannot be read as a table at all (missing, not UTF-8, malformed
 * quoting, a required column absent from the header) throws.
 *
 * One rule for image paths: the file must be inside the images folder, written plainly (row-fields.ts refuses
 * `../`, absolute paths and control characters) and reached on disk (a symbolic link inside the folder that
 * leads out of it is refused the same way, unless `allowSymlinksOutside`), and it must be a readable file.
 */
import { realpath, stat } from 'node:fs/promises';
import { pMapIterable } from 'p-map';
import type { z } from 'zod';
import { UserInputError, type RowProblem } from '../core/errors.js';
import { schemaProblems, shownValue } from '../util/schema-problems.js';
import { readCsvTable } from './csv-table.js';
import { imageFileProblem } from './image-file.js';
import { HIT_COLUMNS, HitRowSchema, NEW_PRODUCT_COLUMNS, NewProductRowSchema, imageAbsPath, type RowProduct } from './row-fields.js';
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
  /** What was skipped without being a problem (empty rows a spreadsheet left), one line each. */
  notes: string[];
}

export interface CatalogReadOptions {
  /**
   * Follow a symbolic link in the images folder that leads outside it (`--allow-symlinks-outside`, config.json
   * "catalog": { "allowSymlinksOutside": true }). Off: such a row is refused like a `../` path.
   */
  allowSymlinksOutside?: boolean;
}

export { HIT_COLUMNS, NEW_PRODUCT_COLUMNS } from './row-fields.js';

/** Reads products.csv. Required columns: product_id, image_path, category, sales_count; the rest may be absent. */
export function readHitCatalog(csvPath: string, imagesDir: string, options: CatalogReadOptions = {}): Promise<CatalogReadResult<HitProduct>> {
  return readProductTable(csvPath, imagesDir, options, {
    idColumn: 'product_id',
    required: ['product_id', 'image_path', 'category', 'sales_count'],
    known: HIT_COLUMNS,
    schema: HitRowSchema,
  });
}

/** Reads new_products.csv. Required columns: new_id, image_path, category; the rest may be absent. */
export function readNewProducts(csvPath: string, imagesDir: string, options: CatalogReadOptions = {}): Promise<CatalogReadResult<NewProduct>> {
  return readProductTable(csvPath, imagesDir, options, {
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
  schema: z.ZodType<RowProduct<T>, Record<string, string>>;
}

/** How many image files are stat'ed at once: enough to hide disk latency, few enough to be polite. */
const STAT_CONCURRENCY = 16;

async function readProductTable<T extends HitProduct | NewProduct>(
  file: string, imagesDir: string, options: CatalogReadOptions, spec: ProductTableSpec<T>,
): Promise<CatalogReadResult<T>> {
  await requireFolder(imagesDir);
  const table = await readCsvTable(file, spec);
  const imagesRealDir = await realpath(imagesDir);
  const problems: RowProblem[] = [...table.problems];
  const notes = table.emptyRows.length > 0 ? [emptyRowsNote(file, table.emptyRows)] : [];
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
    const value = { ...parsed.data, attributes: withAdded(cells.extras(), parsed.data.attributes) } as T;
    candidates.push({ row: cells.row, line: cells.line, value, imageAbsPath: imageAbsPath(imagesDir, parsed.data.imagePath) });
  }

  const rows: Array<CatalogRow<T>> = [];
  // In row order, STAT_CONCURRENCY stats in flight, only those results held (backpressure defaults to concurrency).
  const checked = pMapIterable(candidates, async (c) => ({ c, problem: await imageFileProblem(c.imageAbsPath, imagesRealDir, options) }), { concurrency: STAT_CONCURRENCY });
  for await (const { c, problem } of checked) {
    if (problem) {
      problems.push({ file, row: c.row, column: 'image_path', message: `line ${c.line}: image ${shownValue(c.value.imagePath)} ${problem}` });
    } else {
      rows.push(c);
    }
  }
  problems.sort((a, b) => (a.row ?? 0) - (b.row ?? 0)); // stable: a row's problems keep their column order
  return { file, rows, problems, notes };
}

/** The extra columns, plus what the row's cells add; a non-empty CSV column of the same name wins. */
function withAdded(extras: Record<string, string>, added: Record<string, string> = {}): Record<string, string> {
  const merged = { ...extras };
  for (const [key, value] of Object.entries(added)) if (!merged[key]) merged[key] = value;
  return merged;
}

/** "3 empty rows were skipped (rows 41-43: only commas, as spreadsheets leave them)". */
function emptyRowsNote(file: string, rows: readonly number[]): string {
  const shown = rows.length <= 6 ? rows.join(', ') : `${rows.slice(0, 5).join(', ')} … ${rows[rows.length - 1]}`;
  return `${file}: ${rows.length} empty row${rows.length > 1 ? 's were' : ' was'} skipped (row${rows.length > 1 ? 's' : ''} ${shown}: no value in any column, as spreadsheets leave them)`;
}

async function requireFolder(imagesDir: string): Promise<void> {
  const s = await stat(imagesDir).catch(() => undefined);
  if (!s?.isDirectory()) {
    throw new UserInputError(`images folder ${imagesDir} ${s ? 'is not a folder' : 'does not exist'}`, {
      hint: 'Pass the folder that holds the image files named in the image_path column.',
    });
  }
}
