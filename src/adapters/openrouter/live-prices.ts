/**
 * Prices for a budgeted run: the built-in table, refreshed with token prices from GET /models (a free
 * call) when it answers.
 */
import type { OpenRouterClient } from './client.js';
import { createPriceTable, pricesFromModels } from './pricing.js';
import { imageModelTokenPrices, type CallPrices } from './call-price.js';

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
