/**
 * The fallback when the product cannot be cut out reliably: the whole product photo as a framed card
 * (white border, rounded corners), which the compositor places and shadows like a flat-lay product.
 * It shows the product honestly instead of a torn cut-out.
 */
import { decodeRgb } from '../../../imaging/decode.js';

export interface RgbaImage {
  rgba: Buffer;
  width: number;
  height: number;
}

export async function framedCard(bytes: Buffer, maxSide = 2048): Promise<RgbaImage> {
  const { data, ...info } = await decodeRgb(bytes, maxSide);
  const border = Math.max(2, Math.round(0.04 * Math.min(info.width, info.height)));
  const radius = Math.max(2, Math.round(0.035 * Math.min(info.width, info.height)));
  const width = info.width + 2 * border;
  const height = info.height + 2 * border;
  const rgba = Buffer.alloc(width * height * 4, 255);
  for (let y = 0; y < info.height; y++) {
    for (let x = 0; x < info.width; x++) {
      const from = (y * info.width + x) * 3;
      const to = ((y + border) * width + x + border) * 4;
      rgba[to] = data[from];
      rgba[to + 1] = data[from + 1];
      rgba[to + 2] = data[from + 2];
    }
  }
  roundCorners(rgba, width, height, radius);
  return { rgba, width, height };
}

/** Anti-aliased rounded corners in the alpha channel. */
function roundCorners(rgba: Buffer, width: number, height: number, r: number): void {
  for (let y = 0; y < r; y++) {
    for (let x = 0; x < r; x++) {
      const d = Math.hypot(r - x - 0.5, r - y - 0.5);
      const a = Math.round(255 * Math.max(0, Math.min(1, r - d + 0.5)));
      for (const [cx, cy] of [[x, y], [width - 1 - x, y], [x, height - 1 - y], [width - 1 - x, height - 1 - y]]) {
        rgba[(cy * width + cx) * 4 + 3] = a;
      }
    }
  }
}
