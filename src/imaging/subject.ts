/** Where the subject of a photo sits: the pixels that differ from the fitted background, as a box, centre and edge contact. */
import type { FractionBox } from '../core/geometry.js';
import { backgroundDistance, type BackgroundModel } from './background-model.js';
import type { RawRgb } from './decode.js';
import { otsuThreshold, subjectThresholdFloor } from './threshold.js';

export interface SubjectStats {
  /** Bounding box of the pixels that differ from the background. */
  bbox: FractionBox;
  /** Centre of mass of those pixels. */
  center: { x: number; y: number };
  /** Share of the image those pixels cover. */
  area: number;
  /** Share of each edge the subject touches (a subject cut by the frame, e.g. a model's torso at the bottom). */
  touches: { top: number; bottom: number; left: number; right: number };
}

/** Where the subject sits: pixels that differ from the background model; null when too few do. */
export function findSubject(img: RawRgb, model: BackgroundModel): SubjectStats | null {
  const { width, height } = img;
  const dist = backgroundDistance(img, model);
  const threshold = Math.max(otsuThreshold(dist).threshold, subjectThresholdFloor(model));
  const colCount = new Int32Array(width);
  const rowCount = new Int32Array(height);
  let count = 0;
  let sx = 0;
  let sy = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (dist[y * width + x] <= threshold) continue;
      colCount[x]++;
      rowCount[y]++;
      count++;
      sx += x + 0.5;
      sy += y + 0.5;
    }
  }
  if (count < 0.002 * width * height) return null;
  // A row/column belongs to the subject when enough of it differs: stray noise pixels do not stretch the box.
  const minInCol = Math.max(1, 0.02 * height);
  const minInRow = Math.max(1, 0.02 * width);
  const cols = [...colCount.keys()].filter((x) => colCount[x] >= minInCol);
  const rows = [...rowCount.keys()].filter((y) => rowCount[y] >= minInRow);
  if (!cols.length || !rows.length) return null;
  const x0 = cols[0];
  const x1 = cols[cols.length - 1] + 1;
  const y0 = rows[0];
  const y1 = rows[rows.length - 1] + 1;
  const edgeShare = (fixed: 'row' | 'col', at: number) => {
    const len = fixed === 'row' ? width : height;
    let hits = 0;
    for (let k = 0; k < len; k++) {
      const i = fixed === 'row' ? at * width + k : k * width + at;
      if (dist[i] > threshold) hits++;
    }
    return hits / len;
  };
  return {
    bbox: { x: x0 / width, y: y0 / height, width: (x1 - x0) / width, height: (y1 - y0) / height },
    center: { x: sx / count / width, y: sy / count / height },
    area: count / (width * height),
    touches: { top: edgeShare('row', 0), bottom: edgeShare('row', height - 1), left: edgeShare('col', 0), right: edgeShare('col', width - 1) },
  };
}
