/**
 * Exact fit: the generator is asked for the nearest ratio it supports and a tier that covers the preset,
 * and the result is cropped around the product (or padded when the product would not fit), resized to the
 * exact pixels and encoded under the file-size limit.
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ASPECT_RATIOS, EXTREME_ASPECT_RATIOS, SIZE_TIERS, outputSize, type AspectRatio } from '../../../src/core/output-sizes.js';
import { builtinPresets, type Preset } from '../../../src/presets/index.js';
import { encodeForPreset, MIN_QUALITY } from '../../../src/presets/delivery/encode-for-preset.js';
import { chooseGenerationSize, cropForRatio, fitToPreset } from '../../../src/presets/delivery/fit-to-preset.js';
import type { FractionBox } from '../../../src/core/geometry.js';

const generated = builtinPresets().filter((p) => p.source === 'generated');
const nanoBanana2 = { supportedAspectRatios: ASPECT_RATIOS, supportedSizeTiers: SIZE_TIERS };
/** Gemini image models other than Nano Banana 2: no extreme ratios. */
const classicGemini = { supportedAspectRatios: ASPECT_RATIOS.filter((a) => !EXTREME_ASPECT_RATIOS.includes(a)), supportedSizeTiers: ['1K', '2K', '4K'] as const };

/** A scene of the given size with a solid magenta "product" at `box`, grey gradient around it. */
async function sceneWithProduct(width: number, height: number, box: FractionBox): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="g"><stop offset="0" stop-color="#cfd8dc"/><stop offset="1" stop-color="#90a4ae"/></linearGradient></defs>
    <rect width="${width}" height="${height}" fill="url(#g)"/>
    <rect x="${box.x * width}" y="${box.y * height}" width="${box.width * width}" height="${box.height * height}" fill="#ff00ff"/>
  </svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** Bounding box of the magenta pixels in an RGB image, in pixels. */
function magentaBox(img: { data: Uint8Array; width: number; height: number }) {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const i = (y * img.width + x) * 3;
      if (img.data[i] > 200 && img.data[i + 1] < 60 && img.data[i + 2] > 200) {
        x0 = Math.min(x0, x);
        y0 = Math.min(y0, y);
        x1 = Math.max(x1, x);
        y1 = Math.max(y1, y);
      }
    }
  }
  return { x0, y0, x1, y1 };
}

describe('what to ask the generator for', () => {
  it('Nano Banana 2: the preset\'s own ratio, and the smallest tier whose crop has the preset\'s pixels', () => {
    const expected: Record<string, [AspectRatio, string]> = {
      'amazon-secondary': ['1:1', '2K'], 'independent-3x4': ['3:4', '2K'], 'shopify-square': ['1:1', '2K'], 'tiktok-feed': ['3:4', '2K'],
      'etsy-listing': ['5:4', '2K'], 'thumb-512': ['1:1', '0.5K'], 'banner-4x1': ['4:1', '2K'], 'banner-8x1': ['8:1', '2K'], 'live-1x4': ['1:4', '4K'],
    };
    for (const preset of generated) {
      const size = chooseGenerationSize(preset, nanoBanana2);
      expect([size.aspectRatio, size.sizeTier], preset.id).toEqual(expected[preset.id]);
      expect(size.covers, preset.id).toBe(true);
      const crop = cropForRatio(size.output.width, size.output.height, preset.width / preset.height);
      expect(crop.width >= preset.width && crop.height >= preset.height, preset.id).toBe(true);
    }
  });

  it('a model without the extreme ratios gets the nearest one it has (banners → 21:9, live → 9:16)', () => {
    const byId = new Map(generated.map((p) => [p.id, p]));
    expect(chooseGenerationSize(byId.get('banner-4x1') as Preset, classicGemini).aspectRatio).toBe('21:9');
    expect(chooseGenerationSize(byId.get('banner-8x1') as Preset, classicGemini).aspectRatio).toBe('21:9');
    expect(chooseGenerationSize(byId.get('live-1x4') as Preset, classicGemini).aspectRatio).toBe('9:16');
    const thumb = chooseGenerationSize(byId.get('thumb-512') as Preset, classicGemini);
    expect([thumb.sizeTier, thumb.covers]).toEqual(['1K', true]);
  });
});

