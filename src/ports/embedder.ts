/** The Embedder port: images (and text, where the model can) → dense vectors of a fixed dimension. */
export interface Embedder {
  /** Stable id of the model and its settings, recorded by the store (e.g. "local/mobilenetv2-b13-gem@1"). */
  readonly id: string;
  readonly dimension: number;
  /** Whether `embedTexts` puts text in the same space as images. */
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
