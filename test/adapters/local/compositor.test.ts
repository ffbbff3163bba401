import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ReferenceImage } from '../../../src/ports/style-analyzer.js';
import type { StyleBrief } from '../../../src/core/style-brief.js';
import type { NewProduct } from '../../../src/core/product.js';
import type { GenerateRequest } from '../../../src/ports/image-generator.js';
import { createLocalCompositor } from '../../../src/adapters/local/generator/index.js';
import { cutOutProduct } from '../../../src/imaging/cutout.js';
import { ASPECT_RATIOS, type AspectRatio, EXTREME_ASPECT_RATIOS, type SizeTier, outputSize } from '../../../src/core/output-sizes.js';
import type { ProductRecord } from '../../../src/ports/vector-store.js';
import { UserInputError } from '../../../src/core/errors.js';
import { fashionDataDir } from '../../../src/util/paths.js';
import { busyScene, colorRegion, flatLay, rgbOf, tshirtShape } from '../../helpers/synthetic-images.js';

const GREEN: [number, number, number] = [0x1f, 0xa3, 0x4a];
const BEIGE: [number, number, number] = [232, 222, 204];

const product: NewProduct = { newId: 'NEW001', imagePath: 'NEW001.jpg', category: 'Tshirts', style: 'casual', season: 'summer', promptHint: '', attributes: {} };

const brief: StyleBrief = {
  scene: 'plain light studio backdrop in beige',
  background: 'seamless beige backdrop',
  lighting: 'bright, soft studio light with gentle shadows',
  colorTone: 'warm tone, soft colours',
  palette: ['#e8decc', '#444444', '#c03030'],
  composition: 'portrait 3:4 frame',
  pose: 'garment shown front-on',
  mood: 'casual mood',
  props: [],
  negatives: ['exposed labels or tags'],
  prompt: 'A promo photo.',
};

function record(id: string): ProductRecord {
  return { id, category: 'Tshirts', color: 'grey', style: 'casual', season: 'summer', salesCount: 2000, price: null, description: '', imagePath: `/catalog/${id}.jpg`, imageHash: 'x', attributes: {}, keywords: '' };
}

let productPhoto: Buffer;
let studioReference: ReferenceImage;

beforeAll(async () => {
  productPhoto = (await flatLay(600, 800, tshirtShape(600, 800, `rgb(${GREEN.join(',')})`))).bytes;
  const ref = await flatLay(300, 400, tshirtShape(300, 400, '#444444'), { top: BEIGE, bottom: [226, 216, 198], noise: 2 });
  studioReference = { product: record('SKU001'), bytes: ref.bytes };
});

const compositor = createLocalCompositor();

function request(fields: Partial<GenerateRequest> = {}): GenerateRequest {
  return { product, productImage: productPhoto, references: [studioReference], brief, prompt: 'ignored offline', aspectRatio: '3:4', sizeTier: '0.5K', variant: 1, ...fields };
}

async function generate(fields: Partial<GenerateRequest> = {}) {
  const result = await compositor.generate(request(fields));
  expect(result.images).toHaveLength(1);
  const image = result.images[0];
  const meta = await sharp(image.bytes).metadata();
  expect(meta.format).toBe('png');
  expect([meta.width, meta.height]).toEqual([image.width, image.height]);
  return { result, image, rgb: await rgbOf(image.bytes) };
}

function pixel(img: { data: Buffer; width: number }, x: number, y: number): [number, number, number] {
  const i = (Math.round(y) * img.width + Math.round(x)) * 3;
  return [img.data[i], img.data[i + 1], img.data[i + 2]];
}

const dist = (a: readonly number[], b: readonly number[]) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
const luma = (c: readonly number[]) => 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2];

