/** The SVG of one hit's promo photo: its scene, the product staged in it, and the scene's light over both. */
import type { HitPlan } from '../catalog-plan.js';
import { Rng } from '../prng.js';
import { drawProduct } from './draw-product.js';
import { drawScene, type FrameSize } from './scenes.js';
import { stageProduct } from './stage.js';

export const HIT_IMAGE_SIZE: FrameSize = { width: 768, height: 1024 };

export function hitImageSvg(hit: Pick<HitPlan, 'look' | 'scene' | 'display' | 'artSeed'>, size = HIT_IMAGE_SIZE): string {
  const rng = new Rng(hit.artSeed);
  const scene = drawScene(hit.scene, rng.fork(), size);
  const art = drawProduct(hit.look, 'product');
  const staged = stageProduct(art, hit.display, scene, rng.fork(), size);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size.width}" height="${size.height}" viewBox="0 0 ${size.width} ${size.height}">` +
    `<defs>${scene.defs}${art.defs}${staged.defs}</defs>${scene.background}${staged.svg}${scene.foreground}</svg>`
  );
}
