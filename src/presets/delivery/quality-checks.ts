/**
 * Quality checks run on every delivered image, each recorded as { check, passed, value, threshold, detail }
 * in summary.json and shown in the report. They read the encoded file back (what the seller uploads), not the
 * pixels before encoding. Product fidelity lives in product-fidelity.ts; the optional vision check is a port here.
 */
import type { VisionVerdict } from '../../ports/vision-checker.js';
import sharp from 'sharp';
import type { Preset } from '../preset.js';
import { DIGITAL_SOURCE_TYPES, SYNTHETIC_PERFORMER_TAG } from './ai-metadata.js';
import type { RawRgb } from '../../imaging/decode.js';
import { MIN_TEXT_CONTRAST } from './text-ink.js';
import type { DrawnText } from './text-overlay.js';

export interface QualityCheck {
  /** Stable name: size, aspect, format, file-size, metadata, white-background, fill, product-colour, product-similarity, text-contrast, vision. */
  check: string;
  passed: boolean;
  value: number | string | null;
  threshold: number | string | null;
  /** One sentence a seller understands. */
  detail: string;
}

export const allPassed = (checks: readonly QualityCheck[]): boolean => checks.every((c) => c.passed);
export const failedChecks = (checks: readonly QualityCheck[]): QualityCheck[] => checks.filter((c) => !c.passed);

/** Size, aspect ratio, format, file size and provenance metadata of an encoded file, read back from its bytes. */
export async function checkEncodedFile(bytes: Buffer, preset: Pick<Preset, 'width' | 'height' | 'format' | 'maxFileBytes'>, expected: { sourceType: string; syntheticPerformer: boolean }): Promise<QualityCheck[]> {
  const meta = await sharp(bytes).metadata();
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  const ratio = width / Math.max(1, height);
  const want = preset.width / preset.height;
  const xmp = meta.xmp ? meta.xmp.toString('utf8') : '';
  const dst = /<Iptc4xmpExt:DigitalSourceType>([^<]*)<\/Iptc4xmpExt:DigitalSourceType>/.exec(xmp)?.[1] ?? null;
  const wantDst = DIGITAL_SOURCE_TYPES[expected.sourceType as keyof typeof DIGITAL_SOURCE_TYPES] ?? expected.sourceType;
  const performerTagged = xmp.includes(`<rdf:li>${SYNTHETIC_PERFORMER_TAG}</rdf:li>`);
  const sizeText = `${width}×${height}`;
  const wantSize = `${preset.width}×${preset.height}`;
  return [
    { check: 'size', passed: width === preset.width && height === preset.height, value: sizeText, threshold: wantSize, detail: width === preset.width && height === preset.height ? `exactly ${wantSize}` : `is ${sizeText}, the preset needs ${wantSize}` },
    { check: 'aspect', passed: Math.abs(ratio / want - 1) < 0.005, value: round(ratio, 4), threshold: round(want, 4), detail: `width/height ${round(ratio, 4)} vs ${round(want, 4)}` },
    { check: 'format', passed: meta.format === preset.format, value: meta.format ?? null, threshold: preset.format, detail: `encoded as ${meta.format}` },
    {
      check: 'file-size', passed: bytes.length <= preset.maxFileBytes, value: bytes.length, threshold: preset.maxFileBytes,
      detail: `${(bytes.length / 1024 / 1024).toFixed(2)} MB of at most ${(preset.maxFileBytes / 1024 / 1024).toFixed(2)} MB`,
    },
    {
      check: 'metadata', passed: dst === wantDst && performerTagged === expected.syntheticPerformer, value: dst, threshold: wantDst,
      detail: dst === null
        ? 'no IPTC DigitalSourceType in the file'
        : `IPTC DigitalSourceType ${dst.split('/').pop()}${performerTagged ? ', tagged contains-synthetic-performer' : ''}`,
    },
  ];
}

/**
 * Every background pixel exactly 255,255,255. "Background" is everything farther than `margin` pixels (1% of
 * the long side, at least 10) from the product: from any pixel that is clearly not white (a channel below 250)
 * and, when the caller knows it, from the product's silhouette (`productMask`, so the white sole of a shoe
 * is product, not background). That leaves out the anti-aliased edge, where JPEG's 8×8 blocks ring by a
 * level or two, and takes all the rest of the frame.
 */
