/**
 * A CSV file read as a table: header names trimmed and matched case-insensitively, required columns checked
 * (a missing one is a file-level error), rows numbered from 1 at the first data row, and rows whose field
 * count does not match the header reported instead of being read with shifted columns. A row with no value in
 * any field (`,,,,,,,,`, what spreadsheets leave below the data) is set aside, not read as a row of empty cells.
 */
import { readFile } from 'node:fs/promises';
import { UserInputError, type RowProblem } from '../core/errors.js';
import { parseCsv } from './csv.js';
import { decodeCsvBytes } from './csv-text.js';

export interface CsvTableRow {
  /** From 1 at the first data row (blank lines are not counted). */
  row: number;
  /** Physical line in the file where the row starts. */
  line: number;
  /** The value of a column by its normalised (trimmed, lower-case) name; '' when the column is absent. */
  cell(column: string): string;
  /** Columns not in `knownColumns`, by normalised name, values as written. */
  extras(): Record<string, string>;
}

export interface CsvTable {
  file: string;
  /** Normalised header names, in file order. */
  columns: string[];
  rows: CsvTableRow[];
  /** Rows that could not be split into the header's columns. */
  problems: RowProblem[];
  /** Row numbers of rows with no value in any field, skipped. */
  emptyRows: number[];
}

export interface CsvTableSpec {
  required: readonly string[];
  /** Columns the caller reads itself; every other column goes to `extras()`. */
  known: readonly string[];
}

export async function readCsvTable(file: string, spec: CsvTableSpec): Promise<CsvTable> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    throw unreadable(file, err);
  }
  return csvTableFromText(decodeCsvBytes(bytes, file), file, spec);
}

function csvTableFromText(text: string, file: string, spec: CsvTableSpec): CsvTable {
  const [headerRecord, ...records] = parseCsv(text, file);
  if (!headerRecord) {
    throw new UserInputError(`${file} is empty; expected a header row`, {
      hint: `Start the file with a header line naming its columns: ${spec.required.join(', ')}, …`,
    });
  }
  const columns = normaliseHeader(headerRecord.fields, file);
  const missing = spec.required.filter((c) => !columns.includes(c));
  if (missing.length > 0) {
    throw new UserInputError(
      `${file}: the header lacks required column(s) ${missing.join(', ')}; found ${columns.join(', ')}`,
      { hint: `Add the missing column(s) to the first line of ${file} (names are matched case-insensitively).` },
    );
  }

  const index = new Map(columns.map((c, i) => [c, i]));
  const known = new Set(spec.known);
  const extraColumns = columns.map((c, i) => [c, i] as const).filter(([c]) => !known.has(c));
  const rows: CsvTableRow[] = [];
  const problems: RowProblem[] = [];
  const emptyRows: number[] = [];

  records.forEach((record, k) => {
    const row = k + 1;
    if (record.fields.every((f) => f.trim() === '')) {
      emptyRows.push(row);
      return;
    }
    const fields = withoutTrailingEmpties(record.fields, columns.length);
    if (fields.length !== columns.length) {
      problems.push({
        file, row,
        message: `line ${record.line}: the row has ${fields.length} fields but the header has ${columns.length} columns (a missing comma, or a comma in an unquoted field?)`,
      });
      return;
    }
    rows.push({
      row,
      line: record.line,
      cell: (column) => {
        const i = index.get(column);
        return i === undefined ? '' : fields[i];
      },
      extras: () => Object.fromEntries(extraColumns.map(([c, i]) => [c, fields[i]])),
    });
  });
  return { file, columns, rows, problems, emptyRows };
}

function normaliseHeader(fields: string[], file: string): string[] {
  // An unnamed column (e.g. from a trailing comma) still gets a stable name so its values are not lost.
  const columns = fields.map((f, i) => f.trim().toLowerCase() || `column_${i + 1}`);
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const c of columns) (seen.has(c) ? duplicates : seen).add(c);
  if (duplicates.size > 0) {
    throw new UserInputError(`${file}: the header names column(s) ${[...duplicates].join(', ')} more than once`, {
      hint: 'Rename or remove the repeated column(s); names are compared ignoring case and surrounding spaces.',
    });
  }
  return columns;
}

/** Some spreadsheet exports pad rows with empty trailing fields; those are harmless. */
function withoutTrailingEmpties(fields: string[], width: number): string[] {
  if (fields.length <= width) return fields;
  const extra = fields.slice(width);
  return extra.every((f) => f.trim() === '') ? fields.slice(0, width) : fields;
}

function unreadable(file: string, err: unknown): UserInputError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new UserInputError(`${file} does not exist`, { hint: 'Check the path to the CSV file.', cause: err });
  if (code === 'EISDIR') return new UserInputError(`${file} is a folder, not a CSV file`, { hint: 'Pass the path of the .csv file itself.', cause: err });
  return new UserInputError(`cannot read ${file}: ${(err as Error).message}`, { hint: 'Check the file exists and is readable.', cause: err });
}
