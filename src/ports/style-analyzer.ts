/**
 * The StyleAnalyzer port: reference hit images + product context → style brief. Every adapter passes
 * test/contract/style-analyzer.contract.ts.
 */
import type { NewProduct } from '../core/product.js';
import type { ProductRecord } from './vector-store.js';
import type { StyleBrief } from '../core/style-brief.js';
import type { AdapterInfo } from './adapter-info.js';

export interface ReferenceImage {
  product: ProductRecord;
  /** The image file's bytes. */
  bytes: Buffer;
}

export interface AnalyzeRequest {
  product: NewProduct;
  /** Best match first. */
  references: readonly ReferenceImage[];
  /** Aborting it rejects the call with the signal's reason (an AbortError), and no brief comes back. */
  signal?: AbortSignal;
  /** Receives what the adapter had to normalise in a loose but usable answer, for the run's warnings. */
  onWarning?: (message: string) => void;
}

export interface StyleAnalyzer extends AdapterInfo {
  /** A brief that passes the brief's schema (core/style-brief.ts). No references: a HitlineError with a hint. */
  analyze(request: AnalyzeRequest): Promise<StyleBrief>;
}
