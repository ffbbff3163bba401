/**
 * The words a seller wants on a promo image: a title, a second-language title, a price and a badge.
 * They come from extra columns of new_products.csv (title, title_zh, price, badge) or from a sidecar JSON
 * file keyed by new product id; the sidecar wins where both give a field.
 */
import { readFile } from 'node:fs/promises';
import { UserInputError } from '../../core/errors.js';

export interface ProductCopy {
  title?: string;
  /** Second-language title (often Chinese), drawn under the title. */
  titleZh?: string;
  /** As written by the seller, currency included ("$29.99", "¥199"). */
  price?: string;
  /** A short label such as "NEW" or "-20%". */
  badge?: string;
}

export const COPY_FIELDS = ['title', 'titleZh', 'price', 'badge'] as const;
export type CopyField = (typeof COPY_FIELDS)[number];

/** Column names accepted for each field (CSV headers are matched case-insensitively). */
const COLUMN_NAMES: Record<CopyField, readonly string[]> = {
  title: ['title'],
  titleZh: ['title_zh', 'title-zh', 'titlezh', 'title_cn'],
  price: ['price', 'price_text'],
  badge: ['badge'],
};

/** Longest text per field; longer copy is a mistake (a description pasted into a title) and is refused. */
export const COPY_MAX_LENGTH: Record<CopyField, number> = { title: 80, titleZh: 40, price: 20, badge: 16 };

/** Copy from a product's extra CSV columns (NewProduct.attributes). Empty cells are absent fields. */
export function copyFromAttributes(attributes: Readonly<Record<string, string>>): ProductCopy {
  const lower = new Map(Object.entries(attributes).map(([k, v]) => [k.trim().toLowerCase(), v]));
  const copy: ProductCopy = {};
  for (const field of COPY_FIELDS) {
    for (const name of COLUMN_NAMES[field]) {
      const v = lower.get(name)?.trim();
      if (v) {
        copy[field] = v;
        break;
      }
    }
  }
  return copy;
}

/** True when there is nothing to draw. */
export function isEmptyCopy(copy: ProductCopy): boolean {
  return COPY_FIELDS.every((f) => !copy[f]);
}

/** Problems with copy (too long, control characters), each naming the field. */
export function copyProblems(copy: ProductCopy): string[] {
  const problems: string[] = [];
  for (const field of COPY_FIELDS) {
    const v = copy[field];
    if (v === undefined) continue;
    if ([...v].length > COPY_MAX_LENGTH[field]) problems.push(`${field} is ${[...v].length} characters long; at most ${COPY_MAX_LENGTH[field]} fit on an image`);
    if (/[\u0000-\u001f\u007f]/.test(v)) problems.push(`${field} contains control characters (line breaks or tabs)`);
  }
  return problems;
}

/**
 * Reads a sidecar file: { "<new product id>": { "title": "...", "title_zh": "...", "price": "...", "badge": "..." } }.
 */
export async function readCopySidecar(file: string): Promise<Map<string, ProductCopy>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse((await readFile(file, 'utf8')).replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new UserInputError(`${file}: cannot read the copy file (${(error as Error).message})`, {
      hint: 'Give a JSON file like { "NEW-001": { "title": "Linen dress", "title_zh": "亚麻连衣裙", "price": "$29", "badge": "NEW" } }.',
      cause: error,
    });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UserInputError(`${file}: the copy file must be a JSON object keyed by new product id`, { hint: 'Write { "<new_id>": { "title": "..." } }.' });
  }
  const out = new Map<string, ProductCopy>();
  const problems: string[] = [];
  for (const [id, entry] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      problems.push(`"${id}" must be an object of copy fields`);
      continue;
    }
    const strings: Record<string, string> = {};
    for (const [k, v] of Object.entries(entry as Record<string, unknown>)) {
      if (typeof v === 'string') strings[k] = v;
      else if (typeof v === 'number') strings[k] = String(v);
      else problems.push(`"${id}".${k} must be a string`);
    }
    const copy = copyFromAttributes(strings);
    for (const p of copyProblems(copy)) problems.push(`"${id}": ${p}`);
    out.set(id, copy);
  }
  if (problems.length > 0) {
    throw new UserInputError(`${file}: ${problems.join('; ')}`, { hint: 'Fix those entries in the copy file and run again.' });
  }
  return out;
}
