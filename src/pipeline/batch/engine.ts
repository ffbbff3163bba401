/**
 * The batch engine's shared parts for one run: the run control (stop, cancel), the lanes that cap calls
 * per provider and model, the budget, the OpenRouter client hooks that enforce both, and single flight.
 * Made before the adapters, because the cloud adapters' client must be built with its hooks.
 */
import os from 'node:os';
import type { OpenRouterConfigInput } from '../../adapters/openrouter/config.js';
import { createPriceTable } from '../../adapters/openrouter/pricing.js';
import type { PaidStage } from '../../adapters/openrouter/usage.js';
import { ignoreBatchEvents, type BatchEventSink } from './batch-events.js';
import { BudgetGuard } from './budget.js';
import { worstCaseUsd, type CallPrices } from '../../adapters/openrouter/call-price.js';
import type { SizeTier } from '../../core/output-sizes.js';
import { LaneGate } from './lane-gate.js';
import { createOpenRouterGate, type GateStats } from './metered-fetch.js';
import { DEFAULT_PROVIDER_LIMITS, OPENROUTER_LANE, applyLimitSpecs, limitsForModel, type LimitSpec, type ProviderLimits } from './provider-limits.js';
import { RunControl } from './run-control.js';
import { SingleFlight } from './single-flight.js';

export interface BatchEngineOptions {
  limits?: ProviderLimits;
  /** `--budget` in USD; undefined: no limit (spend is still counted). */
  budgetUsd?: number;
  /** Spend already recorded for this run (a resume counts it against the budget). */
  alreadySpentUsd?: number;
  prices?: CallPrices;
  /** Extra attempts of a stage call after a failure another attempt can fix. Default 2. */
  stageRetries?: number;
  events?: BatchEventSink;
  /** The real fetch under the hooks (tests, benchmarks). */
  fetch?: typeof fetch;
}

export interface BatchEngine {
  readonly control: RunControl;
  readonly budget: BudgetGuard;
  readonly gate: LaneGate;
  /** Read when a lane is first used, so `configureStages` may still change it before the first call. */
  readonly limits: ProviderLimits;
  /** Prices for worst cases; may be refreshed from GET /models before the first call. */
  readonly prices: CallPrices;
  readonly flights: SingleFlight;
  readonly stageRetries: number;
  /** The model each paid stage calls on OpenRouter; set once the adapters are chosen (a stage left out is not cloud). */
  readonly stageModels: Partial<Record<PaidStage, string>>;
  /** Merge into the OpenRouter client settings (AdapterSettings.client). */
  readonly clientHooks: Pick<OpenRouterConfigInput, 'beforeAttempt' | 'fetch'>;
  readonly wire: GateStats;
  events: BatchEventSink;
  /**
   * An upper bound on one attempt of a stage's call, from what the pipeline knows before the adapter builds
   * the request; undefined when the stage is not a cloud stage or its price is unknown.
   */
  worstCase(stage: PaidStage, request: { images: number; textChars: number; imageSize?: SizeTier }): number | undefined;
  /** Runs a local (offline adapter) stage call within the "local" lane: as many at once as the machine has cores. */
  runLocal<T>(fn: () => Promise<T>): Promise<T>;
}

/** The lane of offline adapters: CPU-bound work, one per core. */
export const LOCAL_LANE = 'local';

export function createBatchEngine(o: BatchEngineOptions = {}): BatchEngine {
  const control = new RunControl();
  const budget = new BudgetGuard(o.budgetUsd, o.alreadySpentUsd ?? 0);
  const gate = new LaneGate({ [LOCAL_LANE]: { maxInFlight: Math.max(1, os.availableParallelism()) } });
  const base = o.limits ?? DEFAULT_PROVIDER_LIMITS;
  const limits: ProviderLimits = { ...base, models: { ...base.models } };
  const prices: CallPrices = { ...(o.prices ?? { table: createPriceTable() }) };
  const stageModels: Partial<Record<PaidStage, string>> = {};
  const openrouter = createOpenRouterGate({ gate, limits, stageModels, budget, control, fetch: o.fetch, prices });
  return {
    control, budget, gate, limits, prices, stageModels, flights: new SingleFlight(), stageRetries: o.stageRetries ?? 2,
    clientHooks: openrouter.clientHooks, wire: openrouter.stats, events: o.events ?? ignoreBatchEvents,
    async runLocal(fn) {
      const lease = await gate.acquire([LOCAL_LANE], control.stopSignal);
      try {
        return await fn();
      } finally {
        lease.release('ok');
      }
    },
    worstCase(stage, request) {
      const model = stageModels[stage];
      if (!model) return undefined;
      const endpoint = stage === 'embed' ? 'embeddings' : 'chat';
      return worstCaseUsd({ endpoint, model, wantsImage: stage === 'generate', ...request }, prices);
    },
  };
}

/**
 * Tells the engine which OpenRouter model each cloud stage calls (a stage left out runs locally) and
 * applies `--limit` values, whose stage targets name those models. Call before the first paid call.
 */
export function configureStages(engine: BatchEngine, models: Partial<Record<PaidStage, string>>, specs: readonly LimitSpec[] = []): void {
  for (const stage of ['embed', 'analyze', 'generate'] as const) {
    if (models[stage]) engine.stageModels[stage] = models[stage];
    else delete engine.stageModels[stage];
  }
  const applied = applyLimitSpecs(engine.limits, specs, engine.stageModels);
  engine.limits.provider = applied.provider;
  Object.assign(engine.limits.models, applied.models);
  engine.gate.define(OPENROUTER_LANE, applied.provider);
}

/**
 * Products worked on at once when the user did not say: enough to keep every cloud stage's lane full
 * (its in-flight cap) with a couple waiting, or 2 when everything runs locally (CPU-bound work).
 */
export function autoConcurrency(engine: BatchEngine): number {
  const models = [...new Set(Object.values(engine.stageModels).filter((m): m is string => Boolean(m)))];
  if (models.length === 0) return 2;
  const lanes = models.reduce((n, m) => n + limitsForModel(engine.limits, m).maxInFlight, 0);
  return Math.max(2, Math.min(engine.limits.provider.maxInFlight + 2, lanes + 2, 128));
}
