/**
 * Where the copy goes and at what size: candidate regions of the safe area beside the product, the largest font
 * size at which every line fits (titles wrap to their allowed lines), and shortening with "…" as a last resort.
 */
import type { CopyField } from './product-copy.js';
import type { PixelRect } from './pixel-rect.js';

/** Line height as a multiple of the font size. */
export const LINE_HEIGHT = 1.3;

export interface LineSpec {
  role: CopyField;
  text: string;
  /** Font size relative to the block's base size. */
  scale: number;
  bold: boolean;
  maxLines: number;
}

export interface Layout {
  lines: { spec: LineSpec; rows: string[]; px: number }[];
  width: number;
  height: number;
  base: number;
  shortened: boolean;
}

export interface Region {
  rect: PixelRect;
  align: 'left' | 'center' | 'right';
  overlapsProduct: boolean;
}

/** Bands of the safe area beside the product (largest first), then the bottom third as a fallback over the product. */
export function candidateRegions(safe: PixelRect, avoid: PixelRect | undefined, W: number, H: number): Region[] {
  const gap = Math.round(0.02 * Math.min(W, H));
  const regions: Region[] = [];
  if (avoid) {
    const top = avoid.y - gap - safe.y;
    const bottom = safe.y + safe.height - (avoid.y + avoid.height + gap);
    const left = avoid.x - gap - safe.x;
    const right = safe.x + safe.width - (avoid.x + avoid.width + gap);
    if (bottom > 0) regions.push({ rect: { x: safe.x, y: safe.y + safe.height - bottom, width: safe.width, height: bottom }, align: 'center', overlapsProduct: false });
    if (top > 0) regions.push({ rect: { x: safe.x, y: safe.y, width: safe.width, height: top }, align: 'center', overlapsProduct: false });
    if (left > 0) regions.push({ rect: { x: safe.x, y: safe.y, width: left, height: safe.height }, align: 'left', overlapsProduct: false });
    if (right > 0) regions.push({ rect: { x: safe.x + safe.width - right, y: safe.y, width: right, height: safe.height }, align: 'left', overlapsProduct: false });
  }
  const third = Math.round(safe.height / 3);
  regions.push({ rect: { x: safe.x, y: safe.y + safe.height - third, width: safe.width, height: third }, align: 'center', overlapsProduct: Boolean(avoid) });
  return regions;
}

/** The largest base size (between minPx and maxPx) at which every line fits the rectangle; undefined if none. */
export function fitBlock(
  specs: LineSpec[], rect: PixelRect, minPx: number, maxPx: number,
  measure: (text: string, px: number, bold: boolean) => number, forceShorten = false,
): Layout | undefined {
  const attempt = (base: number, shorten: boolean): Layout | undefined => {
    const lines: Layout['lines'] = [];
    let height = 0;
    let width = 0;
    let shortened = false;
    for (const spec of specs) {
      const px = Math.max(10, Math.round(base * spec.scale));
      let rows = wrap(spec.text, rect.width, (t) => measure(t, px, spec.bold));
      if (rows.length > spec.maxLines) {
        if (!shorten) return undefined;
        rows = rows.slice(0, spec.maxLines);
        rows[rows.length - 1] = ellipsize(rows[rows.length - 1], rect.width, (t) => measure(t, px, spec.bold));
        shortened = true;
      }
      if (shorten) {
        rows = rows.map((r) => (measure(r, px, spec.bold) > rect.width ? ellipsize(r, rect.width, (t) => measure(t, px, spec.bold)) : r));
        shortened ||= rows.some((r) => r.endsWith('…'));
      }
      for (const r of rows) width = Math.max(width, measure(r, px, spec.bold));
      if (width > rect.width && !shorten) return undefined;
      height += rows.length * px * LINE_HEIGHT;
      lines.push({ spec, rows, px });
    }
    if (height > rect.height && !shorten) return undefined;
    return { lines, width, height, base, shortened };
  };
  if (forceShorten) return attempt(minPx, true);
  let lo = minPx;
  let hi = maxPx;
  let best = attempt(lo, false);
  if (!best) return undefined;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    const layout = attempt(mid, false);
    if (layout) [best, lo] = [layout, mid];
    else hi = mid;
  }
  const top = attempt(maxPx, false);
  return top ?? best;
}

/** Greedy line breaking: between words for spaced scripts, between any two characters for CJK. */
function wrap(text: string, maxWidth: number, width: (t: string) => number): string[] {
  const tokens = text.match(/[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]|[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]+|\s+/g) ?? [];
  const rows: string[] = [];
  let row = '';
  for (const token of tokens) {
    const candidate = row + token;
    if (row && width(candidate.trimEnd()) > maxWidth) {
      rows.push(row.trimEnd());
      row = token.trimStart();
    } else {
      row = candidate;
    }
  }
  if (row.trim()) rows.push(row.trimEnd());
  return rows;
}

function ellipsize(row: string, maxWidth: number, width: (t: string) => number): string {
  const chars = [...row];
  while (chars.length > 0 && width(`${chars.join('').trimEnd()}…`) > maxWidth) chars.pop();
  return `${chars.join('').trimEnd()}…`;
}