describe('local compositor', () => {
  it('declares every aspect ratio and tier', () => {
    expect(compositor.id).toBe('local/compositor@1');
    expect(compositor.supportedAspectRatios).toEqual(ASPECT_RATIOS);
    expect(compositor.supportedSizeTiers).toEqual(['0.5K', '1K', '2K', '4K']);
  });

  it.each(ASPECT_RATIOS.map((a) => [a]))('writes exactly the 0.5K size for %s, with the product inside and the scene around it', async (aspectRatio) => {
    const { image, rgb, result } = await generate({ aspectRatio: aspectRatio as AspectRatio });
    const { width: W, height: H } = outputSize(aspectRatio as AspectRatio, '0.5K');
    expect([image.width, image.height]).toEqual([W, H]);
    expect(image.mime).toBe('image/png');
    expect(image.warnings).toEqual([]);
    expect(result.text).toContain('SKU001');

    const region = colorRegion(rgb, GREEN, 45);
    expect(region).not.toBeNull();
    // Fully inside the frame, with a margin.
    expect(region!.left).toBeGreaterThan(0);
    expect(region!.top).toBeGreaterThan(0);
    expect(region!.left + region!.width).toBeLessThan(W);
    expect(region!.top + region!.height).toBeLessThan(H);
    if (!EXTREME_ASPECT_RATIOS.includes(aspectRatio as AspectRatio)) {
      // A sensible scale: the garment takes most of the frame height without touching the edges.
      expect(region!.height / H).toBeGreaterThan(0.45);
      expect(region!.height / H).toBeLessThan(0.85);
    } else {
      expect(Math.max(region!.width / W, region!.height / H)).toBeGreaterThan(0.3);
    }
    // The drawn garment's colour fills its silhouette (about half its bounding box), not a sliver.
    expect(region!.count).toBeGreaterThan(0.4 * region!.width * region!.height);
    // The backdrop is the reference's beige, not white or grey, above the product.
    const above = pixel(rgb, region!.left + region!.width / 2, Math.max(1, region!.top / 3));
    expect(dist(above, BEIGE)).toBeLessThan(30);
    expect(dist(above, BEIGE)).toBeLessThan(dist(above, [255, 255, 255]));
  });

  it.each([
    ['3:4', '1K'],
    ['16:9', '1K'],
    ['1:1', '2K'],
    ['9:16', '2K'],
  ] as [AspectRatio, SizeTier][])('writes exactly the %s %s size', async (aspectRatio, sizeTier) => {
    const { image, rgb } = await generate({ aspectRatio, sizeTier });
    expect([image.width, image.height]).toEqual(Object.values(outputSize(aspectRatio, sizeTier)));
    expect(colorRegion(rgb, GREEN, 45)).not.toBeNull();
  });

  it('writes a 4K 8:1 banner (12288×1536)', async () => {
    const started = Date.now();
    const result = await compositor.generate(request({ aspectRatio: '8:1', sizeTier: '4K' }));
    const image = result.images[0];
    expect([image.width, image.height]).toEqual([12288, 1536]);
    const meta = await sharp(image.bytes).metadata();
    expect([meta.width, meta.height]).toEqual([12288, 1536]);
    // Look for the product on a downscaled copy (12288 × 1536 raw would be 57 MB for the test alone).
    const small = await rgbOf(await sharp(image.bytes).resize(1536, 192).png().toBuffer());
    const region = colorRegion(small, GREEN, 45);
    expect(region).not.toBeNull();
    expect(region!.height / 192).toBeGreaterThan(0.45);
    console.info(`4K 8:1 composite took ${Date.now() - started} ms`);
  });

  it('makes variants differ, and each variant is reproducible', async () => {
    const one = await generate({ variant: 1 });
    const two = await generate({ variant: 2 });
    const twoAgain = await generate({ variant: 2 });
    expect(one.image.bytes.equals(two.image.bytes)).toBe(false);
    expect(two.image.bytes.equals(twoAgain.image.bytes)).toBe(true);
    const a = colorRegion(one.rgb, GREEN, 45)!;
    const b = colorRegion(two.rgb, GREEN, 45)!;
    expect([a.left, a.top, a.width, a.height]).not.toEqual([b.left, b.top, b.width, b.height]);
  });

  it('places the whole photo as a framed card, and says so, when the cut-out is unreliable', async () => {
    const { image, rgb } = await generate({ productImage: await busyScene(600, 800) });
    expect([image.width, image.height]).toEqual([448, 600]);
    expect(image.warnings.join(' ')).toMatch(/cut-out unreliable \(.*background is not plain.*\).*framed card/);
    // The card's white border is there (the beige scene itself has no white).
    const white = colorRegion(rgb, [255, 255, 255], 12);
    expect(white).not.toBeNull();
    expect(white!.height / 600).toBeGreaterThan(0.45);
  });

  it('skips a reference that cannot be decoded, with a warning naming it', async () => {
    const broken: ReferenceImage = { product: record('SKU404'), bytes: Buffer.from('not an image') };
    const { image, result, rgb } = await generate({ references: [broken, studioReference] });
    expect(image.warnings.join(' ')).toContain('SKU404');
    expect(result.text).toContain('SKU001');
    const region = colorRegion(rgb, GREEN, 45)!;
    expect(dist(pixel(rgb, region.left + region.width / 2, region.top / 3), BEIGE)).toBeLessThan(30);
  });

  it("falls back to the brief's palette, with a warning, when no reference is usable", async () => {
    const { image, rgb } = await generate({ references: [{ product: record('SKU404'), bytes: Buffer.from('x') }] });
    expect(image.warnings.join(' ')).toMatch(/no reference image was usable.*#e8decc/);
    expect(dist(pixel(rgb, image.width / 2, 3), [0xe8, 0xde, 0xcc])).toBeLessThan(30);
  });

  it('blurs a busy reference into the backdrop', async () => {
    const busyRef: ReferenceImage = { product: record('SKU777'), bytes: await busyScene(300, 400, 5) };
    const { result, rgb } = await generate({ references: [busyRef] });
    expect(result.text).toMatch(/SKU777.*busy backdrop/);
    expect(colorRegion(rgb, GREEN, 45)).not.toBeNull();
  });

  it('keeps a subject that the photo cuts at the bottom flush with the bottom of the frame', async () => {
    const cropped = await flatLay(600, 800, `<rect x="150" y="250" width="300" height="550" fill="rgb(${GREEN.join(',')})"/>`);
    const { rgb, result } = await generate({ productImage: cropped.bytes });
    expect(result.text).toContain('cropped staging');
    const region = colorRegion(rgb, GREEN, 45)!;
    expect(region.top + region.height).toBe(600);
  });

  it('seats a standing product (shoes) with a contact shadow under it', async () => {
    const shoe = await flatLay(800, 600, '<ellipse cx="400" cy="300" rx="300" ry="110" fill="#c0302a"/>');
    const { rgb, result } = await generate({ product: { ...product, category: 'Casual Shoes' }, productImage: shoe.bytes, aspectRatio: '1:1' });
    expect(result.text).toContain('standing staging');
    const region = colorRegion(rgb, [0xc0, 0x30, 0x2a], 45)!;
    const cx = region.left + region.width / 2;
    const below = pixel(rgb, cx, region.top + region.height + 2);
    const farBelow = pixel(rgb, cx, Math.min(rgb.height - 2, region.top + region.height + 0.15 * rgb.height));
    expect(luma(below)).toBeLessThan(luma(farBelow) - 15);
  });

  it("leaves the product photo's own drop shadow behind: no pale band under or beside the product", async () => {
    // A flat lay as shot: the garment on near-white with a soft grey shadow below and to the right of it.
    const shape = tshirtShape(600, 800, `rgb(${GREEN.join(',')})`);
    const shadow = `<defs><filter id="drop"><feGaussianBlur stdDeviation="7"/></filter></defs><g filter="url(#drop)" opacity="0.3"><g transform="translate(9 14)">${shape.replace(/fill="[^"]*"/, 'fill="#000"')}</g></g>`;
    const shot = await flatLay(600, 800, shadow + shape);
    // A mid-tone slate scene: any of the photo's near-white shadow carried along would show up bright against it.
    const slate = await flatLay(300, 400, tshirtShape(300, 400, '#2a2a2a'), { top: [122, 130, 142], bottom: [112, 120, 132], noise: 2 });
    const { rgb } = await generate({ productImage: shot.bytes, references: [{ product: record('SKU002'), bytes: slate.bytes }] });
    const isProduct = (x: number, y: number) => dist(pixel(rgb, x, y), GREEN) < 60;
    const region = colorRegion(rgb, GREEN, 60)!;
    // The backdrop a little way left of the product, on the same row (the scene's own drop shadow falls down and right).
    const backdropAt = (y: number) => luma(pixel(rgb, Math.max(0, region.left - 30), y));
    let brightest = -Infinity;
    for (let x = region.left; x < region.left + region.width; x++) {
      let bottom = region.top + region.height - 1;
      while (bottom > region.top && !isProduct(x, bottom)) bottom--;
      for (let d = 2; d <= 8 && bottom + d < rgb.height; d++) brightest = Math.max(brightest, luma(pixel(rgb, x, bottom + d)) - backdropAt(bottom + d));
    }
    for (let y = region.top; y < region.top + region.height; y++) {
      let right = region.left + region.width - 1;
      while (right > region.left && !isProduct(right, y)) right--;
      for (let d = 2; d <= 8 && right + d < rgb.width; d++) brightest = Math.max(brightest, luma(pixel(rgb, right + d, y)) - backdropAt(y));
    }
    expect(brightest).toBeLessThan(15);
  });

  it('refuses an unknown aspect ratio or a bad variant number', async () => {
    await expect(compositor.generate(request({ aspectRatio: '5:7' as AspectRatio }))).rejects.toBeInstanceOf(UserInputError);
    await expect(compositor.generate(request({ variant: 0 }))).rejects.toBeInstanceOf(UserInputError);
  });

  it('names the new product when its photo cannot be read', async () => {
    const error = await compositor.generate(request({ productImage: Buffer.from('nope') })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserInputError);
    expect((error as UserInputError).message).toContain('NEW001');
  });
});

const fashion = fashionDataDir();
const photo = (id: string) => path.join(fashion, 'images', `${id}.jpg`);
const haveFashion = fs.existsSync(photo('2280')) && fs.existsSync(photo('1635')) && fs.existsSync(photo('1563'));
if (!haveFashion) console.warn(`skipping real-photo compositor tests: ${fashion} not found (set HITLINE_FASHION_DIR)`);

describe.skipIf(!haveFashion)('local compositor on real catalog photos', () => {
  it.each([
    ['2280', 'Tshirts', [0xfc, 0x6e, 0xa5]],
    ['1635', 'Casual Shoes', [0xb3, 0x51, 0x59]],
  ] as [string, string, [number, number, number]][])('cuts out product %s (%s) reliably and composites it', async (id, category, color) => {
    const bytes = fs.readFileSync(photo(id));
    const cut = await cutOutProduct(bytes);
    expect(cut.reasons).toEqual([]);
    expect(cut.reliable).toBe(true);
    const reference: ReferenceImage = { product: record('1563'), bytes: fs.readFileSync(photo('1563')) };
    const { image, rgb } = await generate({ product: { ...product, category }, productImage: bytes, references: [reference] });
    expect([image.width, image.height]).toEqual([448, 600]);
    const region = colorRegion(rgb, color, 40);
    expect(region).not.toBeNull();
    expect(region!.height / 600).toBeGreaterThan(0.15);
    // Only the enlargement of the small (225×300) catalog photo is worth a warning.
    expect(image.warnings.every((w) => w.includes('enlarged'))).toBe(true);
  });
});
