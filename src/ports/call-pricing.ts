/**
 * The CallPricing port: what a paid provider's calls cost, for budgets and dry runs. The batch engine knows
 * no provider's wire format or price list; it asks this port what a call can cost at worst before it is
 * sent, and what the answer says it cost after.
 */
import type { SizeTier } from '../core/output-sizes.js';
import type { PaidStage } from '../core/usage.js';

/** What is known of a stage call before the adapter builds its request. */
export interface CallShape {
  /** Images sent with the call. */
  images: number;
  /** Characters of text sent: an upper bound on its tokens. */
  textChars: number;
  /** The size of the image asked for (generation). */
  imageSize?: SizeTier;
  /** The output tokens the call may use; the provider's usual bound when absent. */
  maxOutputTokens?: number;
}

/** The exact request about to go over the wire, priced. */
export interface PricedRequest {
  /** The model the request names, when it names one. */
  model?: string;
  /** The most it can cost; 0 for a free request (a model list); undefined when a price it needs is unknown. */
  worstUsd: number | undefined;
}

export interface CallPricing {
  /** The most one attempt of a stage call to `model` can cost; undefined when its price is unknown. */
  worstCase(stage: PaidStage, model: string, shape: CallShape): number | undefined;
  /** What such a call usually costs (dry-run estimates); undefined when its price is unknown. */
  typical(stage: PaidStage, model: string, shape: CallShape): number | undefined;
  /** Prices the HTTP request about to be sent, from its URL path and JSON body. */
  ofRequest(urlPath: string, body: string | undefined): PricedRequest;
  /** What an answer body says the call cost; undefined when it does not say. */
  costOfAnswer(body: Uint8Array): number | undefined;
}

/** No prices at all: every paid call's cost is unknown (so a budget refuses it). */
export const UNKNOWN_PRICES: CallPricing = {
  worstCase: () => undefined,
  typical: () => undefined,
  ofRequest: () => ({ worstUsd: undefined }),
  costOfAnswer: () => undefined,
};
