/**
 * How hard hitline may push each provider. Every OpenRouter call takes a slot in two lanes: the provider
 * ("openrouter") and its model ("openrouter/<model id>"). Defaults are sensible for a paid OpenRouter
 * account (OpenRouter itself does not rate-limit accounts with credits, the providers behind it do), and
 * ":free" models get OpenRouter's documented 20 requests a minute. `--limit` changes any of them.
 */
import { UserInputError } from '../../core/errors.js';
import type { LaneLimits } from './lane-gate.js';

export const OPENROUTER_LANE = 'openrouter';

export interface ProviderLimits {
  /** All OpenRouter calls together. */
  provider: LaneLimits;
  /** Each model, unless listed in `models` or free. */
  model: LaneLimits;
  /** Each ":free" model. */
  freeModel: LaneLimits;
  /** Per model id (exact id, ":free" suffix included). */
  models: Record<string, LaneLimits>;
  /** Shared backoff after a 429 that carried no Retry-After: base doubles per 429 in a row, up to max. */
  backoff: { baseMs: number; maxMs: number };
}

export const DEFAULT_PROVIDER_LIMITS: ProviderLimits = {
  provider: { maxInFlight: 32, perInterval: { requests: 600, intervalMs: 60_000 } },
  // Generations take ~12 s each: 8 in flight is ~40 images a minute per model.
  model: { maxInFlight: 8 },
  freeModel: { maxInFlight: 2, perInterval: { requests: 20, intervalMs: 60_000 } },
  models: {},
  backoff: { baseMs: 2_000, maxMs: 60_000 },
};

export function modelLane(model: string): string {
  return `${OPENROUTER_LANE}/${model}`;
}

export function limitsForModel(limits: ProviderLimits, model: string): LaneLimits {
  return limits.models[model] ?? (model.endsWith(':free') ? limits.freeModel : limits.model);
}

/** The stage a `--limit` target may name instead of a model id. */
export type LimitStage = 'embed' | 'analyze' | 'generate';

/** One `--limit` value: which lane, and its caps. */
export interface LimitSpec {
  /** "openrouter", a stage (its model's lane) or a model id. */
  target: 'openrouter' | LimitStage | string;
  limits: LaneLimits;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 };

/**
 * Parses `--limit TARGET=INFLIGHT[,N/DURATION]`, e.g. `openrouter=16,600/1m`, `generate=4`,
 * `nvidia/llama-nemotron-embed-vl-1b-v2:free=2,20/60s`.
 */
export function parseLimitSpec(text: string): LimitSpec {
  const fail = (what: string) =>
    new UserInputError(`--limit "${text}": ${what}`, {
      hint: 'Write --limit TARGET=INFLIGHT[,N/DURATION], e.g. --limit generate=4 or --limit openrouter=16,600/1m; TARGET is openrouter, embed, analyze, generate or a model id.',
    });
  const eq = text.lastIndexOf('=');
  if (eq <= 0) throw fail('expected TARGET=INFLIGHT');
  const target = text.slice(0, eq).trim();
  const [inflightText, windowText, ...rest] = text.slice(eq + 1).split(',').map((s) => s.trim());
  if (rest.length > 0) throw fail('expected at most one interval cap after the in-flight cap');
  if (!(target === OPENROUTER_LANE || ['embed', 'analyze', 'generate'].includes(target) || /^[\w.-]+\/[\w.:-]+$/.test(target))) {
    throw fail(`unknown target "${target}"`);
  }
  const maxInFlight = Number(inflightText);
  if (!/^\d+$/.test(inflightText ?? '') || maxInFlight < 1 || maxInFlight > 1000) throw fail('the in-flight cap must be a whole number from 1 to 1000');
  const limits: LaneLimits = { maxInFlight };
  if (windowText) {
    const m = /^(\d+)\s*\/\s*(\d+(?:\.\d+)?)?\s*(ms|s|min|m|h)$/.exec(windowText);
    if (!m) throw fail(`"${windowText}" is not N/DURATION (e.g. 20/1m, 600/60s)`);
    const requests = Number(m[1]);
    const intervalMs = Number(m[2] ?? 1) * UNITS[m[3]];
    if (requests < 1 || !(intervalMs > 0)) throw fail('the interval cap needs N >= 1 and a duration > 0');
    limits.perInterval = { requests, intervalMs };
  }
  return { target, limits };
}

/** Applies `--limit` values over the defaults; stage targets resolve to that stage's model. */
export function applyLimitSpecs(base: ProviderLimits, specs: readonly LimitSpec[], stageModels: Partial<Record<LimitStage, string>>): ProviderLimits {
  const out: ProviderLimits = { ...base, models: { ...base.models } };
  for (const s of specs) {
    if (s.target === OPENROUTER_LANE) out.provider = s.limits;
    else if (s.target === 'embed' || s.target === 'analyze' || s.target === 'generate') {
      const model = stageModels[s.target];
      if (model) out.models[model] = s.limits;
    } else out.models[s.target] = s.limits;
  }
  return out;
}

export function describeLimits(l: LaneLimits): string {
  const w = l.perInterval;
  return `${l.maxInFlight} in flight${w ? `, ${w.requests} per ${w.intervalMs >= 1000 ? `${w.intervalMs / 1000} s` : `${w.intervalMs} ms`}` : ''}`;
}
