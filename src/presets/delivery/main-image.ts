/**
 * Main images (amazon-main, tiktok-main, any `cutout` preset) are never generated: the product is cut out of
 * its own photo and placed, unchanged, on exact white (255,255,255) filling ~90% of the frame on its long side.
 * When the cut-out is not reliable, hitline refuses with the reasons instead of emitting a non-compliant image.
 */
import sharp from 'sharp';
import { cutOutProduct, type CutOut } from '../../imaging/cutout.js';
import type { Preset } from '../preset.js';
import { HitlineError } from '../../core/errors.js';
import type { FractionBox } from '../../core/geometry.js';
import type { RawRgb } from '../../imaging/decode.js';

/** The product's long side as a share of the frame; above the usual 85% minimum with room for JPEG edges. */
export const MAIN_IMAGE_FILL = 0.9;
/** Alpha at or below this (of 255, i.e. ≤3% opaque, invisible on white) is background, so resampling haze never tints the white. */
const ALPHA_FLOOR = 8;

/**
 * The retoucher's "clip to white": levels from HIGHLIGHT_KNEE up are stretched so 250 and above become 255.
 * Near-white fringes (the photo's own backdrop caught in the soft edge, resampling haze) then land on exact
 * white instead of 251..254, which marketplaces read as a grey background; only the top highlights change.
 */
const HIGHLIGHT_KNEE = 240;
function highlightToWhite(v: number): number {
  if (v <= HIGHLIGHT_KNEE) return Math.round(v);
  return Math.min(255, Math.round(HIGHLIGHT_KNEE + ((v - HIGHLIGHT_KNEE) * (255 - HIGHLIGHT_KNEE)) / (250 - HIGHLIGHT_KNEE)));
}

export class MainImageRefusedError extends HitlineError {
  readonly reasons: string[];
  constructor(presetId: string, reasons: string[]) {
    super(`${presetId}: hitline will not make a main image from this photo, because the product cannot be cut out reliably: ${reasons.join('; ')}`, {
      hint: 'Photograph the product on a plain, evenly lit backdrop that contrasts with it (or give a PNG with a transparent background), then run again.',
    });
    this.reasons = reasons;
  }
}

export interface MainImage {
  image: RawRgb;
  /** The product's bounding box in the output (fractions). */
  productBox: FractionBox;
  /** 1 where the product's silhouette is (alpha above the floor), per output pixel. */
  productMask: Uint8Array;
  /** The product's long side over the frame's matching side. */
  fill: number;
  /** How much the photo's pixels were enlarged (above 1 the main image is softer than the frame suggests). */
  upscale: number;
  cutout: Pick<CutOut, 'method' | 'measurements' | 'reasons'>;
  warnings: string[];
}

export interface MainImageOptions {
  /** A cut-out already made from the same photo (it is reused, not recomputed). */
  cutout?: CutOut;
  /** Target fill on the long side (default MAIN_IMAGE_FILL, raised to minFill + 3 points if the preset asks for more). */
  fill?: number;
}

export async function renderMainImage(photo: Buffer, preset: Pick<Preset, 'id' | 'width' | 'height' | 'minFill'>, options: MainImageOptions = {}): Promise<MainImage> {
  const cut = options.cutout ?? (await cutOutProduct(photo));
  if (!cut.reliable) throw new MainImageRefusedError(preset.id, cut.reasons);
  const fill = Math.min(0.98, Math.max(options.fill ?? MAIN_IMAGE_FILL, preset.minFill + 0.03));
  const W = preset.width;
  const H = preset.height;
  // Scale so the product's constraining side fills `fill` of the frame's matching side.
  const scale = Math.min((fill * W) / cut.width, (fill * H) / cut.height);
  const pw = Math.max(1, Math.round(cut.width * scale));
  const ph = Math.max(1, Math.round(cut.height * scale));
  const product = await sharp(cut.rgba, { raw: { width: cut.width, height: cut.height, channels: 4 } })
    .resize(pw, ph, { fit: 'fill', kernel: 'lanczos3' })
    .raw()
    .toBuffer();
  const left = Math.round((W - pw) / 2);
  const top = Math.round((H - ph) / 2);
  const out = new Uint8Array(W * H * 3).fill(255);
  const productMask = new Uint8Array(W * H);
  for (let y = 0; y < ph; y++) {
    for (let x = 0; x < pw; x++) {
      const s = (y * pw + x) * 4;
      const a = product[s + 3];
      if (a <= ALPHA_FLOOR) continue;
      const o = ((top + y) * W + left + x) * 3;
      productMask[(top + y) * W + left + x] = 1;
      const t = a / 255;
      out[o] = highlightToWhite(product[s] * t + 255 * (1 - t));
      out[o + 1] = highlightToWhite(product[s + 1] * t + 255 * (1 - t));
      out[o + 2] = highlightToWhite(product[s + 2] * t + 255 * (1 - t));
    }
  }
  // Scale relative to the photo as it was decoded (the cut-out works on at most 2048 px).
  const upscale = scale;
  const warnings: string[] = [];
  if (upscale > 2) {
    warnings.push(
      `the product photo was enlarged ${upscale.toFixed(1)}× to fill ${W}×${H}; it will look soft (Amazon zoom needs ≥1000 px on the long side): supply a larger photo`,
    );
  }
  return {
    image: { data: out, width: W, height: H },
    productBox: { x: left / W, y: top / H, width: pw / W, height: ph / H },
    productMask,
    fill: Math.max(pw / W, ph / H),
    upscale,
    cutout: { method: cut.method, measurements: cut.measurements, reasons: cut.reasons },
    warnings,
  };
}
