import { describe, expect, it } from 'vitest';
import { imageModelCapabilities } from '../../../src/adapters/openrouter/image-models.js';
import { createPriceTable, pricesFromModels } from '../../../src/adapters/openrouter/pricing.js';
import { FAKE_MODELS } from '../../fakes/openrouter-fake-models.js';

describe('price table', () => {
  const prices = createPriceTable();
  it('has the 2026 per-image prices by tier', () => {
    expect(['0.5K', '1K', '2K', '4K'].map((t) => prices.imageCost('google/gemini-3.1-flash-image-preview', t as never))).toEqual([0.045, 0.067, 0.101, 0.151]);
    expect(prices.imageCost('google/gemini-3-pro-image-preview', '1K')).toBe(0.134);
    expect(prices.imageCost('google/gemini-3-pro-image-preview', '2K')).toBe(0.134);
    expect(prices.imageCost('google/gemini-3-pro-image-preview', '4K')).toBe(0.24);
    expect(prices.imageCost('google/gemini-3-pro-image-preview', '0.5K')).toBeUndefined();
    expect(prices.imageCost('google/gemini-2.5-flash-image', '1K')).toBe(0.039);
    expect(prices.imageCost('google/gemini-3.1-flash-image-preview', '1K', 4)).toBe(0.268);
  });
  it('prices tokens per million', () => {
    expect(prices.tokenCost('qwen/qwen3.5-397b-a17b', 1_000_000, 1_000_000)).toBe(4.2);
    expect(prices.tokenCost('qwen/qwen3.5-397b-a17b', 3000, 500)).toBe(0.0036);
    expect(prices.tokenCost('qwen/qwen3.5-flash-02-23', 1_000_000, 1_000_000)).toBe(0.5);
    expect(prices.tokenCost('nvidia/llama-nemotron-embed-vl-1b-v2', 10_000, 0)).toBe(0);
    expect(prices.tokenCost('nvidia/llama-nemotron-embed-vl-1b-v2:free', 10_000, 0)).toBe(0);
    expect(prices.tokenCost('someone/unknown', 1, 1)).toBeUndefined();
  });
  it('takes token prices from GET /models, keeping the per-image tiers', () => {
    const models = FAKE_MODELS.map((m) => (m.id === 'qwen/qwen3.5-397b-a17b' ? { ...m, pricing: { prompt: '0.0000008', completion: '0.000004' } } : m));
    const fromModels = pricesFromModels(models);
    expect(fromModels['qwen/qwen3.5-397b-a17b']).toEqual({ inputPerMTok: 0.8, outputPerMTok: 4 });
    expect(fromModels['google/gemini-3.1-flash-image-preview']).toBeUndefined();
    const table = createPriceTable(fromModels);
    expect(table.tokenCost('qwen/qwen3.5-397b-a17b', 1_000_000, 0)).toBe(0.8);
    expect(table.imageCost('google/gemini-3.1-flash-image-preview', '2K')).toBe(0.101);
  });
  it('capability table carries the same per-image prices', () => {
    expect(imageModelCapabilities('google/gemini-3.1-flash-image-preview').pricePerImage['4K']).toBe(0.151);
    expect(imageModelCapabilities('google/gemini-3-pro-image-preview').maxInputImages).toBe(11);
    const unknown = imageModelCapabilities('acme/new-image-model');
    expect(unknown.known).toBe(false);
    expect(unknown.aspectRatios).not.toContain('1:8');
  });
});
