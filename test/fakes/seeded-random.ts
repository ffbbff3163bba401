/** Small deterministic randomness for the fake server: the same seed gives the same sequence. */
import { createHash } from 'node:crypto';

export { mulberry32 as seededRandom } from '../../src/util/seeded-random.js';

/** A 32-bit seed from any text (sha256 prefix). */
export function seedFromText(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0);
}
