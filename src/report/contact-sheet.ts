/**
 * contact-sheet.png: the run at a glance. One row per new product: its photo, its top hits (with fused
 * score and per-leg ranks), then the generated images. Drawn with sharp; labels are SVG text (escaped).
 */
import path from 'node:path';
import sharp, { type OverlayOptions } from 'sharp';
import type { ProductSummary, RunSummary } from '../core/run-summary.js';
import { writeFileAtomic } from '../util/atomic-write.js';

const CELL = 220;
const LABEL = 40;
const GAP = 12;
const MARGIN = 16;
const HEADER = 48;

interface Cell {
  file: string;
  lines: string[];
  accent: string;
}

function xmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

function cellsFor(runDir: string, p: ProductSummary): Cell[] {
  const cells: Cell[] = [{ file: p.imagePath, lines: [`NEW ${p.newId}`, p.status === 'failed' ? 'FAILED' : p.product.category], accent: '#2b6cb0' }];
  for (const h of p.hits) {
    const dense = h.denseRank ?? '–';
    const kw = h.keywordRank ?? '–';
    cells.push({ file: h.imagePath, lines: [`#${h.rank} ${h.productId}  ${h.score.toFixed(4)}`, `dense ${dense} · keyword ${kw}`], accent: '#888888' });
  }
  for (const o of p.outputs) cells.push({ file: path.join(runDir, o.file), lines: [path.basename(o.file), `${o.width}×${o.height}`], accent: '#2f855a' });
  return cells;
}

async function renderCell(cell: Cell): Promise<Buffer> {
  let picture: Buffer;
  try {
    picture = await sharp(cell.file, { limitInputPixels: 200_000_000 }).rotate()
      .resize(CELL, CELL, { fit: 'contain', background: '#ffffff' }).flatten({ background: '#ffffff' }).png().toBuffer();
  } catch {
    picture = await sharp({ create: { width: CELL, height: CELL, channels: 3, background: '#eeeeee' } }).png().toBuffer();
  }
  const label = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${CELL}" height="${LABEL}">
      <rect width="${CELL}" height="4" fill="${cell.accent}"/>
      ${cell.lines.map((l, i) => `<text x="4" y="${18 + i * 15}" font-family="DejaVu Sans, sans-serif" font-size="12" fill="#222">${xmlEscape(l.slice(0, 34))}</text>`).join('')}
    </svg>`,
  );
  return sharp({ create: { width: CELL, height: CELL + LABEL, channels: 3, background: '#ffffff' } })
    .composite([{ input: picture, top: 0, left: 0 }, { input: label, top: CELL, left: 0 }])
    .png()
    .toBuffer();
}

/** Products per sheet: a page stays a few thousand pixels tall however large the batch. */
export const PRODUCTS_PER_SHEET = 20;

export async function renderContactSheet(runDir: string, summary: RunSummary, products = summary.products, page = 1, pages = 1): Promise<Buffer> {
  const rows = products.map((p) => cellsFor(runDir, p));
  const columns = Math.max(1, ...rows.map((r) => r.length));
  const width = MARGIN * 2 + columns * CELL + (columns - 1) * GAP;
  const rowHeight = CELL + LABEL + GAP;
  const height = HEADER + MARGIN + Math.max(1, rows.length) * rowHeight;
  const title =
    `hitline run ${summary.runId}: ${summary.totals.done}/${summary.totals.products} done, ${summary.totals.images} image(s), ` +
    `${summary.settings.aspectRatio} ${summary.settings.sizeTier}${pages > 1 ? ` (sheet ${page} of ${pages})` : ''}`;
  const layers: OverlayOptions[] = [
    {
      input: Buffer.from(
        `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${HEADER}"><text x="${MARGIN}" y="30" font-family="DejaVu Sans, sans-serif" font-size="18" fill="#111">${xmlEscape(title)}</text></svg>`,
      ),
      top: 0,
      left: 0,
    },
  ];
  for (const [r, cells] of rows.entries()) {
    for (const [c, cell] of cells.entries()) {
      layers.push({ input: await renderCell(cell), top: HEADER + r * rowHeight, left: MARGIN + c * (CELL + GAP) });
    }
  }
  return sharp({ create: { width, height, channels: 3, background: '#f4f4f2' } }).composite(layers).png().toBuffer();
}

/**
 * Writes contact-sheet.png (the first PRODUCTS_PER_SHEET products) and, for larger runs,
 * contact-sheet-2.png, contact-sheet-3.png... Returns the files written, first sheet first.
 */
export async function writeContactSheet(runDir: string, summary: RunSummary): Promise<string[]> {
  const pages = Math.max(1, Math.ceil(summary.products.length / PRODUCTS_PER_SHEET));
  const files: string[] = [];
  for (let page = 1; page <= pages; page += 1) {
    const products = summary.products.slice((page - 1) * PRODUCTS_PER_SHEET, page * PRODUCTS_PER_SHEET);
    const file = path.join(runDir, page === 1 ? 'contact-sheet.png' : `contact-sheet-${page}.png`);
    await writeFileAtomic(file, await renderContactSheet(runDir, summary, products, page, pages));
    files.push(file);
  }
  return files;
}
