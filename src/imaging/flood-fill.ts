/**
 * The one flood fill of the pixel code: a breadth-first flood over a width × height grid, 4- or 8-connected,
 * that spreads step by step from its seeds into the pixels a predicate admits. Connected components, holes,
 * hysteresis thresholds, the backdrop-shadow flood and its reach limits are all built on it.
 */

/** 4: left, right, up, down. 8: the diagonals too. */
export type Connectivity = 4 | 8;

/** Neighbour steps: the four sides, then the four corners (8-connected only). */
const DX = Int8Array.of(-1, 1, 0, 0, -1, 1, -1, 1);
const DY = Int8Array.of(0, 0, -1, 1, -1, -1, 1, 1);

export class Flood {
  /** 1 for every pixel reached so far. */
  readonly reached: Uint8Array;
  /** The reached pixels, in the order they were reached. */
  private readonly queue: Int32Array;
  private head = 0;
  private tail = 0;

  constructor(readonly width: number, readonly height: number) {
    this.reached = new Uint8Array(width * height);
    this.queue = new Int32Array(width * height);
  }

  /** How many pixels have been reached. */
  get count(): number {
    return this.tail;
  }

  /** The index of the `k`-th pixel reached (0-based). */
  at(k: number): number {
    return this.queue[k];
  }

  /** Marks pixel `p` reached (nothing when it already is); the next spread goes on from it. */
  seed(p: number): this {
    if (!this.reached[p]) {
      this.reached[p] = 1;
      this.queue[this.tail++] = p;
    }
    return this;
  }

  /** Seeds every pixel of the outermost rows and columns where `admit` is non-zero. */
  seedBorder(admit: Uint8Array): this {
    const { width, height } = this;
    const n = width * height;
    for (let x = 0; x < width; x++) {
      if (admit[x]) this.seed(x);
      if (admit[n - width + x]) this.seed(n - width + x);
    }
    for (let y = 0; y < height; y++) {
      if (admit[y * width]) this.seed(y * width);
      if (admit[y * width + width - 1]) this.seed(y * width + width - 1);
    }
    return this;
  }

  /**
   * Spreads from the pixels not yet spread from, one step at a time (a step goes one pixel out from every pixel
   * of the step before), into each neighbour `q` that `admit` accepts: a mask (admitted where non-zero, the fast
   * path) or a rule `admit(q, from)` given the pixel it steps from. Stops after `steps` steps or when nothing new
   * is reached. Which pixels are reached never depends on the visiting order.
   */
  spread(connectivity: Connectivity, admit: Uint8Array | ((q: number, from: number) => boolean), steps = Infinity): this {
    const { width, height, reached, queue } = this;
    const mask = typeof admit === 'function' ? undefined : admit;
    const rule = typeof admit === 'function' ? admit : undefined;
    const neighbours = connectivity === 8 ? 8 : 4;
    let head = this.head;
    let tail = this.tail;
    for (let step = 0; step < steps && head < tail; step++) {
      const end = tail;
      for (; head < end; head++) {
        const p = queue[head];
        const x = p % width;
        const y = (p - x) / width;
        for (let k = 0; k < neighbours; k++) {
          const nx = x + DX[k];
          const ny = y + DY[k];
          if (nx < 0 || nx >= width || ny < 0 || ny >= height) continue;
          const q = ny * width + nx;
          if (reached[q]) continue;
          if (mask !== undefined ? mask[q] === 0 : !rule!(q, p)) continue;
          reached[q] = 1;
          queue[tail++] = q;
        }
      }
    }
    this.head = head;
    this.tail = tail;
    return this;
  }

  /** Makes the next spread start again from every pixel reached so far (to go on under another rule). */
  restart(): this {
    this.head = 0;
    return this;
  }
}

export interface Components {
  /** Component id per pixel (0 = not in the mask, ids from 1 in the order of each component's first pixel). */
  labels: Int32Array;
  /** areas[id] = pixel count; areas[0] is unused. */
  areas: number[];
}

/**
 * Connected components of the set pixels (8-connected unless told otherwise). With `levels`, neighbours join
 * only when their levels are equal (areas of one luma band).
 */
export function labelComponents(mask: Uint8Array, width: number, height: number, options: { connectivity?: Connectivity; levels?: Int32Array } = {}): Components {
  const labels = new Int32Array(width * height);
  const areas = [0];
  const flood = new Flood(width, height);
  const { reached } = flood;
  const { levels } = options;
  const admit = levels ? (q: number, p: number) => mask[q] !== 0 && levels[q] === levels[p] : mask;
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || reached[start]) continue;
    const first = flood.count;
    flood.seed(start).spread(options.connectivity ?? 8, admit);
    const id = areas.length;
    for (let k = first; k < flood.count; k++) labels[flood.at(k)] = id;
    areas.push(flood.count - first);
  }
  return { labels, areas };
}

/**
 * Holes: unset pixels that cannot reach the image border through unset pixels (4-connected, so the
 * background cannot leak through a diagonal gap in the outline), labelled as 8-connected components.
 */
export function labelHoles(mask: Uint8Array, width: number, height: number): Components {
  const unset = new Uint8Array(mask.length);
  for (let p = 0; p < mask.length; p++) unset[p] = mask[p] ? 0 : 1;
  const outside = new Flood(width, height).seedBorder(unset).spread(4, unset).reached;
  const holes = new Uint8Array(width * height);
  for (let p = 0; p < holes.length; p++) holes[p] = unset[p] && !outside[p] ? 1 : 0;
  return labelComponents(holes, width, height);
}
