/**
 * OpenRouter's side of the CallPricing port (ports/call-pricing.ts): worst cases read from the request bodies
 * the adapters send (call-price.ts), typical costs for dry runs, and `usage.cost` read from answers. Prices
 * start from the built-in 2026 table and can be refreshed from GET /models (live-prices.ts).
 */
import type { CallPricing, CallShape } from '../../ports/call-pricing.js';
import type { PaidStage } from '../../core/usage.js';
import { createPriceTable } from './pricing.js';
import { answerCostUsd, MAX_TOKENS_PER_INPUT_IMAGE, requestFacts, worstCaseUsd, type CallPrices } from './call-price.js';

/** A typical analysis: each reference image takes ~1,300 tokens, the instruction ~1,000, the brief ~700. */
const TYPICAL_ANALYZE = { tokensPerImage: 1_300, instructionTokens: 1_000, outputTokens: 700 };

export interface OpenRouterCallPricing extends CallPricing {
  /** The prices in force. */
  readonly prices: CallPrices;
  /** Replaces the prices (e.g. with GET /models' token prices) before the first call. */
  update(prices: CallPrices): void;
}

export function createOpenRouterCallPricing(initial: CallPrices = { table: createPriceTable() }): OpenRouterCallPricing {
  let prices = initial;
  return {
    get prices() {
      return prices;
    },
    update(next) {
      prices = next;
    },
    worstCase(stage: PaidStage, model: string, shape: CallShape) {
      const endpoint = stage === 'embed' ? 'embeddings' : 'chat';
      return worstCaseUsd({ endpoint, model, wantsImage: stage === 'generate', images: shape.images, textChars: shape.textChars, imageSize: shape.imageSize, maxTokens: shape.maxOutputTokens }, prices);
    },
    typical(stage: PaidStage, model: string, shape: CallShape) {
      if (stage === 'embed') return prices.table.tokenCost(model, (shape.images * MAX_TOKENS_PER_INPUT_IMAGE) / 2, 0);
      if (stage === 'analyze') {
        return prices.table.tokenCost(model, shape.images * TYPICAL_ANALYZE.tokensPerImage + TYPICAL_ANALYZE.instructionTokens, TYPICAL_ANALYZE.outputTokens);
      }
      return prices.table.imageCost(model, shape.imageSize ?? '1K');
    },
    ofRequest(urlPath, body) {
      const facts = requestFacts(urlPath, body);
      return { model: facts.model, worstUsd: worstCaseUsd(facts, prices) };
    },
    costOfAnswer: costOf,
  };
}

/**
 * usage.cost of an answer. `usage` comes last in OpenRouter's answers, so only the tail is decoded; the
 * whole answer (megabytes of base64 image) only when the tail does not hold it.
 */
function costOf(bytes: Uint8Array): number | undefined {
  const tail = new TextDecoder().decode(bytes.subarray(Math.max(0, bytes.length - 4096)));
  const start = tail.lastIndexOf('"usage":');
  if (start !== -1 && bytes.length > 4096) {
    const cost = answerCostUsd(tail.slice(start));
    if (cost !== undefined) return cost;
  }
  return answerCostUsd(bytes.length > 4096 ? new TextDecoder().decode(bytes) : tail);
}
