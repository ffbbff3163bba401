/**
 * Draws the seller's copy (title, second-language title, price, badge) onto a finished image with the bundled
 * fonts, never asking the image model to write it (models still misspell, CJK most of all). The text stays
 * inside the preset's safe margins, off the product where there is room, is sized to fit (titles wrap to two
 * lines), and gets a translucent panel when the background behind it would make it hard to read
 * (WCAG contrast below 4.5:1).
 */
import { createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import type { Preset } from '../preset.js';
import { ensureFonts } from './fonts.js';
import type { FractionBox, RawRgb } from '../../imaging/image-stats.js';
import type { CopyField, ProductCopy } from './product-copy.js';

/** WCAG AA for normal text. */
export const MIN_TEXT_CONTRAST = 4.5;
export const BADGE_COLOR = '#c8102e';

export interface PixelRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface DrawnText {
  role: CopyField;
  /** The lines as drawn (a wrapped title has two; a shortened one ends with "…"). */
  lines: string[];
  box: PixelRect;
  fontPx: number;
  color: string;
  /** Worst-case WCAG contrast between the text colour and what is behind it. */
  contrast: number;
  /** Whether a panel was drawn behind the text to make it readable. */
  panel: boolean;
}

export interface OverlayResult {
  image: RawRgb;
  drawn: DrawnText[];
  warnings: string[];
}

export interface TextOverlayOptions {
  /** The product's box in the image (fractions): text goes beside it where there is room. */
  avoid?: FractionBox;
}

interface LineSpec {
  role: CopyField;
  text: string;
  /** Font size relative to the block's base size. */
  scale: number;
  bold: boolean;
  maxLines: number;
}

interface Layout {
  lines: { spec: LineSpec; rows: string[]; px: number }[];
  width: number;
  height: number;
  base: number;
  shortened: boolean;
}

const LINE_HEIGHT = 1.3;

export function drawTextOverlay(image: RawRgb, preset: Pick<Preset, 'id' | 'text' | 'safeMargin'>, copy: ProductCopy, options: TextOverlayOptions = {}): OverlayResult {
  const { block, badge } = chooseItems(preset.text, copy);
  if (block.length === 0 && !badge) return { image, drawn: [], warnings: [] };
  const fonts = ensureFonts();
  const W = image.width;
  const H = image.height;
  const canvas = createCanvas(W, H);
  const ctx = canvas.getContext('2d');
  const imageData = ctx.createImageData(W, H);
  for (let i = 0, j = 0; i < W * H * 3; i += 3, j += 4) {
    imageData.data[j] = image.data[i];
    imageData.data[j + 1] = image.data[i + 1];
    imageData.data[j + 2] = image.data[i + 2];
    imageData.data[j + 3] = 255;
  }
  ctx.putImageData(imageData, 0, 0);

  const short = Math.min(W, H);
  const minPx = Math.max(14, Math.round(0.028 * short));
  const maxPx = Math.max(minPx, Math.round(0.075 * short));
  const safe: PixelRect = { x: Math.round(preset.safeMargin * W), y: Math.round(preset.safeMargin * H), width: Math.round(W * (1 - 2 * preset.safeMargin)), height: Math.round(H * (1 - 2 * preset.safeMargin)) };
  const avoid = options.avoid && toPixels(options.avoid, W, H);
  const drawn: DrawnText[] = [];
  const warnings: string[] = [];
  const font = (px: number, bold: boolean) => `${px}px "${bold ? fonts.bold : fonts.regular}"`;
  const measure = (text: string, px: number, bold: boolean) => {
    ctx.font = font(px, bold);
    return ctx.measureText(text).width;
  };

  let blockRect: PixelRect | undefined;
  if (block.length > 0) {
    const regions = candidateRegions(safe, avoid, W, H);
    // Beside the product whenever the text is comfortably readable there; over it (on a panel) only when not.
    const fits = regions
      .map((region) => ({ region, layout: fitBlock(block, region.rect, minPx, maxPx, measure) }))
      .filter((c): c is { region: Region; layout: Layout } => c.layout !== undefined);
    const beside = fits.filter((c) => !c.region.overlapsProduct && c.layout.base >= 1.25 * minPx);
    const pool = beside.length > 0 ? beside : fits;
    let best = pool[0] as { region: Region; layout: Layout } | undefined;
    for (const c of pool) if (c.layout.base > (best as { layout: Layout }).layout.base) best = c;
    if (!best) {
      // Nothing fits even at the smallest size: use the bottom of the safe area and shorten.
      const region = regions[regions.length - 1];
      best = { region, layout: fitBlock(block, region.rect, minPx, minPx, measure, true) as Layout };
    }
    const { region, layout } = best;
    if (layout.shortened) warnings.push('the title was too long for the space and was shortened with "…"');
    const x = region.align === 'center' ? region.rect.x + (region.rect.width - layout.width) / 2 : region.align === 'right' ? region.rect.x + region.rect.width - layout.width : region.rect.x;
    const y = region.rect.y + (region.rect.height - layout.height) / 2;
    blockRect = { x: Math.round(x), y: Math.round(y), width: Math.ceil(layout.width), height: Math.ceil(layout.height) };
    const pad = Math.round(layout.base * 0.45);
    const panelRect = clampRect({ x: blockRect.x - pad, y: blockRect.y - pad, width: blockRect.width + 2 * pad, height: blockRect.height + 2 * pad }, W, H);
    const ink = legibleInk(ctx, panelRect);
    let cursor = blockRect.y;
    for (const line of layout.lines) {
      const rows: PixelRect[] = [];
      ctx.font = font(line.px, line.spec.bold);
      ctx.textBaseline = 'middle';
      ctx.fillStyle = ink.color;
      for (const row of line.rows) {
        const w = ctx.measureText(row).width;
        const rx = region.align === 'center' ? blockRect.x + (blockRect.width - w) / 2 : region.align === 'right' ? blockRect.x + blockRect.width - w : blockRect.x;
        const lh = line.px * LINE_HEIGHT;
        ctx.fillText(row, rx, cursor + lh / 2);
        rows.push({ x: Math.round(rx), y: Math.round(cursor), width: Math.ceil(w), height: Math.ceil(lh) });
        cursor += lh;
      }
      drawn.push({ role: line.spec.role, lines: line.rows, box: unionRects(rows), fontPx: line.px, color: ink.color, contrast: ink.contrast, panel: ink.panel });
    }
  }

  if (badge) {
    const px = Math.max(minPx, Math.round(maxPx * 0.7));
    ctx.font = font(px, true);
    const textWidth = ctx.measureText(badge).width;
    const padX = Math.round(px * 0.6);
    const padY = Math.round(px * 0.35);
    const bw = Math.ceil(textWidth + 2 * padX);
    const bh = Math.ceil(px * LINE_HEIGHT + 2 * padY);
    const corners: PixelRect[] = [
      { x: safe.x, y: safe.y, width: bw, height: bh },
      { x: safe.x + safe.width - bw, y: safe.y, width: bw, height: bh },
      { x: safe.x, y: safe.y + safe.height - bh, width: bw, height: bh },
      { x: safe.x + safe.width - bw, y: safe.y + safe.height - bh, width: bw, height: bh },
    ];
    const cost = (r: PixelRect) => (blockRect ? overlapArea(r, blockRect) * 10 : 0) + (avoid ? overlapArea(r, avoid) : 0);
    const rect = corners.reduce((a, b) => (cost(b) < cost(a) ? b : a));
    ctx.fillStyle = BADGE_COLOR;
    roundRect(ctx, rect, bh / 2);
    ctx.fill();
    ctx.fillStyle = '#ffffff';
    ctx.textBaseline = 'middle';
    ctx.fillText(badge, rect.x + padX, rect.y + bh / 2);
    drawn.push({ role: 'badge', lines: [badge], box: rect, fontPx: px, color: '#ffffff', contrast: contrastRatio(1, relativeLuminance(hexRgb(BADGE_COLOR))), panel: true });
  }

  const rgba = ctx.getImageData(0, 0, W, H).data;
  const out = new Uint8Array(W * H * 3);
  for (let i = 0, j = 0; i < out.length; i += 3, j += 4) {
    out[i] = rgba[j];
    out[i + 1] = rgba[j + 1];
    out[i + 2] = rgba[j + 2];
  }
  return { image: { data: out, width: W, height: H }, drawn, warnings };
}

/** Which copy goes in the text block and which in the badge, by the preset's text policy. */
function chooseItems(policy: Preset['text'], copy: ProductCopy): { block: LineSpec[]; badge?: string } {
  if (policy === 'none') return { block: [] };
  if (policy === 'sparingly') {
    // One short element: a badge, else the price, else the title on one line.
    if (copy.badge) return { block: [], badge: copy.badge };
    if (copy.price) return { block: [{ role: 'price', text: copy.price, scale: 1, bold: true, maxLines: 1 }] };
    if (copy.title) return { block: [{ role: 'title', text: copy.title, scale: 0.85, bold: true, maxLines: 1 }] };
    return { block: [] };
  }
  const block: LineSpec[] = [];
  if (copy.title) block.push({ role: 'title', text: copy.title, scale: 1, bold: true, maxLines: 2 });
  if (copy.titleZh) block.push({ role: 'titleZh', text: copy.titleZh, scale: 0.85, bold: false, maxLines: 2 });
  if (copy.price) block.push({ role: 'price', text: copy.price, scale: 1.3, bold: true, maxLines: 1 });
  return { block, badge: copy.badge };
}

interface Region {
  rect: PixelRect;
  align: 'left' | 'center' | 'right';
  overlapsProduct: boolean;
}

/** Bands of the safe area beside the product (largest first), then the bottom third as a fallback over the product. */
function candidateRegions(safe: PixelRect, avoid: PixelRect | undefined, W: number, H: number): Region[] {
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
function fitBlock(
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
export function wrap(text: string, maxWidth: number, width: (t: string) => number): string[] {
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

/**
 * Picks white or near-black text by the worst-case contrast against the pixels behind it; when even the better
 * one is below MIN_TEXT_CONTRAST, draws a translucent panel (darker for white ink, lighter for dark ink) and re-measures.
 */
function legibleInk(ctx: SKRSContext2D, rect: PixelRect): { color: string; contrast: number; panel: boolean } {
  const light = { color: '#ffffff', lum: 1 };
  const dark = { color: '#141414', lum: relativeLuminance([20, 20, 20]) };
  const worstFor = (r: PixelRect) => {
    const lums = luminances(ctx, r);
    return {
      light: contrastRatio(light.lum, percentile(lums, 0.97)),
      dark: contrastRatio(percentile(lums, 0.03), dark.lum),
    };
  };
  const before = worstFor(rect);
  const useLight = before.light >= before.dark;
  const ink = useLight ? light : dark;
  let contrast = useLight ? before.light : before.dark;
  if (contrast >= MIN_TEXT_CONTRAST) return { color: ink.color, contrast, panel: false };
  for (const alpha of [0.55, 0.72, 0.88]) {
    ctx.save();
    ctx.fillStyle = useLight ? `rgba(0,0,0,${alpha})` : `rgba(255,255,255,${alpha})`;
    roundRect(ctx, rect, Math.round(Math.min(rect.width, rect.height) * 0.12));
    ctx.fill();
    ctx.restore();
    const after = worstFor(rect);
    contrast = useLight ? after.light : after.dark;
    if (contrast >= MIN_TEXT_CONTRAST) break;
  }
  return { color: ink.color, contrast, panel: true };
}

function luminances(ctx: SKRSContext2D, r: PixelRect): number[] {
  const data = ctx.getImageData(r.x, r.y, Math.max(1, r.width), Math.max(1, r.height)).data;
  const step = Math.max(1, Math.floor(Math.sqrt((r.width * r.height) / 20_000)));
  const out: number[] = [];
  for (let y = 0; y < r.height; y += step) {
    for (let x = 0; x < r.width; x += step) {
      const i = (y * r.width + x) * 4;
      out.push(relativeLuminance([data[i], data[i + 1], data[i + 2]]));
    }
  }
  return out;
}

function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(q * (sorted.length - 1))))] ?? 0;
}

