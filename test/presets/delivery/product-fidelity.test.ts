/**
 * Product fidelity: the product region of an output, found by the product's colours, compared with the product
 * photo. A faithful composite passes; a recoloured or swapped product fails with a reason.
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { Embedder } from '../../../src/ports/embedder.js';
import { createLocalEmbedder } from '../../../src/adapters/local/embedder/index.js';
import { createLocalCompositor } from '../../../src/adapters/local/generator/index.js';
import { cutOutProduct } from '../../../src/imaging/cutout.js';
import { outputSize } from '../../../src/core/output-sizes.js';
import type { FractionBox } from '../../../src/core/geometry.js';
import { decodeRgb } from '../../../src/imaging/decode.js';
import { checkProductFidelity, fidelityThresholdsFor, locateReferenceProduct, prepareProductReference } from '../../../src/presets/delivery/product-fidelity.js';
import { compositeIntoScene, renderOfflineScene } from '../../../src/adapters/local/generator/staged-composite.js';
import { brief, productRow, referencePhoto, referenceRecord, teeShirtPhoto } from './preset-fixtures.js';

/**
 * A small but real image embedder for these tests: a 4×4×4 RGB histogram of the pixels that differ from the
 * image's border colour, L2-normalised. (The run uses the local CNN embedder; this keeps the test independent of it.)
 */
const histogramEmbedder: Embedder = {
  id: 'test/rgb-histogram',
  provider: 'test',
  model: 'rgb-histogram',
  paid: false,
  dimension: 64,
  supportsText: false,
  async embedImages(images) {
    return Promise.all(images.map(async (bytes) => {
      const img = await decodeRgb(bytes, 96);
      const border = [img.data[0], img.data[1], img.data[2]];
      const v = new Float32Array(64);
      for (let i = 0; i < img.width * img.height; i++) {
        const [r, g, b] = [img.data[i * 3], img.data[i * 3 + 1], img.data[i * 3 + 2]];
        if (Math.abs(r - border[0]) + Math.abs(g - border[1]) + Math.abs(b - border[2]) < 30) continue;
        v[(r >> 6) * 16 + (g >> 6) * 4 + (b >> 6)] += 1;
      }
      const norm = Math.hypot(...v) || 1;
      return v.map((x) => x / norm);
    }));
  },
};

async function compositorOutput(photo: Buffer): Promise<Buffer> {
  const result = await createLocalCompositor().generate({
    product: productRow(), productImage: photo, references: [referenceRecord('HIT-1', await referencePhoto())], brief: brief(),
    prompt: 'p', aspectRatio: '1:1', sizeTier: '1K', variant: 1,
  });
  return result.images[0].bytes;
}

const DEFAULT_SIMILARITY = fidelityThresholdsFor(undefined).minSimilarity;

const iou = (a: FractionBox, b: FractionBox) => {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  const inter = w > 0 && h > 0 ? w * h : 0;
  return inter / (a.width * a.height + b.width * b.height - inter);
};

describe('product fidelity', () => {
  it('passes a faithful composite and fails the same image with the product recoloured', async () => {
    const photo = await teeShirtPhoto({ color: '#c0392b' });
    const ref = await prepareProductReference(photo, { embedder: histogramEmbedder });
    expect(ref.mainColours.length).toBeGreaterThan(0);
    const good = await compositorOutput(photo);
    const ok = await checkProductFidelity(await decodeRgb(good, 1024), ref, { embedder: histogramEmbedder, thresholds: { minSimilarity: 0.8 } });
    for (const c of ok.checks) expect(c.passed, `${c.check}: ${c.detail}`).toBe(true);

    const recoloured = await sharp(good).modulate({ hue: 180 }).png().toBuffer();
    const bad = await checkProductFidelity(await decodeRgb(recoloured, 1024), ref, { embedder: histogramEmbedder, thresholds: { minSimilarity: 0.8 } });
    const colour = bad.checks.find((c) => c.check === 'product-colour');
    expect(colour?.passed).toBe(false);
    expect(colour?.detail).toMatch(/the product's colours changed: #/);
    expect(bad.checks.find((c) => c.check === 'product-similarity')?.passed).toBe(false);
  });

  it('fails when another product stands in for it (same cut, other colours)', async () => {
    const ref = await prepareProductReference(await teeShirtPhoto({ color: '#c0392b', stripe: '#f1c40f' }));
    const other = await compositorOutput(await teeShirtPhoto({ color: '#1e8449', stripe: '#ecf0f1' }));
    const result = await checkProductFidelity(await decodeRgb(other, 1024), ref);
    expect(result.checks.find((c) => c.check === 'product-colour')?.passed).toBe(false);
  });

  it('with the local embedder and its calibrated threshold: the product passes, a different product fails', async () => {
    const embedder = createLocalEmbedder();
    try {
      const thresholds = fidelityThresholdsFor(embedder.id);
      expect(thresholds.minSimilarity).toBeGreaterThan(DEFAULT_SIMILARITY);
      const photo = await teeShirtPhoto({ color: '#c0392b' });
      const ref = await prepareProductReference(photo, { embedder });
      const same = await checkProductFidelity(await decodeRgb(await compositorOutput(photo), 1024), ref, { embedder });
      const similarity = same.checks.find((c) => c.check === 'product-similarity');
      expect(similarity?.passed, similarity?.detail).toBe(true);
      // A different garment: a long navy coat, not a red tee.
      const coat = await sharp(Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="600" height="800"><rect width="600" height="800" fill="#e9e9e6"/>
        <path d="M220 90 L380 90 L470 220 L430 760 L170 760 L130 220 Z" fill="#1b2a49"/><circle cx="300" cy="300" r="14" fill="#d4ac0d"/><circle cx="300" cy="420" r="14" fill="#d4ac0d"/></svg>`)).jpeg().toBuffer();
      const other = await checkProductFidelity(await decodeRgb(await compositorOutput(coat), 1024), ref, { embedder });
      expect(other.checks.find((c) => c.check === 'product-similarity')?.passed).toBe(false);
      expect(other.checks.find((c) => c.check === 'product-colour')?.passed).toBe(false);
    } finally {
      await embedder.close();
    }
  });

  it('finds the product where it was placed in a scene', async () => {
    const photo = await teeShirtPhoto({ color: '#2e86c1', stripe: '#f4d03f' });
    const cutout = await cutOutProduct(photo);
    const { width, height } = outputSize('16:9', '1K');
    const scene = await renderOfflineScene({ references: [referenceRecord('HIT-1', await referencePhoto())], brief: brief(), width, height, cutout, category: 'tshirts', variant: 3 });
    const placed = await compositeIntoScene(scene, cutout, { category: 'tshirts', variant: 3 });
    const located = locateReferenceProduct(await decodeRgb(placed.bytes, 1376), await prepareProductReference(photo, { cutout }));
    expect(located.confidence).toBeGreaterThan(0.5);
    expect(iou(located.box, placed.productBox)).toBeGreaterThan(0.6);
  });
});
