/** The StyleAnalyzer port: reference hit images + product context → style brief. */
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
  signal?: AbortSignal;
}

export interface StyleAnalyzer extends AdapterInfo {
  analyze(request: AnalyzeRequest): Promise<StyleBrief>;
}
