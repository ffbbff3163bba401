/** How the product is staged in the scene; it decides placement, floor and shadow. */
import type { ProductKind } from '../../../search/product-kind.js';

/**
 * standing: on a studio floor with a contact shadow (shoes, bags).
 * flat: lying on / floating in front of the backdrop with a soft drop shadow (flat-lay garments, accessories, framed cards).
 * cropped: the photo cuts the subject at the bottom edge (a model shot), so it stays flush with the bottom of the frame.
 */
export type Staging = 'standing' | 'flat' | 'cropped';

/** A cut-out touching more than this share of the photo's bottom edge was cut by the frame there. */
export const CROPPED_BOTTOM_SHARE = 0.15;

export function chooseStaging(kind: ProductKind, bottomContact: number): Staging {
  if (bottomContact > CROPPED_BOTTOM_SHARE) return 'cropped';
  return kind === 'footwear' || kind === 'bag' ? 'standing' : 'flat';
}
