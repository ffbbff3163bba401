/**
 * Loads and checks the image of each catalog row, a few at a time, and yields the rows in order: a good row
 * with its LoadedImage, or a bad one as a RowProblem on its image_path column. Only the images in flight
 * are held in memory, so a 100k-row catalog streams through.
 */
import { pMapIterable } from 'p-map';
import type { RowProblem } from '../core/errors.js';
import { ImageProblemError, loadImage } from './load-image.js';
import type { CatalogRow } from './read-catalog.js';
import type { LoadedImage } from '../core/product.js';

export interface CheckRowImagesOptions {
  /** The CSV the rows came from, named in each problem. */
  file: string;
  maxPixels?: number;
  /** Images read and checked at once (default 4). */
  concurrency?: number;
  /** Called after each row, in order. */
  onProgress?: (progress: { done: number; total: number; problems: number }) => void;
}

export type CheckedRow<T> =
  | ({ ok: true; image: LoadedImage } & CatalogRow<T>)
  | { ok: false; row: number; line: number; value: T; problem: RowProblem };

export async function* checkRowImages<T extends { imagePath: string }>(
  rows: ReadonlyArray<CatalogRow<T>>,
  options: CheckRowImagesOptions,
): AsyncGenerator<CheckedRow<T>> {
  const total = rows.length;
  let done = 0;
  let problems = 0;
  // In row order with `concurrency` loads in flight; p-map's backpressure (= concurrency) holds only those images.
  const checked = pMapIterable(rows, async (r): Promise<CheckedRow<T>> => {
    try {
      const image = await loadImage(r.imageAbsPath, { maxPixels: options.maxPixels });
      return { ok: true, ...r, image };
    } catch (err) {
      if (!(err instanceof ImageProblemError)) throw err; // anything else is a bug, not a bad row
      const problem: RowProblem = {
        file: options.file,
        row: r.row,
        column: 'image_path',
        message: `line ${r.line}: image ${JSON.stringify(r.value.imagePath)}: ${err.reason}${err.detail ? ` (${err.detail})` : ''}`,
      };
      return { ok: false, row: r.row, line: r.line, value: r.value, problem };
    }
  }, { concurrency: Math.max(1, Math.floor(options.concurrency ?? 4)) });
  for await (const result of checked) {
    done++;
    if (!result.ok) problems++;
    options.onProgress?.({ done, total, problems });
    yield result;
  }
}
