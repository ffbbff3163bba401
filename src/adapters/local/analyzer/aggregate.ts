/**
 * Combines the measurements of several reference images into one, weighted toward the best match:
 * the top hit says most about the style that sells, the others confirm or soften it.
 */
import type { FractionBox } from '../../../core/geometry.js';
import { colorDistance, parseColor, toHex } from '../../../imaging/color.js';
import type { BackgroundKind, ImageStats } from '../../../imaging/image-stats.js';
import { mergeClose, type PaletteColor } from '../../../imaging/palette.js';

export interface WeightedStats {
  stats: ImageStats;
  weight: number;
}

export interface AggregateSubject {
  bbox: FractionBox;
  center: { x: number; y: number };
  /** Weighted share of the references whose subject runs off the bottom edge (a model cropped at the waist or thighs). */
  croppedAtBottom: number;
}

export interface AggregateStats {
  brightness: number;
  contrast: number;
  warmth: number;
  saturation: number;
  backgroundKind: BackgroundKind;
  /** Mean background colour over the references of the winning kind. */
  backgroundColor: string;
  topColor: string;
  bottomColor: string;
  plainness: number;
  brighterSide: 'left' | 'right' | 'even';
  palette: PaletteColor[];
  /** null when no reference had a measurable subject. */
  subject: AggregateSubject | null;
  /** Weighted geometric mean of width / height. */
  aspect: number;
}

/** Weights 1, 1/2, 1/3 … normalised to sum to 1: rank matters, but the top hit does not drown the rest. */
export function referenceWeights(count: number): number[] {
  const raw = Array.from({ length: count }, (_, i) => 1 / (i + 1));
  const sum = raw.reduce((s, w) => s + w, 0);
  return raw.map((w) => w / sum);
}

const PALETTE_SIZE = 6;

export function aggregateStats(items: readonly WeightedStats[]): AggregateStats {
  if (items.length === 0) throw new Error('aggregateStats needs at least one reference');
  const total = items.reduce((s, it) => s + it.weight, 0);
  const mean = (f: (s: ImageStats) => number, from: readonly WeightedStats[] = items) => {
    const w = from.reduce((s, it) => s + it.weight, 0);
    return from.reduce((s, it) => s + f(it.stats) * it.weight, 0) / w;
  };

  const backgroundKind = weightedVote(items, (s) => s.background.kind);
  const sameKind = items.filter((it) => it.stats.background.kind === backgroundKind);
  const meanColor = (pick: (s: ImageStats) => string) => toHex([0, 1, 2].map((ch) => mean((s) => parseColor(pick(s))[ch], sameKind)));

  const withSubject = items.filter((it) => it.stats.subject);
  const subject: AggregateSubject | null = withSubject.length
    ? {
        bbox: {
          x: mean((s) => s.subject!.bbox.x, withSubject),
          y: mean((s) => s.subject!.bbox.y, withSubject),
          width: mean((s) => s.subject!.bbox.width, withSubject),
          height: mean((s) => s.subject!.bbox.height, withSubject),
        },
        center: { x: mean((s) => s.subject!.center.x, withSubject), y: mean((s) => s.subject!.center.y, withSubject) },
        croppedAtBottom: mean((s) => (s.subject!.touches.bottom > CROPPED_EDGE_SHARE ? 1 : 0), withSubject),
      }
    : null;

  return {
    brightness: mean((s) => s.brightness),
    contrast: mean((s) => s.contrast),
    warmth: mean((s) => s.warmth),
    saturation: mean((s) => s.saturation),
    backgroundKind,
    backgroundColor: meanColor((s) => s.background.color),
    topColor: meanColor((s) => s.background.topColor),
    bottomColor: meanColor((s) => s.background.bottomColor),
    plainness: mean((s) => s.background.plainness),
    brighterSide: weightedVote(items, (s) => s.background.brighterSide),
    palette: mergePalettes(items, total),
    subject,
    aspect: Math.exp(mean((s) => Math.log(s.aspect))),
  };
}

/** A subject touching more than this share of the bottom edge is cut by the frame there. */
export const CROPPED_EDGE_SHARE = 0.2;

function weightedVote<T extends string>(items: readonly WeightedStats[], pick: (s: ImageStats) => T): T {
  const votes = new Map<T, number>();
  for (const it of items) votes.set(pick(it.stats), (votes.get(pick(it.stats)) ?? 0) + it.weight);
  // Ties go to the value of the best-ranked reference (Map keeps first-insertion order).
  let best = pick(items[0].stats);
  for (const [value, w] of votes) if (w > (votes.get(best) ?? 0)) best = value;
  return best;
}

/** Palettes of all references merged by colour, each share scaled by its reference's weight. */
function mergePalettes(items: readonly WeightedStats[], total: number): PaletteColor[] {
  const weighted = items.flatMap((it) => it.stats.palette.map((p) => ({ c: parseColor(p.hex), w: (p.share * it.weight) / total })));
  return mergeClose(weighted, 28)
    .sort((a, b) => b.w - a.w)
    .slice(0, PALETTE_SIZE)
    .map((p) => ({ hex: toHex(p.c), share: p.w }));
}

/** The palette without the backdrop colour: the colours of the subjects and props. */
export function subjectColors(agg: Pick<AggregateStats, 'palette' | 'backgroundColor'>): PaletteColor[] {
  const bg = parseColor(agg.backgroundColor);
  return agg.palette.filter((p) => colorDistance(parseColor(p.hex), bg) > 40);
}