export function checkWhiteBackground(img: RawRgb, options: { productMask?: Uint8Array; margin?: number } = {}): QualityCheck {
  const { width: W, height: H, data } = img;
  const margin = options.margin ?? Math.max(10, Math.round(0.01 * Math.max(W, H)));
  const product = new Uint8Array(W * H);
  for (let i = 0; i < W * H; i++) {
    if (data[i * 3] < 250 || data[i * 3 + 1] < 250 || data[i * 3 + 2] < 250 || options.productMask?.[i]) product[i] = 1;
  }
  const near = dilate(product, W, H, margin);
  let background = 0;
  let exact = 0;
  let worst = 255;
  for (let i = 0; i < W * H; i++) {
    if (near[i]) continue;
    background++;
    const m = Math.min(data[i * 3], data[i * 3 + 1], data[i * 3 + 2]);
    if (m === 255) exact++;
    else if (m < worst) worst = m;
  }
  const share = background ? exact / background : 0;
  const passed = background > 0 && exact === background;
  return {
    check: 'white-background', passed, value: round(share, 6), threshold: 1,
    detail: passed
      ? `all ${background} background pixels are exactly 255,255,255`
      : background === 0 ? 'no background at all: the product covers the whole frame'
        : `${background - exact} of ${background} background pixels are not exact white (darkest channel ${worst})`,
  };
}

/** The product's share of the frame on its long side: bounding box of the not-white pixels. */
export function checkFill(img: RawRgb, minFill: number): QualityCheck {
  const { width: W, height: H, data } = img;
  let x0 = W;
  let y0 = H;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = (y * W + x) * 3;
      if (data[i] >= 250 && data[i + 1] >= 250 && data[i + 2] >= 250) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  const fill = x1 < 0 ? 0 : Math.max((x1 - x0 + 1) / W, (y1 - y0 + 1) / H);
  return {
    check: 'fill', passed: fill >= minFill, value: round(fill, 4), threshold: minFill,
    detail: `the product spans ${(fill * 100).toFixed(1)}% of the frame on its long side (at least ${Math.round(minFill * 100)}%)`,
  };
}

/** The drawn text's worst-case contrast (WCAG) against what is behind it. */
export function checkTextContrast(drawn: readonly DrawnText[]): QualityCheck {
  const worst = Math.min(...drawn.map((d) => d.contrast));
  return {
    check: 'text-contrast', passed: worst >= MIN_TEXT_CONTRAST, value: round(worst, 2), threshold: MIN_TEXT_CONTRAST,
    detail: `${drawn.map((d) => d.role).join(', ')} drawn at contrast ≥ ${round(worst, 2)}:1${drawn.some((d) => d.panel) ? ' (with a panel behind)' : ''}`,
  };
}

/**
 * The optional vision check, asked of a vision-language model (the cloud analyzer's model) when one is configured:
 * is the product in the output the same as in the photo, is a label, tag or extra item visible, is any text garbled?
 * No offline implementation exists: hitline does not pretend to answer these questions without a model.
 */
export function visionQualityCheck(v: VisionVerdict, checkerId: string): QualityCheck {
  const problems = [
    !v.sameProduct && 'not the same product as the photo',
    v.labelOrTagVisible && 'a label or tag is visible',
    v.extraItems && 'extra items are in the picture',
    v.garbledText && 'garbled text is visible',
  ].filter(Boolean) as string[];
  return {
    check: 'vision', passed: problems.length === 0, value: problems.length === 0 ? 'ok' : problems.join('; '), threshold: 'no problem',
    detail: `${checkerId}: ${problems.length === 0 ? 'same product, no label, extra item or garbled text' : problems.join('; ')}${v.notes ? ` (${v.notes})` : ''}`,
  };
}

/** Decodes an encoded file to RGB at full size (for the pixel checks). */
export async function decodeForChecks(bytes: Buffer): Promise<RawRgb> {
  const { data, info } = await sharp(bytes).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

/** Square dilation by `r` pixels (separable running max). */
function dilate(mask: Uint8Array, W: number, H: number, r: number): Uint8Array {
  const horizontal = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) {
    let last = -Infinity;
    for (let x = 0; x < W; x++) {
      if (mask[y * W + x]) last = x;
      if (x - last <= r) horizontal[y * W + x] = 1;
    }
    last = Infinity;
    for (let x = W - 1; x >= 0; x--) {
      if (mask[y * W + x]) last = x;
      if (last - x <= r) horizontal[y * W + x] = 1;
    }
  }
  const out = new Uint8Array(W * H);
  for (let x = 0; x < W; x++) {
    let last = -Infinity;
    for (let y = 0; y < H; y++) {
      if (horizontal[y * W + x]) last = y;
      if (y - last <= r) out[y * W + x] = 1;
    }
    last = Infinity;
    for (let y = H - 1; y >= 0; y--) {
      if (horizontal[y * W + x]) last = y;
      if (last - y <= r) out[y * W + x] = 1;
    }
  }
  return out;
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
