/**
 * contact-sheet.png: the run at a glance. One row per new product: its photo, its top hits (with fused
 * score and per-leg ranks), then the generated images. Drawn with sharp; labels are SVG text (escaped).
 */
import path from 'node:path';
import pMap from 'p-map';
import sharp from 'sharp';
import type { ProductSummary, RunSummary } from '../core/run-summary.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import type { ReportOptions } from './report-html.js';
import { ThumbnailCache, type ThumbnailKind } from './thumbnail-cache.js';

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

/**
 * A cell as the sheet shows it: the photo fitted inside CELL×CELL on white, its label below. Kept in the
 * thumbnail cache whole (keyed by the photo's bytes and the label), so a re-run draws no cell again.
 */
function cellKind(cell: Cell): ThumbnailKind {
  return {
    id: `sheet-cell@1 ${CELL}x${CELL + LABEL} ${JSON.stringify([cell.lines, cell.accent])}`,
    extension: 'png',
    make: async (source) => {
      const picture = await sharp(source, { limitInputPixels: 200_000_000 }).rotate()
        .resize(CELL, CELL, { fit: 'contain', background: '#ffffff' }).flatten({ background: '#ffffff' }).png().toBuffer();
      return drawCell(picture, cell);
    },
  };
}

async function renderCell(cell: Cell, thumbs: ThumbnailCache): Promise<Buffer> {
  try {
    return await thumbs.thumbnail(cell.file, cellKind(cell));
  } catch {
    return drawCell(await sharp({ create: { width: CELL, height: CELL, channels: 3, background: '#eeeeee' } }).png().toBuffer(), cell);
  }
}

function drawCell(picture: Buffer, cell: Cell): Promise<Buffer> {
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

export async function renderContactSheet(
  runDir: string, summary: RunSummary, products = summary.products, page = 1, pages = 1, options: ReportOptions = {},
): Promise<Buffer> {
  const thumbs = options.thumbnails ?? new ThumbnailCache();
  const rows = products.map((p) => cellsFor(runDir, p));
  const columns = Math.max(1, ...rows.map((r) => r.length));
  const width = MARGIN * 2 + columns * CELL + (columns - 1) * GAP;
  const rowHeight = CELL + LABEL + GAP;
  const height = HEADER + MARGIN + Math.max(1, rows.length) * rowHeight;
  const title =
    `hitline run ${summary.runId}: ${summary.totals.done}/${summary.totals.products} done, ${summary.totals.images} image(s), ` +
    `${summary.settings.aspectRatio} ${summary.settings.sizeTier}${pages > 1 ? ` (sheet ${page} of ${pages})` : ''}`;
  // The page is assembled as raw pixels and encoded once: sharp's composite would take every cell through a
  // full-page layer, which cost ~1.5 s a page at 120 cells (bench/results/batch.md).
  const canvas = new RawCanvas(width, height, [0xf4, 0xf4, 0xf2]);
  const header = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${HEADER}"><rect width="${width}" height="${HEADER}" fill="#f4f4f2"/>` +
    `<text x="${MARGIN}" y="30" font-family="DejaVu Sans, sans-serif" font-size="18" fill="#111">${xmlEscape(title)}</text></svg>`;
  await canvas.draw(Buffer.from(header), 0, 0);
  for (const [r, cells] of rows.entries()) {
    for (const [c, cell] of cells.entries()) await canvas.draw(await renderCell(cell, thumbs), MARGIN + c * (CELL + GAP), HEADER + r * rowHeight);
  }
  return canvas.png();
}

/** An RGB page in memory: pictures are decoded and copied in place, then the page is encoded once. */
class RawCanvas {
  private readonly pixels: Buffer;

  constructor(
    private readonly width: number,
    private readonly height: number,
    background: readonly [number, number, number],
  ) {
    this.pixels = Buffer.alloc(width * height * 3, Uint8Array.from(background));
  }

  /** Draws an opaque picture (any format sharp reads) with its top-left corner at (left, top), clipped to the page. */
  async draw(picture: Buffer, left: number, top: number): Promise<void> {
    const { data, info } = await sharp(picture).flatten({ background: '#ffffff' }).toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    const w = Math.min(info.width, this.width - left);
    for (let y = 0; y < info.height && top + y < this.height; y++) {
      data.copy(this.pixels, ((top + y) * this.width + left) * 3, y * info.width * 3, (y * info.width + w) * 3);
    }
  }

  png(): Promise<Buffer> {
    return sharp(this.pixels, { raw: { width: this.width, height: this.height, channels: 3 } }).png().toBuffer();
  }
}

/**
 * Writes contact-sheet.png (the first PRODUCTS_PER_SHEET products) and, for larger runs,
 * contact-sheet-2.png, contact-sheet-3.png... Returns the files written, first sheet first.
 */
export async function writeContactSheet(runDir: string, summary: RunSummary, options: ReportOptions = {}): Promise<string[]> {
  const pages = Math.max(1, Math.ceil(summary.products.length / PRODUCTS_PER_SHEET));
  // Two sheets at a time: encoding a sheet's PNG runs on one thread.
  return pMap(
    Array.from({ length: pages }, (_, i) => i + 1),
    async (page) => {
      const products = summary.products.slice((page - 1) * PRODUCTS_PER_SHEET, page * PRODUCTS_PER_SHEET);
      const file = path.join(runDir, page === 1 ? 'contact-sheet.png' : `contact-sheet-${page}.png`);
      await writeFileAtomic(file, await renderContactSheet(runDir, summary, products, page, pages, options));
      return file;
    },
    { concurrency: 2 },
  );
}