/** WCAG relative luminance of an sRGB colour. */
export function relativeLuminance(rgb: readonly number[]): number {
  const lin = (c: number) => {
    const v = c / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(rgb[0]) + 0.7152 * lin(rgb[1]) + 0.0722 * lin(rgb[2]);
}

export function contrastRatio(a: number, b: number): number {
  const [hi, lo] = a >= b ? [a, b] : [b, a];
  return (hi + 0.05) / (lo + 0.05);
}

function hexRgb(hex: string): [number, number, number] {
  const v = parseInt(hex.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

function roundRect(ctx: SKRSContext2D, r: PixelRect, radius: number): void {
  const rr = Math.min(radius, r.width / 2, r.height / 2);
  ctx.beginPath();
  ctx.moveTo(r.x + rr, r.y);
  ctx.arcTo(r.x + r.width, r.y, r.x + r.width, r.y + r.height, rr);
  ctx.arcTo(r.x + r.width, r.y + r.height, r.x, r.y + r.height, rr);
  ctx.arcTo(r.x, r.y + r.height, r.x, r.y, rr);
  ctx.arcTo(r.x, r.y, r.x + r.width, r.y, rr);
  ctx.closePath();
}

function toPixels(b: FractionBox, W: number, H: number): PixelRect {
  return clampRect({ x: Math.round(b.x * W), y: Math.round(b.y * H), width: Math.round(b.width * W), height: Math.round(b.height * H) }, W, H);
}

function clampRect(r: PixelRect, W: number, H: number): PixelRect {
  const x = Math.max(0, Math.min(W - 1, r.x));
  const y = Math.max(0, Math.min(H - 1, r.y));
  return { x, y, width: Math.max(1, Math.min(W - x, r.width - (x - r.x))), height: Math.max(1, Math.min(H - y, r.height - (y - r.y))) };
}

function overlapArea(a: PixelRect, b: PixelRect): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

function unionRects(rects: PixelRect[]): PixelRect {
  const x0 = Math.min(...rects.map((r) => r.x));
  const y0 = Math.min(...rects.map((r) => r.y));
  const x1 = Math.max(...rects.map((r) => r.x + r.width));
  const y1 = Math.max(...rects.map((r) => r.y + r.height));
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}
