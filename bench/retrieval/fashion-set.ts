/**
 * The real photo set (fashion-1204): ids, labels and image paths from styles.csv. Benchmarks only.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fashionDataDir } from '../../src/util/paths.js';

export interface FashionItem {
  id: string;
  gender: string;
  masterCategory: string;
  subCategory: string;
  articleType: string;
  baseColour: string;
  season: string;
  usage: string;
  productDisplayName: string;
  imagePath: string;
}

/** Why the photo set cannot be used, or null when it is there. */
export function fashionSetMissingReason(dir = fashionDataDir()): string | null {
  if (!fs.existsSync(path.join(dir, 'styles.csv'))) return `the photo set is not at ${dir} (no styles.csv); set HITLINE_FASHION_DIR to its folder`;
  if (!fs.existsSync(path.join(dir, 'images'))) return `the photo set at ${dir} has no images/ folder`;
  return null;
}

export function loadFashionSet(dir = fashionDataDir()): FashionItem[] {
  const rows = parseCsv(fs.readFileSync(path.join(dir, 'styles.csv'), 'utf8'));
  const header = rows.shift() ?? [];
  const col = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`styles.csv has no column ${name}`);
    return i;
  };
  const c = Object.fromEntries(
    ['id', 'gender', 'masterCategory', 'subCategory', 'articleType', 'baseColour', 'season', 'usage', 'productDisplayName'].map((n) => [n, col(n)]),
  );
  return rows
    .filter((r) => r.length > 1)
    .map((r) => ({
      id: r[c.id],
      gender: r[c.gender],
      masterCategory: r[c.masterCategory],
      subCategory: r[c.subCategory],
      articleType: r[c.articleType],
      baseColour: r[c.baseColour],
      season: r[c.season],
      usage: r[c.usage],
      productDisplayName: r[c.productDisplayName],
      imagePath: path.join(dir, 'images', `${r[c.id]}.jpg`),
    }));
}

/** RFC 4180: quoted fields may hold commas, doubled quotes and newlines. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
