/**
 * The Embedder port: images (and text, where the model can) → dense vectors of a fixed dimension. Every
 * adapter passes test/contract/embedder.contract.ts.
 */
import type { AdapterInfo } from './adapter-info.js';

export interface Embedder extends AdapterInfo {
  readonly dimension: number;
  /** Whether it embeds text (`embedTexts`) into the same space as images. */
  readonly supportsText: boolean;
  /**
   * Encoded image files (JPEG, PNG, WebP) → one L2-normalised vector of `dimension` per image, in input
   * order however the adapter batches. An unreadable image fails the whole call (a UserInputError naming
   * "image i of n") rather than being skipped. No images: an empty list, without a call to any backend.
   */
  embedImages(images: readonly Buffer[], options?: EmbedOptions): Promise<Float32Array[]>;
  /** Only when `supportsText`: the same rules as `embedImages`, into the same space (dimension, unit norm). */
  embedTexts?(texts: readonly string[], options?: EmbedOptions): Promise<Float32Array[]>;
  /** Frees models or connections. Safe to call twice. */
  close?(): Promise<void>;
}

export interface EmbedOptions {
  /** Aborting it rejects the call with the signal's reason (an AbortError); an aborted call gives no vectors. */
  signal?: AbortSignal;
}
