/**
 * The ImageGenerator port: product image + reference images + prompt + aspect ratio + size tier → images.
 * Every adapter passes test/contract/image-generator.contract.ts.
 */
import type { NewProduct } from '../core/product.js';
import type { ReferenceImage } from './style-analyzer.js';
import type { StyleBrief } from '../core/style-brief.js';
import type { AspectRatio, SizeTier } from '../core/output-sizes.js';
import type { FractionBox } from '../core/geometry.js';
import type { AdapterInfo } from './adapter-info.js';

export interface GenerateRequest {
  product: NewProduct;
  /** The new product's photo (usually a flat lay), as file bytes. */
  productImage: Buffer;
  /** Best match first. */
  references: readonly ReferenceImage[];
  brief: StyleBrief;
  /** The full prompt (see pipeline/generation-prompt.ts). */
  prompt: string;
  aspectRatio: AspectRatio;
  sizeTier: SizeTier;
  /** 1-based variant number, so repeated requests are distinct and cacheable. */
  variant: number;
  /** Aborting it rejects the call with the signal's reason (an AbortError), and no image comes back. */
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

/** Staged mode by an adapter that composites the real product: it draws the scene and places the cut-out. */
export interface StagedGenerateRequest {
  product: NewProduct;
  productImage: Buffer;
  /** Best match first; the scene is built from them. */
  references: readonly ReferenceImage[];
  brief: StyleBrief;
  /** The exact pixels wanted (the adapter draws at the preset's own size: nothing to fit afterwards). */
  width: number;
  height: number;
  variant: number;
  signal?: AbortSignal;
}

export interface StagedGenerateResult {
  image: GeneratedImage;
  /** Where the product was placed: known exactly, since the adapter placed it. */
  productBox: FractionBox;
}

export interface ImageGenerator extends AdapterInfo {
  readonly supportedAspectRatios: readonly AspectRatio[];
  readonly supportedSizeTiers: readonly SizeTier[];
  /**
   * Most reference images one request takes beside the product photo: the first ones (best first) are
   * taken, any after them ignored, never an error.
   */
  readonly maxReferenceImages: number;
  /**
   * True when every output is the real product photo composited into a scene (the offline compositor), not a
   * picture a model drew: such outputs are tagged compositeSynthetic rather than trainedAlgorithmicMedia.
   */
  readonly compositesRealProduct: boolean;
  /**
   * Images of exactly outputSize(aspectRatio, sizeTier) pixels (a model that answers another size anyway is
   * named in the image's warnings, and the pipeline fits it). An aspect ratio or tier the adapter does not
   * declare is refused with a UserInputError before any work (nothing is paid for). An answer without an
   * image throws NoImageGeneratedError (core/errors.ts), whatever the adapter.
   */
  generate(request: GenerateRequest): Promise<GenerateResult>;
  /**
   * Staged mode done by the adapter itself (scene first, then the real cut-out placed into it), offered by
   * adapters that composite the real product (so offering it means declaring `compositesRealProduct`).
   * Absent: the pipeline stages with two `generate` calls. The image is exactly `width` × `height`.
   * Call it only with a product photo whose cut-out is reliable.
   */
  generateStaged?(request: StagedGenerateRequest): Promise<StagedGenerateResult>;
}
