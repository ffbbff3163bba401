/**
 * Shadows that seat the product in the scene, drawn into the backdrop at draw resolution as a
 * multiplicative darkening (so a shadow takes the backdrop's own hue, as real shadows do).
 * - contact: a dark line along a standing product's base plus a wide faint ellipse around it;
 * - drop: a blurred, offset copy of the product's own silhouette, for flat-lay staging.
 */
import sharp from 'sharp';
import type { ProductBox } from './placement.js';
import type { DrawBuffer } from './scene.js';

/** Straight alpha of the product (one byte per pixel), as it will be placed in its box. */
export interface AlphaImage {
  data: Buffer;
  width: number;
  height: number;
}

/**
 * A standing product's shadow: a dark line hugging the product's actual base (per column, its lowest opaque
 * pixel, so a shoe's heel and toe each get their own contact) plus a wide faint ellipse of ambient occlusion.
 * `box` in output pixels; `darkness` 0..1 scales both (shadows show less on dark backdrops).
 */
export async function addContactShadow(buf: DrawBuffer, box: ProductBox, alpha: AlphaImage, darkness: number): Promise<void> {
  const s = buf.scale;
  const w = Math.max(1, Math.round(box.width * s));
  const h = Math.max(1, Math.round(box.height * s));
  const small = await sharp(alpha.data, { raw: { width: alpha.width, height: alpha.height, channels: 1 } }).resize(w, h, { fit: 'fill' }).extractChannel(0).raw().toBuffer();
  const blur = Math.max(1, 0.02 * h);
  const pad = Math.ceil(3 * blur) + 2;
  const lw = w + 2 * pad;
  const lh = h + 2 * pad;
  const line = Buffer.alloc(lw * lh);
  const thickness = Math.max(1, Math.round(0.012 * h));
  let baseSum = 0;
  let baseCount = 0;
  for (let x = 0; x < w; x++) {
    let base = -1;
    for (let y = h - 1; y >= 0; y--) {
      if (small[y * w + x] > 128) {
        base = y;
        break;
      }
    }
    if (base < 0) continue;
    baseSum += base;
    baseCount++;
    for (let t = -1; t <= thickness; t++) line[(base + t + pad) * lw + x + pad] = 255;
  }
  const soft = await sharp(line, { raw: { width: lw, height: lh, channels: 1 } }).blur(blur).extractChannel(0).raw().toBuffer();
  const offX = Math.round(box.left * s) - pad;
  const offY = Math.round(box.top * s) - pad;
  for (let y = 0; y < lh; y++) {
    for (let x = 0; x < lw; x++) {
      const v = soft[y * lw + x];
      if (v) darkenAt(buf, x + offX, y + offY, 0.55 * darkness * (v / 255));
    }
  }
  // Ambient occlusion: a wide, faint ellipse centred on the average base line.
  const cx = (box.left + box.width / 2) * s;
  const cy = (baseCount ? box.top * s + baseSum / baseCount : (box.top + box.height) * s) + 0.01 * h;
  const rx = 0.6 * w;
  const ry = Math.max(3, 0.08 * h);
  for (let y = Math.floor(cy - 2 * ry); y <= Math.ceil(cy + 2 * ry); y++) {
    for (let x = Math.floor(cx - 2 * rx); x <= Math.ceil(cx + 2 * rx); x++) {
      const d2 = ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2;
      darkenAt(buf, x, y, 0.2 * darkness * Math.exp(-2.2 * d2));
    }
  }
}

/**
 * `alpha` is the product's straight alpha (width × height, one byte per pixel) as it will be placed in `box`.
 * The shadow falls down and slightly right, as from a key light above-left.
 */
export async function addDropShadow(buf: DrawBuffer, box: ProductBox, alpha: AlphaImage, darkness: number): Promise<void> {
  const s = buf.scale;
  const w = Math.max(1, Math.round(box.width * s));
  const h = Math.max(1, Math.round(box.height * s));
  const blur = Math.max(1, 0.035 * Math.max(w, h));
  const pad = Math.ceil(3 * blur);
  const shadow = await sharp(alpha.data, { raw: { width: alpha.width, height: alpha.height, channels: 1 } })
    .resize(w, h, { fit: 'fill' })
    .extend({ top: pad, bottom: pad, left: pad, right: pad, background: { r: 0, g: 0, b: 0 } })
    .blur(blur)
    .extractChannel(0)
    .raw()
    .toBuffer();
  const offX = Math.round(box.left * s + 0.015 * h) - pad;
  const offY = Math.round(box.top * s + 0.03 * h) - pad;
  const sw = w + 2 * pad;
  const sh = h + 2 * pad;
  for (let y = 0; y < sh; y++) {
    for (let x = 0; x < sw; x++) darkenAt(buf, x + offX, y + offY, 0.42 * darkness * (shadow[y * sw + x] / 255));
  }
}

/** Multiplies one draw pixel by (1 − amount); pixels outside the buffer are ignored. */
function darkenAt(buf: DrawBuffer, x: number, y: number, amount: number): void {
  if (x < 0 || y < 0 || x >= buf.width || y >= buf.height) return;
  const f = 1 - amount;
  const i = (y * buf.width + x) * 3;
  buf.data[i] *= f;
  buf.data[i + 1] *= f;
  buf.data[i + 2] *= f;
}
