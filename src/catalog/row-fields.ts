/**
 * The rules for the cells of a products.csv or new_products.csv row, as one zod schema per row kind. A row
 * goes in as { column: cell text } for the columns hitline reads and comes out as a product (without its
 * extra columns). Each problem's path is its column, and its message completes the column's name:
 * `sales_count` + `"1,500" is not a whole number (...)`. read-catalog.ts turns them into RowProblems.
 */
import path from 'node:path';
import { z } from 'zod';
import type { HitProduct, NewProduct } from '../core/product.js';
import { shownValue } from '../util/schema-problems.js';

/** A refusal that shows the cell's (trimmed) value. `abort`: the first refusal is the cell's only problem. */
const refusal = (what: string) => ({ error: (issue: { input?: unknown }) => `${shownValue(issue.input)} ${what}`, abort: true });

const slashed = (value: string) => value.replace(/\\/g, '/');

const optionalText = z.string().trim();
const requiredText = z.string().trim().min(1, { error: 'is empty (required)', abort: true });

/** A whole, non-negative number of sales. Thousands separators are refused: "1,500" and "1.500" differ by locale. */
const salesCount = requiredText
  .refine((v) => !/^-\s*\d+(\.0*)?$/.test(v), refusal('is negative'))
  .regex(/^\+?\d+(\.0*)?$/, refusal('is not a whole number (write digits only, e.g. 1500)'))
  .refine((v) => Number.isSafeInteger(Number(v)), refusal('is too large'))
  .transform(Number);

/** A non-negative decimal price without currency signs or separators; empty means "no price". */
const optionalPrice = optionalText
  .refine((v) => !/^-\s*(\d+(\.\d*)?|\.\d+)$/.test(v), refusal('is negative'))
  .refine((v) => v === '' || /^\+?(\d+(\.\d*)?|\.\d+)$/.test(v), refusal('is not a number (write e.g. 59.90, without currency signs or thousands separators)'))
  .transform((v) => (v === '' ? null : Number(v)));

/**
 * A path inside the images folder. Backslashes count as separators (paths written on Windows); absolute
 * paths and paths that leave the folder are refused, so a CSV cannot point hitline at arbitrary files.
 */
const imagePath = requiredText
  .refine((v) => !v.includes('\0'), { error: 'contains a NUL character', abort: true })
  .refine((v) => !path.posix.isAbsolute(slashed(v)) && !/^[A-Za-z]:/.test(slashed(v)), refusal('is absolute; write it relative to the images folder'))
  .refine((v) => !/^\.\.?(\/|$)/.test(path.posix.normalize(slashed(v))), refusal('points outside the images folder'));

/** Where an image_path the schema accepted is on disk: joined segment by segment, so it stays inside the folder. */
export function imageAbsPath(imagesDir: string, imagePathCell: string): string {
  return path.join(path.resolve(imagesDir), ...path.posix.normalize(slashed(imagePathCell)).split('/'));
}

const HIT_ROW = {
  product_id: requiredText,
  image_path: imagePath,
  category: requiredText,
  color: optionalText,
  style: optionalText,
  season: optionalText,
  sales_count: salesCount,
  description: optionalText,
  price: optionalPrice,
};

const NEW_PRODUCT_ROW = {
  new_id: requiredText,
  image_path: imagePath,
  category: requiredText,
  style: optionalText,
  season: optionalText,
  prompt_hint: optionalText,
};

/** products.csv's columns, in the order hitline writes them (and reports a row's problems). */
export const HIT_COLUMNS = Object.keys(HIT_ROW) as Array<keyof typeof HIT_ROW>;
export const NEW_PRODUCT_COLUMNS = Object.keys(NEW_PRODUCT_ROW) as Array<keyof typeof NEW_PRODUCT_ROW>;

export const HitRowSchema = z.object(HIT_ROW).transform(
  (r): Omit<HitProduct, 'attributes'> => ({
    productId: r.product_id, imagePath: r.image_path, category: r.category, color: r.color, style: r.style, season: r.season,
    salesCount: r.sales_count, description: r.description, price: r.price,
  }),
);

export const NewProductRowSchema = z.object(NEW_PRODUCT_ROW).transform(
  (r): Omit<NewProduct, 'attributes'> => ({
    newId: r.new_id, imagePath: r.image_path, category: r.category, style: r.style, season: r.season, promptHint: r.prompt_hint,
  }),
);
