/**
 * The SVG of one new product's flat-lay photo: the product alone, centred, on a plain near-white or light
 * grey background. The background stays one flat colour so a colour-distance cut-out works.
 */
import type { NewProductPlan } from '../catalog-plan.js';
import { Rng } from '../prng.js';
import { drawProduct } from './draw-product.js';
import type { FrameSize } from './scenes.js';

export const FLAT_LAY_SIZE: FrameSize = { width: 800, height: 800 };

const BACKGROUNDS = ['#f5f4f1', '#f1f0ed', '#f3f1ec', '#ebebec', '#eeeeec'];

export function flatLaySvg(item: Pick<NewProductPlan, 'look' | 'artSeed'>, size = FLAT_LAY_SIZE): string {
  const rng = new Rng(item.artSeed);
  const art = drawProduct(item.look, 'product', { flat: true });
  const background = rng.pick(BACKGROUNDS);
  // The product's longer side takes 70–78% of the frame, turned a few degrees as if laid by hand.
  const scale = (Math.min(size.width, size.height) * rng.float(0.7, 0.78)) / Math.max(art.width, art.height);
  const angle = rng.float(-5, 5);
  const cx = size.width / 2;
  const cy = size.height / 2;
  const place = (dx: number, dy: number) =>
    `translate(${(cx + dx).toFixed(1)} ${(cy + dy).toFixed(1)}) rotate(${angle.toFixed(2)}) scale(${scale.toFixed(4)}) ` +
    `translate(${(-art.width / 2).toFixed(1)} ${(-art.height / 2).toFixed(1)})`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size.width}" height="${size.height}" viewBox="0 0 ${size.width} ${size.height}">` +
    `<defs>${art.defs}` +
    `<filter id="flat-shadow" x="-10%" y="-10%" width="120%" height="120%"><feGaussianBlur stdDeviation="6"/></filter></defs>` +
    `<rect width="${size.width}" height="${size.height}" fill="${background}"/>` +
    // A faint drop shadow, as from a soft overhead light.
    `<g transform="${place(5, 8)}" filter="url(#flat-shadow)"><path d="${art.silhouette}" fill="#000" opacity="0.1"/></g>` +
    `<g transform="${place(0, 0)}">${art.body}</g></svg>`
  );
}
