import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { type CutOut, cutOutProduct } from '../../src/imaging/cutout.js';
import { HitlineError } from '../../src/core/errors.js';
import { type Backdrop, busyScene, flatLay, iou, resizeMask, tshirtShape } from '../helpers/synthetic-images.js';

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

/**
 * A flat lay as product photos are shot: `shape` (SVG markup) on the near-white backdrop with a soft drop
 * shadow beside/below it (the same shape in black, offset down-right, blurred). `shadowMask` marks where the
 * shadow darkens the backdrop by at least 3%, leaving out the product and the 2 pixels around it (where the
 * product's anti-aliased outline blends into the shadow, so a pixel-exact outline cannot be asked for).
 */
async function flatLayWithShadow(width: number, height: number, shape: string, shadow = { dx: 9, dy: 14, blur: 7, opacity: 0.3 }, backdrop?: Backdrop) {
  const shadowMarkup =
    `<defs><filter id="drop" x="-20%" y="-20%" width="140%" height="140%"><feGaussianBlur stdDeviation="${shadow.blur}"/></filter></defs>` +
    `<g filter="url(#drop)" opacity="${shadow.opacity}"><g transform="translate(${shadow.dx} ${shadow.dy})">${shape.replace(/fill="[^"]*"/g, 'fill="#000"')}</g></g>`;
  const shot = await flatLay(width, height, shadowMarkup + shape, backdrop);
  const svg = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${shadowMarkup}</svg>`);
  const alpha = await sharp(svg).ensureAlpha().extractChannel(3).raw().toBuffer();
  const nearProduct = grow(shot.mask, width, height, 2);
  const shadowMask = Uint8Array.from(alpha, (a, i) => (a >= 0.03 * 255 && !nearProduct[i] ? 1 : 0));
  return { ...shot, shadowMask };
}

/** The mask grown by `r` pixels (square neighbourhood). */
function grow(mask: Uint8Array, width: number, height: number, r: number): Uint8Array {
  const out = new Uint8Array(mask.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!mask[y * width + x]) continue;
      for (let ny = Math.max(0, y - r); ny <= Math.min(height - 1, y + r); ny++) {
        for (let nx = Math.max(0, x - r); nx <= Math.min(width - 1, x + r); nx++) out[ny * width + nx] = 1;
      }
    }
  }
  return out;
}

/** Share of the drawn shadow (outside the product) that the cut-out kept as product. */
async function shadowKept(cut: CutOut, shot: { shadowMask: Uint8Array; width: number; height: number }): Promise<number> {
  const shadow = await resizeMask(shot.shadowMask, shot.width, shot.height, cut.sourceWidth, cut.sourceHeight);
  const mask = fullMask(cut);
  let kept = 0;
  let total = 0;
  for (let i = 0; i < shadow.length; i++) {
    total += shadow[i];
    kept += shadow[i] & mask[i];
  }
  return total ? kept / total : 0;
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

  // A studio white for the white garment (on the default backdrop it would be the backdrop's own colour).
  const WHITE: Backdrop = { top: [250, 250, 250], bottom: [244, 244, 244], noise: 2 };
  it.each([
    ['a green garment', '#1f8a4c', undefined],
    ['a navy garment', '#1e2a55', undefined],
    ['a black garment', '#151515', undefined],
    ['a grey garment', '#9a9a9a', undefined],
    // Its luma is the shadow's own halfway down: the outline shows no edge where the two meet.
    ['a light grey garment', '#c4c4c4', undefined],
    ['a white garment', '#ececea', WHITE],
  ] as [string, string, Backdrop | undefined][])('leaves the soft drop shadow of %s on the backdrop', async (_name, color, backdrop) => {
    const shot = await flatLayWithShadow(600, 800, tshirtShape(600, 800, color), undefined, backdrop);
    const cut = await cutOutProduct(shot.bytes);
    expect(cut.reasons).toEqual([]);
    expect(await recovered(cut, shot)).toBeGreaterThan(0.9);
    expect(await shadowKept(cut, shot)).toBeLessThan(0.05);
  });

  it('leaves a faint wide shadow under a scalloped hem on the backdrop, and the hem whole', async () => {
    // A skirt whose hem is a row of scallops: the shadow fills the notches between them.
    const hem = Array.from({ length: 8 }, (_, k) => `A 18 18 0 0 1 ${420 - 30 * (k + 1)} 600`).join(' ');
    const shape = `<path d="M 230 200 L 370 200 L 420 600 ${hem} Z" fill="#8fb08a"/>`;
    const shot = await flatLayWithShadow(600, 800, shape, { dx: 5, dy: 8, blur: 6, opacity: 0.12 });
    const cut = await cutOutProduct(shot.bytes);
    expect(cut.reasons).toEqual([]);
    expect(await recovered(cut, shot)).toBeGreaterThan(0.9);
    expect(await shadowKept(cut, shot)).toBeLessThan(0.05);
  });

  it('keeps a pale sole whole next to its own shadow', async () => {
    const shapes = '<rect x="120" y="200" width="360" height="140" rx="40" fill="#c0302a"/><rect x="110" y="330" width="380" height="40" rx="15" fill="#e4e4e0"/>';
    const shot = await flatLayWithShadow(600, 500, shapes, { dx: 6, dy: 10, blur: 5, opacity: 0.25 });
    const cut = await cutOutProduct(shot.bytes);
    expect(cut.reliable).toBe(true);
    expect(await recovered(cut, shot)).toBeGreaterThan(0.9);
    expect(await shadowKept(cut, shot)).toBeLessThan(0.05);
    // The sole itself is there, edge to edge.
    const mask = fullMask(cut);
    const sx = cut.sourceWidth / 600;
    for (const x of [130, 300, 470]) expect(mask[Math.round(350 * sx) * cut.sourceWidth + Math.round(x * sx)]).toBe(1);
  });

  it('keeps a shadow-coloured area that the product encloses (a grey print inside a shirt)', async () => {
    const shirt = tshirtShape(600, 800, '#1f8a4c');
    // The print has exactly the colour of the backdrop in shadow; the product surrounds it, so it is product.
    const shot = await flatLayWithShadow(600, 800, `${shirt}<rect x="250" y="380" width="100" height="120" fill="#c8c7c4"/>`);
    const cut = await cutOutProduct(shot.bytes);
    const mask = fullMask(cut);
    const sx = cut.sourceWidth / 600;
    expect(mask[Math.round(440 * sx) * cut.sourceWidth + Math.round(300 * sx)]).toBe(1);
    expect(await recovered(cut, shot)).toBeGreaterThan(0.9);
    expect(await shadowKept(cut, shot)).toBeLessThan(0.05);
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