describe('fitting a generated image to the exact preset pixels', () => {
  for (const model of [{ name: 'Nano Banana 2', caps: nanoBanana2 }, { name: 'a model without extreme ratios', caps: classicGemini }]) {
    it(`every generated preset, from ${model.name}'s output: exact size, the whole product kept`, async () => {
      for (const preset of generated) {
        const size = chooseGenerationSize(preset, model.caps);
        const { width, height } = outputSize(size.aspectRatio, size.sizeTier);
        // The product off-centre (left third), as models often place it.
        const box = { x: 0.12, y: 0.3, width: 0.2, height: 0.4 };
        const fitted = await fitToPreset(await sceneWithProduct(width, height, box), preset, { productBox: box });
        expect([fitted.image.width, fitted.image.height, fitted.image.data.length], preset.id).toEqual([preset.width, preset.height, preset.width * preset.height * 3]);
        const found = magentaBox(fitted.image);
        // The product is entirely inside (not touching the edges) and where the returned box says.
        expect(found.x0 > 0 && found.y0 > 0 && found.x1 < preset.width - 1 && found.y1 < preset.height - 1, `${preset.id} from ${width}×${height}`).toBe(true);
        const pb = fitted.productBox as FractionBox;
        expect(Math.abs(pb.x * preset.width - found.x0), preset.id).toBeLessThan(0.02 * preset.width + 3);
        expect(Math.abs((pb.x + pb.width) * preset.width - (found.x1 + 1)), preset.id).toBeLessThan(0.02 * preset.width + 3);
      }
    }, 120_000);
  }

  it('crops around the product: a product at the far left of a wide image stays in a square crop', async () => {
    const box = { x: 0.02, y: 0.3, width: 0.12, height: 0.4 };
    const fitted = await fitToPreset(await sceneWithProduct(1584, 672, box), { width: 600, height: 600 }, { productBox: box });
    expect(fitted.operations.join(' ')).toMatch(/^crop 672×672 at 0,0 of 1584×672/);
    const found = magentaBox(fitted.image);
    expect(found.x0).toBeGreaterThan(0);
    expect(found.x1 - found.x0 + 1).toBeGreaterThan(0.25 * 600);
  });

  it('pads (never cuts the product) when the product is wider than any crop of the target ratio', async () => {
    const box = { x: 0.1, y: 0.35, width: 0.8, height: 0.3 };
    const fitted = await fitToPreset(await sceneWithProduct(1200, 900, box), { width: 500, height: 1000 }, { productBox: box });
    expect(fitted.operations.join(' ')).toMatch(/pad 1200×900/);
    const found = magentaBox(fitted.image);
    expect(found.x0).toBeGreaterThan(0);
    expect(found.x1).toBeLessThan(499);
  });

  it('keeps the centre when the product was not located', async () => {
    const box = { x: 0.45, y: 0.45, width: 0.1, height: 0.1 };
    const fitted = await fitToPreset(await sceneWithProduct(2048, 512, box), { width: 512, height: 512 });
    const found = magentaBox(fitted.image);
    expect(Math.abs((found.x0 + found.x1) / 2 - 256)).toBeLessThan(4);
  });
});

describe('encoding under the file-size limit', () => {
  const noise = (w: number, h: number) => {
    const data = new Uint8Array(w * h * 3);
    let s = 1;
    for (let i = 0; i < data.length; i++) data[i] = (s = (s * 16807) % 2147483647) & 255;
    return { data, width: w, height: h };
  };

  it('lowers the quality until the file fits, and reports it', async () => {
    const img = noise(800, 800);
    const first = await encodeForPreset(img, { format: 'jpeg', quality: 95, maxFileBytes: 50 * 1024 * 1024 });
    const limit = Math.round(first.bytes.length * 0.6);
    const fitted = await encodeForPreset(img, { format: 'jpeg', quality: 95, maxFileBytes: limit });
    expect(fitted.fits).toBe(true);
    expect(fitted.bytes.length).toBeLessThanOrEqual(limit);
    expect(fitted.encodes).toBeGreaterThan(1);
    expect(fitted.quality).toBeLessThan(95);
    expect((await sharp(fitted.bytes).metadata()).format).toBe('jpeg');
  });

  it('says it does not fit rather than going below the minimum quality', async () => {
    const result = await encodeForPreset(noise(800, 800), { format: 'webp', quality: 90, maxFileBytes: 1000 });
    expect(result.fits).toBe(false);
    expect(result.quality).toBe(MIN_QUALITY);
    expect((await sharp(result.bytes).metadata()).format).toBe('webp');
  });
});
