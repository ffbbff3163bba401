/** The Embedder port: images (and text, where the model can) → dense vectors of a fixed dimension. */
import type { AdapterInfo } from './adapter-info.js';

export interface Embedder extends AdapterInfo {
  readonly dimension: number;
  /** Whether it embeds text (`embedTexts`) into the same space as images. */
  readonly supportsText: boolean;
  /** Encoded image files (JPEG, PNG, WebP) → one L2-normalised vector per image, in order. Throws rather than skip. */
  embedImages(images: readonly Buffer[], options?: EmbedOptions): Promise<Float32Array[]>;
  /** Only when `supportsText`. */
  embedTexts?(texts: readonly string[], options?: EmbedOptions): Promise<Float32Array[]>;
  /** Frees models or connections. Safe to call twice. */
  close?(): Promise<void>;
}

export interface EmbedOptions {
  signal?: AbortSignal;
}
