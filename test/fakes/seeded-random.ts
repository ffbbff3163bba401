/** Small deterministic randomness for the fake server: the same seed gives the same sequence. */
import { createHash } from 'node:crypto';

/** mulberry32: a tiny, fast 32-bit PRNG; returns numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit seed from any text (sha256 prefix). */
export function seedFromText(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0);
}
