/** Draws any demo product from its look. */
import type { ProductLook } from '../product-look.js';
import { drawCardigan } from './cardigan.js';
import { drawDress } from './dress.js';
import { drawHandbag } from './handbag.js';
import type { ProductArt } from './product-art.js';
import { drawSneakers } from './sneakers.js';
import { drawTshirt } from './tshirt.js';

export interface DrawOptions {
  /** Laid flat for a flat-lay photo: nothing worn under it, the garment's own back shows through openings. */
  flat?: boolean;
}

export function drawProduct(look: ProductLook, idPrefix: string, options: DrawOptions = {}): ProductArt {
  switch (look.category) {
    case 'midi_dress':
      return drawDress(look, idPrefix);
    case 'knit_cardigan':
      return drawCardigan(look, idPrefix, options.flat ?? false);
    case 'tshirt':
      return drawTshirt(look, idPrefix);
    case 'sneakers':
      return drawSneakers(look, idPrefix);
    case 'handbag':
      return drawHandbag(look, idPrefix);
  }
}
