/**
 * Finds the product in a catalog photo shot on a plain background, so the embedder sees the product at the
 * same scale whatever the framing (a watch filling the frame and a watch in a corner should look alike).
 * Background = the median colour of the border; foreground = pixels that differ from it clearly.
 * When the border is not plain (a scene, a model on a street) the whole image is used.
 */
import type { Box, RgbImage } from './raw-image.js';

export interface ProductBox {
  box: Box;
  /** Median border colour, used to pad the crop to a square. */
  background: [number, number, number];
  /** False when the background was not plain and `box` is the whole image. */
  plainBackground: boolean;
}

/** Max per-channel difference from the background colour that still counts as background. */
const FOREGROUND_DISTANCE = 24;
/** A border is "plain" when at least this share of its pixels is within FOREGROUND_DISTANCE of its median. */
const PLAIN_BORDER_SHARE = 0.8;
/** A row or column belongs to the product when at least this share of its pixels (and 2 pixels) is foreground. */
const LINE_SHARE = 0.01;
/** Margin kept around the product, as a share of the box's longer side. */
const MARGIN = 0.04;

export function findProductBox(image: RgbImage): ProductBox {
  const { data, width, height } = image;
  const whole: Box = { left: 0, top: 0, width, height };
  const border = borderPixels(image);
  const background: [number, number, number] = [median(border, 0), median(border, 1), median(border, 2)];
  let near = 0;
  for (let i = 0; i < border.length; i += 3) {
    if (distance(border, i, background) <= FOREGROUND_DISTANCE) near += 1;
  }
  if (near < PLAIN_BORDER_SHARE * (border.length / 3)) return { box: whole, background, plainBackground: false };

  const rowCounts = new Uint32Array(height);
  const colCounts = new Uint32Array(width);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (distance(data, (y * width + x) * 3, background) > FOREGROUND_DISTANCE) {
        rowCounts[y] += 1;
        colCounts[x] += 1;
      }
    }
  }
  const rows = span(rowCounts, Math.max(2, LINE_SHARE * width));
  const cols = span(colCounts, Math.max(2, LINE_SHARE * height));
  if (!rows || !cols) return { box: whole, background, plainBackground: true }; // blank image

  const margin = Math.round(MARGIN * Math.max(rows[1] - rows[0], cols[1] - cols[0]));
  const left = Math.max(0, cols[0] - margin);
  const top = Math.max(0, rows[0] - margin);
  const right = Math.min(width, cols[1] + 1 + margin);
  const bottom = Math.min(height, rows[1] + 1 + margin);
  return { box: { left, top, width: right - left, height: bottom - top }, background, plainBackground: true };
}

/** First and last index whose count reaches `min`, or null. */
function span(counts: Uint32Array, min: number): [number, number] | null {
  let first = -1;
  let last = -1;
  for (let i = 0; i < counts.length; i++) {
    if (counts[i] >= min) {
      if (first < 0) first = i;
      last = i;
    }
  }
  return first < 0 ? null : [first, last];
}

/** The outermost 2 pixels on every side, as interleaved RGB. */
function borderPixels({ data, width, height }: RgbImage): Uint8Array {
  const t = Math.min(2, Math.floor(Math.min(width, height) / 2));
  const out: number[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (y < t || y >= height - t || x < t || x >= width - t) {
        const i = (y * width + x) * 3;
        out.push(data[i], data[i + 1], data[i + 2]);
      }
    }
  }
  return Uint8Array.from(out);
}

function median(rgb: Uint8Array, channel: number): number {
  const hist = new Uint32Array(256);
  const n = rgb.length / 3;
  for (let i = channel; i < rgb.length; i += 3) hist[rgb[i]] += 1;
  let seen = 0;
  for (let v = 0; v < 256; v++) {
    seen += hist[v];
    if (seen * 2 >= n) return v;
  }
  return 255;
}

function distance(data: Uint8Array, i: number, c: readonly number[]): number {
  return Math.max(Math.abs(data[i] - c[0]), Math.abs(data[i + 1] - c[1]), Math.abs(data[i + 2] - c[2]));
}
