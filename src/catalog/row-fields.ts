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
import { terminalSafe } from '../util/terminal-text.js';
import { readPrice, type Price } from './price.js';

/** A refusal that shows the cell's (trimmed) value. `abort`: the first refusal is the cell's only problem. */
const refusal = (what: string) => ({ error: (issue: { input?: unknown }) => `${shownValue(issue.input)} ${what}`, abort: true });

const slashed = (value: string) => value.replace(/\\/g, '/');

const optionalText = z.string().trim();
const requiredText = z.string().trim().min(1, { error: 'is empty (required)', abort: true });

/** Control characters (C0, DEL, C1) and bidirectional overrides: never part of an id or a file name a seller means. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;

/** Refuses a cell with control characters, showing it and them escaped (a message must not carry them raw). */
const printable = (what: string) =>
  [
    (v: string) => !CONTROL.test(v),
    {
      error: (issue: { input?: unknown }) => {
        const text = String(issue.input);
        const found = [...new Set([...text].filter((c) => CONTROL.test(c)))].map(terminalSafe);
        return `"${terminalSafe(text)}" contains control character${found.length > 1 ? 's' : ''} ${found.join(' ')}; ${what}`;
      },
      abort: true,
    },
  ] as const;

/** A product's id: printable text, since it names the product's folder and shows in every listing. */
const idText = requiredText.refine(...printable('an id must be printable text'));

/** A whole, non-negative number of sales. Thousands separators are refused: "1,500" and "1.500" differ by locale. */
const salesCount = requiredText
  .refine((v) => !/^-\s*\d+(\.0*)?$/.test(v), refusal('is negative'))
  .regex(/^\+?\d+(\.0*)?$/, refusal('is not a whole number (write digits only, e.g. 1500)'))
  .refine((v) => Number.isSafeInteger(Number(v)), refusal('is too large'))
  .transform(Number);

/** A non-negative price with an optional currency, as price.ts reads it; empty means "no price". */
const optionalPrice = optionalText.transform((v, ctx): Price | null => {
  if (v === '') return null;
  const reading = readPrice(v);
  if (reading.ok) return reading.price;
  ctx.issues.push({ code: 'custom', input: v, message: `${shownValue(v)} ${reading.problem}` });
  return z.NEVER;
});

/**
 * A path inside the images folder. Backslashes count as separators (paths written on Windows); absolute
 * paths and paths that leave the folder are refused, so a CSV cannot point hitline at arbitrary files.
 */
const imagePath = requiredText
  .refine(...printable('rename the file to printable characters'))
  .refine((v) => !path.posix.isAbsolute(slashed(v)) && !/^[A-Za-z]:/.test(slashed(v)), refusal('is absolute; write it relative to the images folder'))
  .refine((v) => !/^\.\.?(\/|$)/.test(path.posix.normalize(slashed(v))), refusal('points outside the images folder'));

/** Where an image_path the schema accepted is on disk: joined segment by segment, so it stays inside the folder. */
export function imageAbsPath(imagesDir: string, imagePathCell: string): string {
  return path.join(path.resolve(imagesDir), ...path.posix.normalize(slashed(imagePathCell)).split('/'));
}

const HIT_ROW = {
  product_id: idText,
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
  new_id: idText,
  image_path: imagePath,
  category: requiredText,
  style: optionalText,
  season: optionalText,
  prompt_hint: optionalText,
};

/** products.csv's columns, in the order hitline writes them (and reports a row's problems). */
export const HIT_COLUMNS = Object.keys(HIT_ROW) as Array<keyof typeof HIT_ROW>;
export const NEW_PRODUCT_COLUMNS = Object.keys(NEW_PRODUCT_ROW) as Array<keyof typeof NEW_PRODUCT_ROW>;

/** A row's product without its extra columns; `attributes` holds what the row's cells add to them (a price's currency). */
export type RowProduct<T> = Omit<T, 'attributes'> & { attributes?: Record<string, string> };

/** The attribute a price's currency is kept under (as written: "¥", "US$", "EUR"); a CSV column of that name wins. */
export const PRICE_CURRENCY_ATTRIBUTE = 'price_currency';

export const HitRowSchema = z.object(HIT_ROW).transform(
  (r): RowProduct<HitProduct> => ({
    productId: r.product_id, imagePath: r.image_path, category: r.category, color: r.color, style: r.style, season: r.season,
    salesCount: r.sales_count, description: r.description, price: r.price?.amount ?? null,
    ...(r.price?.currency ? { attributes: { [PRICE_CURRENCY_ATTRIBUTE]: r.price.currency } } : {}),
  }),
);

export const NewProductRowSchema = z.object(NEW_PRODUCT_ROW).transform(
  (r): RowProduct<NewProduct> => ({
    newId: r.new_id, imagePath: r.image_path, category: r.category, style: r.style, season: r.season, promptHint: r.prompt_hint,
  }),
);
