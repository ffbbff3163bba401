/**
 * What each Gemini image model on OpenRouter accepts (reference/openrouter.md): aspect ratios, size
 * tiers, how many input images, and the price per image by tier. The generator validates every request
 * against this table before sending, so a wrong option costs nothing.
 */
import { ASPECT_RATIOS, EXTREME_ASPECT_RATIOS, SIZE_TIERS, type AspectRatio, type SizeTier } from '../../core/output-sizes.js';
import { OPENROUTER_MODELS as M, baseModelId } from './models.js';
import { PRICES_2026 } from './pricing.js';

export interface ImageModelCapabilities {
  model: string;
  /** A short human name for messages. */
  label: string;
  aspectRatios: readonly AspectRatio[];
  sizeTiers: readonly SizeTier[];
  /** Most input images in one request (product photo included). */
  maxInputImages: number;
  /** Google's split of the input limit, for the record: object images and character (person) images. */
  objectImages?: number;
  characterImages?: number;
  /** USD per image by tier (list price). */
  pricePerImage: Partial<Record<SizeTier, number>>;
  /** False for models not in the table (their limits are guesses). */
  known: boolean;
}

const STANDARD_ASPECTS = ASPECT_RATIOS.filter((a) => !EXTREME_ASPECT_RATIOS.includes(a));

export const IMAGE_MODEL_CAPABILITIES: Readonly<Record<string, ImageModelCapabilities>> = {
  [M.nanoBanana2]: {
    model: M.nanoBanana2,
    label: 'Nano Banana 2',
    aspectRatios: ASPECT_RATIOS,
    sizeTiers: SIZE_TIERS,
    maxInputImages: 14,
    objectImages: 10,
    characterImages: 4,
    pricePerImage: PRICES_2026[M.nanoBanana2].perImage!,
    known: true,
  },
  [M.nanoBananaPro]: {
    model: M.nanoBananaPro,
    label: 'Nano Banana Pro',
    aspectRatios: STANDARD_ASPECTS,
    sizeTiers: ['1K', '2K', '4K'],
    maxInputImages: 11,
    objectImages: 6,
    characterImages: 5,
    pricePerImage: PRICES_2026[M.nanoBananaPro].perImage!,
    known: true,
  },
  [M.nanoBanana]: {
    model: M.nanoBanana,
    label: 'Nano Banana (first generation)',
    aspectRatios: STANDARD_ASPECTS,
    sizeTiers: ['1K'],
    // Google documents best results with up to 3 input images for this model.
    maxInputImages: 3,
    pricePerImage: PRICES_2026[M.nanoBanana].perImage!,
    known: true,
  },
};

/** The table entry for a model id; unknown models get conservative limits and `known: false`. */
export function imageModelCapabilities(model: string): ImageModelCapabilities {
  const known = IMAGE_MODEL_CAPABILITIES[baseModelId(model)];
  if (known) return { ...known, model };
  return {
    model,
    label: model,
    aspectRatios: STANDARD_ASPECTS,
    sizeTiers: ['1K', '2K', '4K'],
    maxInputImages: 14,
    pricePerImage: {},
    known: false,
  };
}
