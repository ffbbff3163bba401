/**
 * Finding the product on a plain backdrop (src/adapters/local/embedder/product-box.ts): the embedder crops to it so a
 * product is seen at the same scale however it was framed.
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { findProductBox } from '../../../../src/adapters/local/embedder/product-box.js';
import { decodeUprightRgb } from '../../../../src/adapters/local/embedder/raw-image.js';

async function rgb(png: Buffer) {
  return decodeUprightRgb(png);
}

describe('findProductBox', () => {
  it('boxes a small product in a corner of a white photo, with a small margin', async () => {
    const product = await sharp({ create: { width: 60, height: 40, channels: 3, background: '#1f4e9c' } }).png().toBuffer();
    const photo = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#ffffff' } })
      .composite([{ input: product, left: 200, top: 140 }])
      .png()
      .toBuffer();
    const found = findProductBox(await rgb(photo));
    expect(found.plainBackground).toBe(true);
    expect(found.background).toEqual([255, 255, 255]);
    const { left, top, width, height } = found.box;
    expect(left).toBeLessThanOrEqual(200);
    expect(left).toBeGreaterThanOrEqual(195);
    expect(top).toBeLessThanOrEqual(140);
    expect(top).toBeGreaterThanOrEqual(135);
    expect(left + width).toBeGreaterThanOrEqual(260);
    expect(top + height).toBeGreaterThanOrEqual(180);
    expect(width).toBeLessThan(75);
    expect(height).toBeLessThan(55);
  });

  it('uses the border colour as the background, not only white', async () => {
    const product = await sharp({ create: { width: 50, height: 50, channels: 3, background: '#ffffff' } }).png().toBuffer();
    const photo = await sharp({ create: { width: 200, height: 200, channels: 3, background: '#202020' } })
      .composite([{ input: product, left: 20, top: 100 }])
      .png()
      .toBuffer();
    const found = findProductBox(await rgb(photo));
    expect(found.plainBackground).toBe(true);
    expect(found.background).toEqual([32, 32, 32]);
    expect(found.box.left).toBeLessThanOrEqual(20);
    expect(found.box.left + found.box.width).toBeLessThan(80);
  });

  it('keeps the whole photo when the background is busy (a scene, not a studio backdrop)', async () => {
    const width = 120;
    const height = 90;
    const noise = Buffer.alloc(width * height * 3);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 7919) % 251; // deterministic clutter
    const photo = await sharp(noise, { raw: { width, height, channels: 3 } }).png().toBuffer();
    const found = findProductBox(await rgb(photo));
    expect(found.plainBackground).toBe(false);
    expect(found.box).toEqual({ left: 0, top: 0, width, height });
  });
});
