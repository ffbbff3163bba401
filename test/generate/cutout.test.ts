import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { type CutOut, cutOutProduct } from '../../src/generate/local/cutout.js';
import { HitlineError } from '../../src/util/errors.js';
import { busyScene, flatLay, iou, resizeMask, tshirtShape } from './synthetic-images.js';

/** The cut-out's alpha placed back into a full frame of the decoded source, as a 0/1 mask. */
function fullMask(cut: CutOut): Uint8Array {
  const mask = new Uint8Array(cut.sourceWidth * cut.sourceHeight);
  for (let y = 0; y < cut.height; y++) {
    for (let x = 0; x < cut.width; x++) {
      if (cut.rgba[(y * cut.width + x) * 4 + 3] >= 128) mask[(y + cut.bbox.top) * cut.sourceWidth + x + cut.bbox.left] = 1;
    }
  }
  return mask;
}

async function recovered(cut: CutOut, drawn: { mask: Uint8Array; width: number; height: number }): Promise<number> {
  const truth = await resizeMask(drawn.mask, drawn.width, drawn.height, cut.sourceWidth, cut.sourceHeight);
  return iou(fullMask(cut), truth);
}

describe('cutOutProduct', () => {
  it('recovers a garment from a flat lay on a shaded, noisy near-white backdrop and calls it reliable', async () => {
    const shot = await flatLay(600, 800, tshirtShape(600, 800, '#1f8a4c'));
    const cut = await cutOutProduct(shot.bytes);
    expect(cut.reasons).toEqual([]);
    expect(cut.reliable).toBe(true);
    expect(cut.method).toBe('plain-background');
    expect(await recovered(cut, shot)).toBeGreaterThan(0.9);
    // The crop is the product's box, not the whole photo.
    expect(cut.width).toBeLessThan(cut.sourceWidth * 0.75);
    expect(cut.height).toBeLessThan(cut.sourceHeight * 0.7);
  });

  it('keeps pale parts joined to the product (a near-white sole under a red upper)', async () => {
    const shapes = '<rect x="120" y="200" width="360" height="140" rx="40" fill="#c0302a"/><rect x="110" y="330" width="380" height="40" rx="15" fill="#e4e4e0"/>';
    const shot = await flatLay(600, 500, shapes, { top: [252, 252, 252], bottom: [250, 250, 250], noise: 2 });
    const cut = await cutOutProduct(shot.bytes);
    expect(cut.reliable).toBe(true);
    expect(await recovered(cut, shot)).toBeGreaterThan(0.9);
  });

  it('keeps both shoes of a pair and drops specks', async () => {
    const shapes = '<ellipse cx="170" cy="250" rx="120" ry="60" fill="#303060"/><ellipse cx="440" cy="260" rx="120" ry="60" fill="#303060"/><circle cx="40" cy="40" r="2" fill="#303060"/>';
    const shot = await flatLay(600, 500, shapes);
    const cut = await cutOutProduct(shot.bytes);
    expect(cut.measurements.pieces).toBe(2);
    expect(cut.reliable).toBe(true);
    const truth = await flatLay(600, 500, shapes.replace(/<circle[^>]*\/>/, ''));
    expect(await recovered(cut, truth)).toBeGreaterThan(0.9);
  });

  it('fills a pale print inside a garment but leaves the backdrop showing through a bag handle', async () => {
    const shapes =
      // Dark bag body with a pale (not backdrop-white) print inside it.
      '<rect x="150" y="260" width="300" height="220" rx="20" fill="#2a2a40"/><rect x="230" y="320" width="140" height="90" fill="#d8d8d0"/>' +
      // A thick handle arching above the body: the space inside it is pure backdrop.
      '<path d="M 200 265 L 200 120 L 400 120 L 400 265" fill="none" stroke="#2a2a40" stroke-width="22"/>';
    const shot = await flatLay(600, 560, shapes, { top: [250, 250, 250], bottom: [246, 246, 246], noise: 1 });
    const cut = await cutOutProduct(shot.bytes);
    const mask = fullMask(cut);
    const sx = cut.sourceWidth / 600;
    const at = (x: number, y: number) => mask[Math.round(y * sx) * cut.sourceWidth + Math.round(x * sx)];
    expect(at(300, 365)).toBe(1); // the print is product
    expect(at(300, 190)).toBe(0); // inside the handle is backdrop
    expect(at(200, 190)).toBe(1); // the handle itself
  });

  it('marks a busy background unreliable and says why', async () => {
    const cut = await cutOutProduct(await busyScene(600, 800));
    expect(cut.reliable).toBe(false);
    expect(cut.reasons.join(' ')).toMatch(/background is not plain|backdrop is textured/);
  });

  it('marks a product that fills the whole photo unreliable', async () => {
    const shot = await flatLay(400, 400, '<rect x="4" y="4" width="392" height="392" fill="#7a1f2b"/>');
    const cut = await cutOutProduct(shot.bytes);
    expect(cut.reliable).toBe(false);
    expect(cut.reasons.join(' ')).toMatch(/covers \d+% of the photo|touches \d+% of the photo's edge/);
  });

  it('marks a tiny product unreliable', async () => {
    const shot = await flatLay(800, 800, '<circle cx="400" cy="400" r="12" fill="#7a1f2b"/>');
    const cut = await cutOutProduct(shot.bytes);
    expect(cut.reliable).toBe(false);
    expect(cut.reasons.join(' ')).toMatch(/covers only/);
  });

  it('uses an existing alpha channel as the mask', async () => {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="500">${tshirtShape(400, 500, '#d04080')}</svg>`;
    const bytes = await sharp(Buffer.from(svg)).png().toBuffer();
    const cut = await cutOutProduct(bytes);
    expect(cut.method).toBe('alpha-channel');
    expect(cut.reliable).toBe(true);
    const drawn = await flatLay(400, 500, tshirtShape(400, 500, '#d04080'));
    expect(await recovered(cut, drawn)).toBeGreaterThan(0.95);
  });

  it('does not leave a light fringe around a dark product', async () => {
    // A small JPEG, as catalog photos often are: the dark-to-white transition spans a few pixels.
    const shot = await flatLay(1200, 1600, tshirtShape(1200, 1600, '#202020'), { top: [255, 255, 255], bottom: [255, 255, 255], noise: 0 });
    const small = await sharp(shot.bytes).resize(225, 300).jpeg({ quality: 80 }).toBuffer();
    const cut = await cutOutProduct(small);
    // Every pixel that is at least half opaque must look like the product, not like the white backdrop.
    let light = 0;
    let opaque = 0;
    for (let i = 0; i < cut.width * cut.height; i++) {
      if (cut.rgba[i * 4 + 3] < 128) continue;
      opaque++;
      if (cut.rgba[i * 4] > 120) light++;
    }
    expect(light / opaque).toBeLessThan(0.002);
  });

  it('is deterministic', async () => {
    const shot = await flatLay(300, 400, tshirtShape(300, 400, '#1f8a4c'));
    const a = await cutOutProduct(shot.bytes);
    const b = await cutOutProduct(shot.bytes);
    expect(a.rgba.equals(b.rgba)).toBe(true);
    expect(a.measurements).toEqual(b.measurements);
  });

  it('raises a HitlineError for bytes that are not an image', async () => {
    await expect(cutOutProduct(Buffer.from('nope'))).rejects.toBeInstanceOf(HitlineError);
  });
});
