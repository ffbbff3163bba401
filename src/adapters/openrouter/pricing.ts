/**
 * Prices for cost estimates before a run (budgets, dry runs). Actual cost always comes from the
 * `usage.cost` OpenRouter returns, recorded in the cost ledger. Defaults are the 2026 list prices from
 * reference/openrouter.md; `pricesFromModels` refreshes token prices from GET /models at run time.
 */
import type { SizeTier } from '../../core/output-sizes.js';
import { OPENROUTER_MODELS as M, baseModelId } from './models.js';
import type { ModelInfo } from './wire.js';

export interface ModelPrice {
  /** USD per million input (prompt) tokens. */
  inputPerMTok?: number;
  /** USD per million output (completion) tokens. */
  outputPerMTok?: number;
  /** USD per generated image, by size tier; a tier missing here is one the model cannot make. */
  perImage?: Partial<Record<SizeTier, number>>;
}

export const PRICES_2026: Readonly<Record<string, ModelPrice>> = {
  [M.nanoBanana2]: { perImage: { '0.5K': 0.045, '1K': 0.067, '2K': 0.101, '4K': 0.151 } },
  [M.nanoBananaPro]: { perImage: { '1K': 0.134, '2K': 0.134, '4K': 0.24 } },
  [M.nanoBanana]: { perImage: { '1K': 0.039 } },
  [M.qwen35]: { inputPerMTok: 0.6, outputPerMTok: 3.6 },
  [M.qwen35Flash]: { inputPerMTok: 0.1, outputPerMTok: 0.4 },
  [M.nemotronEmbed]: { inputPerMTok: 0, outputPerMTok: 0 },
};

export interface PriceTable {
  /** The price entry for a model id (":free" variants cost nothing). */
  price(model: string): ModelPrice | undefined;
  /** USD for `count` images at a tier, or undefined when the price is unknown. */
  imageCost(model: string, tier: SizeTier, count?: number): number | undefined;
  /** USD for a call with these token counts, or undefined when the price is unknown. */
  tokenCost(model: string, inputTokens: number, outputTokens: number): number | undefined;
}

/** The 2026 defaults, with `overrides` merged over them field by field. */
export function createPriceTable(overrides: Record<string, ModelPrice> = {}): PriceTable {
  const table: Record<string, ModelPrice> = {};
  for (const [id, p] of Object.entries(PRICES_2026)) table[id] = { ...p };
  for (const [id, p] of Object.entries(overrides)) {
    const prev = table[id] ?? {};
    table[id] = { ...prev, ...definedOnly(p), perImage: p.perImage ? { ...prev.perImage, ...p.perImage } : prev.perImage };
  }
  const price = (model: string): ModelPrice | undefined => {
    if (model.endsWith(':free')) return { inputPerMTok: 0, outputPerMTok: 0, perImage: table[baseModelId(model)]?.perImage };
    return table[model] ?? table[baseModelId(model)];
  };
  return {
    price,
    imageCost(model, tier, count = 1) {
      const each = price(model)?.perImage?.[tier];
      return each === undefined ? undefined : round6(each * count);
    },
    tokenCost(model, inputTokens, outputTokens) {
      const p = price(model);
      if (p?.inputPerMTok === undefined || p.outputPerMTok === undefined) return undefined;
      return round6((inputTokens * p.inputPerMTok + outputTokens * p.outputPerMTok) / 1e6);
    },
  };
}

/**
 * Token prices from GET /models (`pricing.prompt` / `pricing.completion` are USD per token as decimal
 * strings). Per-image prices of image models are billed as output tokens there, so they are not
 * derived here; the tier table above stays in force for them.
 */
export function pricesFromModels(models: readonly ModelInfo[]): Record<string, ModelPrice> {
  const out: Record<string, ModelPrice> = {};
  for (const m of models) {
    const input = perMillion(m.pricing?.prompt);
    const output = perMillion(m.pricing?.completion);
    if (input === undefined && output === undefined) continue;
    const isImageModel = m.architecture?.output_modalities?.includes('image') ?? false;
    if (isImageModel) continue;
    out[m.id] = definedOnly({ inputPerMTok: input, outputPerMTok: output });
  }
  return out;
}

function perMillion(v: string | number | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  // OpenRouter uses -1 for "varies" (e.g. the auto router).
  return Number.isFinite(n) && n >= 0 ? round6(n * 1e6) : undefined;
}

function round6(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

function definedOnly<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
