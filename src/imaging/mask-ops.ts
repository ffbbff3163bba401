/** Binary-mask operations for the cut-out: connected components, holes, dilation and erosion, edge contact, bounding box. Masks hold 0 or 1. */

export interface Components {
  /** Component id per pixel (0 = not in the mask, ids from 1). */
  labels: Int32Array;
  /** areas[id] = pixel count; areas[0] is unused. */
  areas: number[];
}

/** 8-connected components of the set pixels. */
export function labelComponents(mask: Uint8Array, width: number, height: number): Components {
  const labels = new Int32Array(width * height);
  const areas = [0];
  const queue = new Int32Array(width * height);
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || labels[start]) continue;
    const id = areas.length;
    let head = 0;
    let tail = 0;
    queue[tail++] = start;
    labels[start] = id;
    while (head < tail) {
      const p = queue[head++];
      const x = p % width;
      const y = (p - x) / width;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width) continue;
          const q = ny * width + nx;
          if (mask[q] && !labels[q]) {
            labels[q] = id;
            queue[tail++] = q;
          }
        }
      }
    }
    areas.push(tail);
  }
  return { labels, areas };
}

/**
 * Holes: unset pixels that cannot reach the image border through unset pixels (4-connected, so the
 * background cannot leak through a diagonal gap in the outline), labelled as components.
 */
export function labelHoles(mask: Uint8Array, width: number, height: number): Components {
  const outside = new Uint8Array(width * height);
  const queue = new Int32Array(width * height);
  let tail = 0;
  const seed = (p: number) => {
    if (!mask[p] && !outside[p]) {
      outside[p] = 1;
      queue[tail++] = p;
    }
  };
  for (let x = 0; x < width; x++) {
    seed(x);
    seed((height - 1) * width + x);
  }
  for (let y = 0; y < height; y++) {
    seed(y * width);
    seed(y * width + width - 1);
  }
  for (let head = 0; head < tail; head++) {
    const p = queue[head];
    const x = p % width;
    if (x > 0) seed(p - 1);
    if (x < width - 1) seed(p + 1);
    if (p >= width) seed(p - width);
    if (p < width * (height - 1)) seed(p + width);
  }
  const holes = new Uint8Array(width * height);
  for (let p = 0; p < holes.length; p++) holes[p] = !mask[p] && !outside[p] ? 1 : 0;
  return labelComponents(holes, width, height);
}

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
