/**
 * Checks for single CSV cells. Each returns either a value or the reason it was refused; the caller turns a
 * reason into a RowProblem naming the file, row and column.
 */
import path from 'node:path';

export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

const ok = <T>(value: T): Checked<T> => ({ ok: true, value });
const refused = <T>(reason: string): Checked<T> => ({ ok: false, reason });

/** Shows a user's value in a message: quoted, one line, not too long. */
export function quoteValue(value: string): string {
  const shown = value.length > 60 ? `${value.slice(0, 57)}…` : value;
  return JSON.stringify(shown);
}

export function requiredText(value: string, column: string): Checked<string> {
  const trimmed = value.trim();
  return trimmed === '' ? refused(`${column} is empty (required)`) : ok(trimmed);
}

/** A whole, non-negative number of sales. Thousands separators are refused: "1,500" and "1.500" differ by locale. */
export function salesCount(value: string, column: string): Checked<number> {
  const trimmed = value.trim();
  if (trimmed === '') return refused(`${column} is empty (required)`);
  if (/^-\s*\d+(\.0*)?$/.test(trimmed)) return refused(`${column} ${quoteValue(trimmed)} is negative`);
  if (!/^\+?\d+(\.0*)?$/.test(trimmed)) return refused(`${column} ${quoteValue(trimmed)} is not a whole number (write digits only, e.g. 1500)`);
  const n = Number(trimmed);
  if (!Number.isSafeInteger(n)) return refused(`${column} ${quoteValue(trimmed)} is too large`);
  return ok(n);
}

/** A non-negative decimal price without currency signs or separators; empty means "no price". */
export function optionalPrice(value: string, column: string): Checked<number | null> {
  const trimmed = value.trim();
  if (trimmed === '') return ok(null);
  if (/^-\s*(\d+(\.\d*)?|\.\d+)$/.test(trimmed)) return refused(`${column} ${quoteValue(trimmed)} is negative`);
  if (!/^\+?(\d+(\.\d*)?|\.\d+)$/.test(trimmed)) {
    return refused(`${column} ${quoteValue(trimmed)} is not a number (write e.g. 59.90, without currency signs or thousands separators)`);
  }
  return ok(Number(trimmed));
}

/**
 * Resolves an image_path cell inside the images folder. Backslashes count as separators (paths written on
 * Windows); absolute paths and paths that leave the folder are refused, so a CSV cannot point hitline at
 * arbitrary files.
 */
export function imagePathInside(imagesDir: string, value: string, column: string): Checked<{ relative: string; absPath: string }> {
  const relative = value.trim();
  if (relative === '') return refused(`${column} is empty (required)`);
  if (relative.includes('\0')) return refused(`${column} contains a NUL character`);
  const slashed = relative.replace(/\\/g, '/');
  if (path.posix.isAbsolute(slashed) || /^[A-Za-z]:/.test(slashed)) {
    return refused(`${column} ${quoteValue(relative)} is absolute; write it relative to the images folder`);
  }
  const root = path.resolve(imagesDir);
  const absPath = path.resolve(root, ...slashed.split('/'));
  const inside = path.relative(root, absPath);
  if (inside === '' || inside === '..' || inside.startsWith(`..${path.sep}`) || path.isAbsolute(inside)) {
    return refused(`${column} ${quoteValue(relative)} points outside the images folder`);
  }
  return ok({ relative, absPath });
}
