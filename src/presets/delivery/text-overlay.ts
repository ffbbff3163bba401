/**
 * Draws the seller's copy (title, second-language title, price, badge) onto a finished image with the bundled
 * fonts, never asking the image model to write it (models still misspell, CJK most of all). The text stays
 * inside the preset's safe margins, off the product where there is room, is sized to fit (titles wrap to two
 * lines; text-layout.ts), and gets a translucent panel when the background behind it would make it hard to read
 * (WCAG contrast below 4.5:1; text-ink.ts).
 */
import { createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import { wcagContrast } from 'culori';
import type { Preset } from '../preset.js';
import { ensureFonts } from './fonts.js';
import type { FractionBox } from '../../core/geometry.js';
import type { RawRgb } from '../../imaging/decode.js';
import { clampRect, overlapArea, roundRect, toPixels, unionRects, type PixelRect } from './pixel-rect.js';
import type { CopyField, ProductCopy } from './product-copy.js';
import { legibleInk } from './text-ink.js';
import { LINE_HEIGHT, candidateRegions, fitBlock, type Layout, type LineSpec, type Region } from './text-layout.js';

const BADGE_COLOR = '#c8102e';
const BADGE_INK = '#ffffff';

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

/** What every drawing step needs: the canvas, the sizes and places allowed, the fonts. */
interface Stage {
  ctx: SKRSContext2D;
  W: number;
  H: number;
  minPx: number;
  maxPx: number;
  safe: PixelRect;
  avoid?: PixelRect;
  font: (px: number, bold: boolean) => string;
}

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
  const stage: Stage = {
    ctx, W, H, minPx,
    maxPx: Math.max(minPx, Math.round(0.075 * short)),
    safe: { x: Math.round(preset.safeMargin * W), y: Math.round(preset.safeMargin * H), width: Math.round(W * (1 - 2 * preset.safeMargin)), height: Math.round(H * (1 - 2 * preset.safeMargin)) },
    avoid: options.avoid && toPixels(options.avoid, W, H),
    font: (px, bold) => `${px}px "${bold ? fonts.bold : fonts.regular}"`,
  };
  const drawn: DrawnText[] = [];
  const warnings: string[] = [];
  const blockRect = block.length > 0 ? drawBlock(stage, block, drawn, warnings) : undefined;
  if (badge) drawn.push(drawBadge(stage, badge, blockRect));

  const rgba = ctx.getImageData(0, 0, W, H).data;
  const out = new Uint8Array(W * H * 3);
  for (let i = 0, j = 0; i < out.length; i += 3, j += 4) {
    out[i] = rgba[j];
    out[i + 1] = rgba[j + 1];
    out[i + 2] = rgba[j + 2];
  }
  return { image: { data: out, width: W, height: H }, drawn, warnings };
}

/** Draws the text block (title, Chinese title, price) where it reads best; returns where it went. */
function drawBlock(stage: Stage, block: LineSpec[], drawn: DrawnText[], warnings: string[]): PixelRect {
  const { ctx, W, H, minPx, maxPx, font } = stage;
  const measure = (text: string, px: number, bold: boolean) => {
    ctx.font = font(px, bold);
    return ctx.measureText(text).width;
  };
  const regions = candidateRegions(stage.safe, stage.avoid, W, H);
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
  const blockRect = { x: Math.round(x), y: Math.round(y), width: Math.ceil(layout.width), height: Math.ceil(layout.height) };
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
  return blockRect;
}

/** Draws the badge as a red pill in the corner of the safe area that covers least of the text block and the product. */
function drawBadge(stage: Stage, badge: string, blockRect: PixelRect | undefined): DrawnText {
  const { ctx, safe, avoid } = stage;
  const px = Math.max(stage.minPx, Math.round(stage.maxPx * 0.7));
  ctx.font = stage.font(px, true);
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
  ctx.fillStyle = BADGE_INK;
  ctx.textBaseline = 'middle';
  ctx.fillText(badge, rect.x + padX, rect.y + bh / 2);
  return { role: 'badge', lines: [badge], box: rect, fontPx: px, color: BADGE_INK, contrast: wcagContrast(BADGE_INK, BADGE_COLOR), panel: true };
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
