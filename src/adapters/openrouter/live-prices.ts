/**
 * Prices for a budgeted run: the built-in table, refreshed with token prices from GET /models (a free
 * call) when it answers; and the check, before anything is paid, that every cloud stage's model has a
 * price, since a call whose worst case is unknown cannot be held to a budget.
 */
import type { OpenRouterClient } from './client.js';
import { createPriceTable, pricesFromModels } from './pricing.js';
import type { PaidStage } from './usage.js';
import type { SizeTier } from '../../core/output-sizes.js';
import { UserInputError } from '../../core/errors.js';
import { imageModelTokenPrices, worstCaseUsd, type CallPrices } from './call-price.js';

export interface LivePrices {
  prices: CallPrices;
  /** "GET /models" or "the built-in 2026 table (GET /models failed: …)". */
  source: string;
}

export async function livePrices(client: Pick<OpenRouterClient, 'listModels'>): Promise<LivePrices> {
  try {
    const models = await client.listModels({ maxRetries: 1, timeoutMs: 15_000 });
    return { prices: { table: createPriceTable(pricesFromModels(models)), imageModelTokens: imageModelTokenPrices(models) }, source: 'GET /models' };
  } catch (e) {
    return { prices: { table: createPriceTable() }, source: `the built-in 2026 table (GET /models failed: ${(e as Error).message})` };
  }
}

/** Throws a UserInputError naming the first cloud stage whose model has no price. */
export function requirePrices(stageModels: Partial<Record<PaidStage, string>>, prices: CallPrices, tier: SizeTier): void {
  const probe = { images: 1, textChars: 100 };
  for (const [stage, model] of Object.entries(stageModels) as Array<[PaidStage, string]>) {
    const worst =
      stage === 'generate'
        ? worstCaseUsd({ endpoint: 'chat', model, wantsImage: true, imageSize: tier, ...probe }, prices)
        : worstCaseUsd({ endpoint: stage === 'embed' ? 'embeddings' : 'chat', model, wantsImage: false, maxTokens: 1, ...probe }, prices);
    if (worst === undefined) {
      throw new UserInputError(`--budget needs the price of ${model} (the ${stage} stage${stage === 'generate' ? ` at ${tier}` : ''}), and neither hitline's price table nor GET /models has it.`, {
        hint: 'Choose a model with a listed price (hitline doctor lists them), or run without --budget.',
      });
    }
  }
}
