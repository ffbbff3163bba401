/**
 * The batch engine's shared parts for one run: the run control (stop, cancel), the lanes that cap calls
 * per provider and model, the budget, the HTTP hooks that enforce both on the paid adapters' client, and
 * single flight. Made before the adapters, because the paid adapters' client must be built with its hooks.
 * Prices come through the CallPricing port: the engine knows no provider's price list or wire format.
 */
import os from 'node:os';
import { UNKNOWN_PRICES, type CallPricing, type CallShape } from '../../ports/call-pricing.js';
import type { HttpCallHooks } from '../../ports/http-hooks.js';
import { UserInputError } from '../../core/errors.js';
import type { PaidStage } from '../../core/usage.js';
import { ignoreBatchEvents, type BatchEventSink } from './batch-events.js';
import { BudgetGuard, type RunBudget } from './budget.js';
import type { SizeTier } from '../../core/output-sizes.js';
import { LaneGate, type Gate } from './lane-gate.js';
import { createMeteredFetch, type GateStats } from './metered-fetch.js';
import { DEFAULT_PROVIDER_LIMITS, OPENROUTER_LANE, applyLimitSpecs, limitsForModel, type LimitSpec, type ProviderLimits } from './provider-limits.js';
import { RunControl } from './run-control.js';
import { SingleFlight, type Flights } from './single-flight.js';

export interface BatchEngineOptions {
  limits?: ProviderLimits;
  /** `--budget` in USD; undefined: no limit (spend is still counted). */
  budgetUsd?: number;
  /** Spend already recorded for this run (a resume counts it against the budget). */
  alreadySpentUsd?: number;
  /** Prices of the paid adapters' calls (their CallPricing); without it every price is unknown. */
  pricing?: CallPricing;
  /** Extra attempts of a stage call after a failure another attempt can fix. Default 2. */
  stageRetries?: number;
  events?: BatchEventSink;
  /** The real fetch under the hooks (tests, benchmarks). */
  fetch?: typeof fetch;
  /**
   * A worker of a fleet: the budget shared by every worker (instead of this process's BudgetGuard), the
   * gate that also holds the fleet's caps around this process's lanes, and single flight across workers.
   */
  shared?: { budget?: RunBudget; gate?: (local: LaneGate) => Gate; flights?: (control: RunControl) => Flights };
}

export interface BatchEngine {
  readonly control: RunControl;
  readonly budget: RunBudget;
  readonly gate: Gate;
  /** Read when a lane is first used, so `configureStages` may still change it before the first call. */
  readonly limits: ProviderLimits;
  /** Prices for worst cases. */
  readonly pricing: CallPricing;
  readonly flights: Flights;
  readonly stageRetries: number;
  /** The model each paid stage calls; set once the adapters are chosen (a stage left out runs offline). */
  readonly stageModels: Partial<Record<PaidStage, string>>;
  /** What the paid adapters' HTTP client must run around every attempt. */
  readonly clientHooks: HttpCallHooks;
  readonly wire: GateStats;
  events: BatchEventSink;
  /**
   * An upper bound on one attempt of a stage's call, from what the pipeline knows before the adapter builds
   * the request; undefined when the stage is not a cloud stage or its price is unknown.
   */
  worstCase(stage: PaidStage, request: CallShape): number | undefined;
  /** Runs a local (offline adapter) stage call within the "local" lane: as many at once as the machine has cores. */
  runLocal<T>(fn: () => Promise<T>): Promise<T>;
}

/** The lane of offline adapters: CPU-bound work, one per core. */
export const LOCAL_LANE = 'local';

export function createBatchEngine(o: BatchEngineOptions = {}): BatchEngine {
  const control = new RunControl();
  const budget = o.shared?.budget ?? new BudgetGuard(o.budgetUsd, o.alreadySpentUsd ?? 0);
  const local = new LaneGate({ [LOCAL_LANE]: { maxInFlight: Math.max(1, os.availableParallelism()) } });
  const gate = o.shared?.gate ? o.shared.gate(local) : local;
  const base = o.limits ?? DEFAULT_PROVIDER_LIMITS;
  const limits: ProviderLimits = { ...base, models: { ...base.models } };
  const pricing = o.pricing ?? UNKNOWN_PRICES;
  const stageModels: Partial<Record<PaidStage, string>> = {};
  const metered = createMeteredFetch({ gate, limits, stageModels, budget, control, fetch: o.fetch, pricing });
  return {
    control, budget, gate, limits, pricing, stageModels, flights: o.shared?.flights?.(control) ?? new SingleFlight(), stageRetries: o.stageRetries ?? 2,
    clientHooks: metered.clientHooks, wire: metered.stats, events: o.events ?? ignoreBatchEvents,
    async runLocal(fn) {
      // CPU-bound work is this machine's own: the local lane is never a fleet's.
      const lease = await local.acquire([LOCAL_LANE], control.stopSignal);
      try {
        return await fn();
      } finally {
        lease.release('ok');
      }
    },
    worstCase(stage, request) {
      const model = stageModels[stage];
      return model ? pricing.worstCase(stage, model, request) : undefined;
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

/**
 * Before anything is paid on a budget: every paid stage's model must have a price, since a call whose worst
 * case is unknown cannot be held to a budget. Throws a UserInputError naming the first stage without one.
 */
export function requirePrices(engine: Pick<BatchEngine, 'stageModels' | 'pricing'>, tier: SizeTier): void {
  const probe = { images: 1, textChars: 100 };
  for (const [stage, model] of Object.entries(engine.stageModels) as Array<[PaidStage, string]>) {
    const shape = stage === 'generate' ? { ...probe, imageSize: tier } : { ...probe, maxOutputTokens: 1 };
    if (engine.pricing.worstCase(stage, model, shape) === undefined) {
      throw new UserInputError(`--budget needs the price of ${model} (the ${stage} stage${stage === 'generate' ? ` at ${tier}` : ''}), and hitline has no price for it.`, {
        hint: 'Choose a model with a listed price (hitline doctor lists them), or run without --budget.',
      });
    }
  }
}
