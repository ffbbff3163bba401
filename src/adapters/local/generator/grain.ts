/**
 * A faint film-grain tile laid over the backdrop with soft-light blending: it breaks up banding in smooth
 * gradients and keeps the backdrop from looking computer-flat. Soft light leaves pure white and pure
 * black untouched, so a white e-commerce backdrop stays white.
 */
import { prng } from './variant.js';

export const GRAIN_TILE_SIDE = 128;

/** A grey tile centred on 128 with ± `amplitude` noise (deterministic per seed), as 3-channel raw bytes. */
export function grainTile(seed: number, amplitude = 10): Buffer {
  const rand = prng(seed * 7919 + 17);
  const tile = Buffer.alloc(GRAIN_TILE_SIDE * GRAIN_TILE_SIDE * 3);
  for (let i = 0; i < tile.length; i += 3) {
    // Sum of three uniforms: a cheap bell-shaped noise.
    const n = (rand() + rand() + rand() - 1.5) / 1.5;
    tile[i] = tile[i + 1] = tile[i + 2] = Math.max(0, Math.min(255, Math.round(128 + amplitude * n)));
  }
  return tile;
}
