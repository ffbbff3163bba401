/** Reads text back from pixels with PP-OCRv4 (@gutenye/ocr-node ships its models): what a shopper's eye would read. */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Ocr from '@gutenye/ocr-node';
import sharp from 'sharp';
import type { RawRgb } from '../../../src/imaging/decode.js';

let engine: Promise<Awaited<ReturnType<typeof Ocr.create>>> | undefined;

/** The text lines OCR finds in an RGB image, scaled so its long side is at most `maxSide`. */
export async function readText(img: RawRgb, maxSide = 1600): Promise<string[]> {
  engine ??= Ocr.create();
  const ocr = await engine;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hitline-ocr-'));
  const file = path.join(dir, 'image.png');
  try {
    await sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.length), { raw: { width: img.width, height: img.height, channels: 3 } })
      .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
      .png()
      .toFile(file);
    const lines = await ocr.detect(file);
    return (lines as Array<{ text: string }>).map((l) => l.text);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** NFKC (full-width ￥ → ¥), no spaces, upper case: how two readings of the same text are compared. */
export function normalizeText(s: string): string {
  return s.normalize('NFKC').replace(/\s+/g, '').toUpperCase();
}

/**
 * The fewest edits that turn `expected` into some stretch of what OCR read (Sellers' approximate substring
 * match), over every line and every two consecutive lines joined (a wrapped title; a badge read on the
 * same line as the price).
 */
export function bestMatch(expected: string, lines: readonly string[]): number {
  const want = [...normalizeText(expected)];
  const candidates = [...lines, ...lines.slice(1).map((l, i) => lines[i] + l)].map((l: string) => [...normalizeText(l)]);
  let best = want.length;
  for (const text of candidates) {
    // col[i] = edits to match want[0..i) ending at the current text position; a match may start anywhere.
    let col = Array.from({ length: want.length + 1 }, (_, i) => i);
    best = Math.min(best, col[want.length]);
    for (const ch of text) {
      const next = [0];
      for (let i = 1; i <= want.length; i++) next[i] = Math.min(col[i] + 1, next[i - 1] + 1, col[i - 1] + (want[i - 1] === ch ? 0 : 1));
      col = next;
      best = Math.min(best, col[want.length]);
    }
  }
  return best;
}
