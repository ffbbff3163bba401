/**
 * The VisionChecker port: a delivered image + the product photo → is it the same product, is anything there
 * that must not be. Every adapter passes test/contract/vision-checker.contract.ts.
 */
import type { AdapterInfo } from './adapter-info.js';

export interface VisionCheckRequest {
  /** The new product's photo. */
  productImage: Buffer;
  /** The delivered image. */
  output: Buffer;
  presetId: string;
  /** Text hitline drew on purpose (so it is not reported as stray text). */
  drawnText: readonly string[];
  /** Aborting it rejects the call with the signal's reason (an AbortError), and no verdict comes back. */
  signal?: AbortSignal;
  /** Receives what the adapter had to normalise in a loose but usable answer, for the image's warnings. */
  onWarning?: (message: string) => void;
}

export interface VisionVerdict {
  sameProduct: boolean;
  labelOrTagVisible: boolean;
  extraItems: boolean;
  garbledText: boolean;
  /** The model's one-line reason. */
  notes: string;
}

export interface VisionChecker extends AdapterInfo {
  /** The verdict; an answer it cannot read as one throws a retryable HitlineError (another attempt may answer). */
  check(request: VisionCheckRequest): Promise<VisionVerdict>;
}
