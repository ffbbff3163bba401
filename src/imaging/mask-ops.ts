/** Binary-mask operations for the cut-out: dilation and erosion, edge contact, bounding box (components and holes: flood-fill.ts). Masks hold 0 or 1. */

/** 3 × 3 dilation: set where any pixel of the 3 × 3 neighbourhood is set. */
export function dilateMask(mask: Uint8Array, width: number, height: number): Uint8Array {
  const out = new Uint8Array(mask.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!mask[y * width + x]) continue;
      for (let ny = Math.max(0, y - 1); ny <= Math.min(height - 1, y + 1); ny++) {
        for (let nx = Math.max(0, x - 1); nx <= Math.min(width - 1, x + 1); nx++) out[ny * width + nx] = 1;
      }
    }
  }
  return out;
}

/** 3 × 3 erosion: set where the whole 3 × 3 neighbourhood is set (outside the image counts as set). */
export function erodeMask(mask: Uint8Array, width: number, height: number): Uint8Array {
  const out = new Uint8Array(mask.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let all = 1;
      for (let ny = Math.max(0, y - 1); ny <= Math.min(height - 1, y + 1) && all; ny++) {
        for (let nx = Math.max(0, x - 1); nx <= Math.min(width - 1, x + 1); nx++) {
          if (!mask[ny * width + nx]) {
            all = 0;
            break;
          }
        }
      }
      out[y * width + x] = all;
    }
  }
  return out;
}

export interface EdgeContact {
  top: number;
  bottom: number;
  left: number;
  right: number;
  /** Share of the whole perimeter. */
  perimeter: number;
}

/** Share of each outermost row/column that is set. */
export function edgeContact(mask: Uint8Array, width: number, height: number): EdgeContact {
  let top = 0;
  let bottom = 0;
  let left = 0;
  let right = 0;
  for (let x = 0; x < width; x++) {
    top += mask[x];
    bottom += mask[(height - 1) * width + x];
  }
  for (let y = 0; y < height; y++) {
    left += mask[y * width];
    right += mask[y * width + width - 1];
  }
  return {
    top: top / width,
    bottom: bottom / width,
    left: left / height,
    right: right / height,
    perimeter: (top + bottom + left + right) / (2 * (width + height)),
  };
}

export interface PixelBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Bounding box of the pixels above `minValue`; null when there are none. */
export function maskBBox(values: ArrayLike<number>, width: number, height: number, minValue = 0): PixelBox | null {
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (values[y * width + x] <= minValue) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  return x1 < 0 ? null : { left: x0, top: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}
