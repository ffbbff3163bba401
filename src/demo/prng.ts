/**
 * A small seeded pseudo-random generator (mulberry32) so the demo catalog is identical for the same seed
 * on every machine. Not for anything security related.
 */
import { mulberry32 } from '../util/seeded-random.js';

export class Rng {
  private readonly step: () => number;

  constructor(seed: number) {
    // Spread small seeds (0, 1, 2...) over the state space so neighbouring seeds give unrelated streams.
    this.step = mulberry32((Math.imul(seed | 0, 0x9e3779b1) ^ 0x85ebca6b) >>> 0);
  }

  /** A float in [0, 1). */
  next(): number {
    return this.step();
  }

  /** A float in [min, max). */
  float(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** An integer in [min, max], both ends included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Rng.pick needs at least one item');
    return items[Math.floor(this.next() * items.length)];
  }

  /** Picks by weight; weights need not sum to 1. */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    const total = items.reduce((sum, [, w]) => sum + w, 0);
    let r = this.next() * total;
    for (const [item, w] of items) {
      r -= w;
      if (r < 0) return item;
    }
    return items[items.length - 1][0];
  }

  /** A new shuffled copy (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }

  /** An independent generator derived from this one, so adding draws in one place does not shift another. */
  fork(): Rng {
    return new Rng(Math.floor(this.next() * 2 ** 31));
  }
}
