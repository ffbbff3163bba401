/** The ImageGenerator port: product image + reference images + prompt + aspect ratio + size tier → images. */
import type { NewProduct } from '../core/product.js';
import type { ReferenceImage } from './style-analyzer.js';
import type { StyleBrief } from '../core/style-brief.js';
import type { AspectRatio, SizeTier } from '../core/output-sizes.js';

export interface GenerateRequest {
  product: NewProduct;
  /** The new product's photo (usually a flat lay), as file bytes. */
  productImage: Buffer;
  /** Best match first. */
  references: readonly ReferenceImage[];
  brief: StyleBrief;
  /** The full prompt (see generate/prompt.ts). */
  prompt: string;
  aspectRatio: AspectRatio;
  sizeTier: SizeTier;
  /** 1-based variant number, so repeated requests are distinct and cacheable. */
  variant: number;
  signal?: AbortSignal;
}

export interface GeneratedImage {
  /** Encoded image (PNG unless `mime` says otherwise). */
  bytes: Buffer;
  mime: 'image/png' | 'image/jpeg' | 'image/webp';
  width: number;
  height: number;
  /**
   * Things the reviewer should know: e.g. the product cut-out was unreliable, or the model returned
   * a different pixel size than asked. An empty list means nothing to report.
   */
  warnings: string[];
}

export interface GenerateResult {
  images: GeneratedImage[];
  /** Text the model returned beside the images, if any. */
  text?: string;
}

export interface ImageGenerator {
  readonly id: string;
  readonly supportedAspectRatios: readonly AspectRatio[];
  readonly supportedSizeTiers: readonly SizeTier[];
  generate(request: GenerateRequest): Promise<GenerateResult>;
}
