/**
 * Plugs the batch engine into a paid adapter's HTTP client through its two hooks (ports/http-hooks.ts):
 *
 * - `beforeAttempt` (runs before every attempt, retries included, and before the attempt's timeout starts):
 *   refuses when the run is stopping, then waits for a slot in the provider's and the model's lanes.
 *   Waiting here, not in fetch, means time spent queued never counts against the request timeout.
 * - `fetch`: reserves the request's worst-case price against the budget (from the body about to be sent),
 *   sends it, reads the whole answer, settles the budget with the answer's `usage.cost`, frees the lane
 *   slots, and on a 429 pauses the whole provider (shared backoff) and halves the model's in-flight cap.
 *
 * A refusal inside fetch aborts the call's own signal before throwing, which is how the client tells a
 * deliberate stop from a network error it would otherwise retry.
 */
import type { CallPricing } from '../../ports/call-pricing.js';
import type { HttpCallHooks } from '../../ports/http-hooks.js';
import { parseRetryAfter } from '../../util/retry-after.js';
import type { PaidStage } from '../../core/usage.js';
import { BudgetReachedError, type BudgetReservation, type RunBudget } from './budget.js';
import type { Gate } from './lane-gate.js';
import { linkSignals } from './linked-signal.js';
import { currentPaidCall, refuseCurrentCall } from './paid-call.js';
import { limitsForModel, modelLane, OPENROUTER_LANE, type ProviderLimits } from './provider-limits.js';
import type { RunControl } from './run-control.js';

export interface MeteredFetchOptions {
  gate: Gate;
  limits: ProviderLimits;
  /** The model each paid stage calls (its lane). */
  stageModels: Partial<Record<PaidStage, string>>;
  budget: RunBudget;
  pricing: CallPricing;
  control: RunControl;
  /** The real fetch (default: global fetch). */
  fetch?: typeof fetch;
  now?: () => number;
}

/** Counts of what went over the wire, for progress and benchmarks. */
export interface GateStats {
  /** HTTP attempts sent, by stage ("other" outside a stage call). */
  attempts: Record<string, number>;
  /** Answers with status 429. */
  rateLimited: number;
  /** Calls refused before sending (budget). */
  refused: number;
}

export interface MeteredFetch {
  /** What the paid adapters' client runs around every attempt. */
  clientHooks: HttpCallHooks;
  stats: GateStats;
}

export function createMeteredFetch(o: MeteredFetchOptions): MeteredFetch {
  const baseFetch = o.fetch ?? globalThis.fetch.bind(globalThis);
  const now = o.now ?? Date.now;
  const stats: GateStats = { attempts: {}, rateLimited: 0, refused: 0 };
  let rateLimitedInARow = 0;
  if (!o.gate.has(OPENROUTER_LANE)) o.gate.define(OPENROUTER_LANE, o.limits.provider);

  const lanesFor = (stage: PaidStage): string[] => {
    const model = o.stageModels[stage];
    if (!model) return [OPENROUTER_LANE];
    const lane = modelLane(model);
    if (!o.gate.has(lane)) o.gate.define(lane, limitsForModel(o.limits, model));
    return [lane, OPENROUTER_LANE];
  };

  const describe = (stage: string, productId: string | undefined, model: string | undefined) =>
    `${productId ? `${productId}'s ` : ''}${stage} call to ${model ?? 'the provider'}`;

  /** Budget refusals stop the run: no new paid work starts. */
  const refused = (e: unknown): never => {
    throw e instanceof BudgetReachedError ? stopFor(e) : e;
  };

  const beforeAttempt: HttpCallHooks['beforeAttempt'] = async (info) => {
    const call = currentPaidCall();
    if (!call) return; // model lists and key checks are free and rare
    o.control.throwIfStopped();
    // A stop (Ctrl-C, budget) also ends the waits for a slot and for budget.
    const waits = linkSignals(info.signal, o.control.stopSignal);
    try {
      const lease = await o.gate.acquire(lanesFor(call.stage), waits.signal);
      try {
        if (call.worstUsd !== undefined) {
          call.reservation = await o.budget.reserveWhenPossible(call.worstUsd, describe(call.stage, call.productId, o.stageModels[call.stage]), waits.signal).catch(refused);
        }
        o.control.throwIfStopped();
      } catch (e) {
        await call.reservation?.settle(0);
        call.reservation = undefined;
        lease.release('failed');
        throw e;
      }
      call.lease = lease;
    } finally {
      waits.dispose();
    }
  };

  const gatedFetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const call = currentPaidCall();
    const lease = call?.lease;
    let reservation = call?.reservation;
    if (call) {
      call.lease = undefined;
      call.reservation = undefined;
    }
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const stage = call?.stage ?? 'other';
    let sent = false;
    try {
      if ((init.method ?? 'GET').toUpperCase() === 'POST') {
        const priced = o.pricing.ofRequest(new URL(url).pathname, typeof init.body === 'string' ? init.body : undefined);
        const exact = priced.worstUsd;
        const what = describe(stage, call?.productId, priced.model);
        try {
          if (!reservation) reservation = await o.budget.reserve(exact, what);
          else if (exact !== undefined && !(await reservation.resize(exact))) await o.budget.refuseCall(exact, what);
          else if (exact === undefined && o.budget.limitUsd !== undefined) await o.budget.reserve(undefined, what); // refuses: price unknown
        } catch (e) {
          refuseCurrentCall(e instanceof BudgetReachedError ? stopFor(e) : (e as Error));
        }
      }
      init.signal?.throwIfAborted();
      stats.attempts[stage] = (stats.attempts[stage] ?? 0) + 1;
      if (call) call.attempts += 1;
      sent = true;
      const res = await baseFetch(url, init);
      const bytes = new Uint8Array(await res.arrayBuffer());
      // An answer without usage.cost keeps its worst case: the budget never under-counts.
      await reservation?.settle(res.ok ? o.pricing.costOfAnswer(bytes) : 0);
      reservation = undefined;
      if (res.status === 429) {
        stats.rateLimited += 1;
        rateLimitedInARow += 1;
        const { baseMs, maxMs } = o.limits.backoff;
        const wait = parseRetryAfter(res.headers.get('retry-after'), now(), maxMs) ?? Math.min(maxMs, baseMs * 2 ** (rateLimitedInARow - 1));
        o.gate.pause(OPENROUTER_LANE, wait);
        lease?.release('rate-limited');
      } else {
        if (res.ok) rateLimitedInARow = 0;
        lease?.release(res.ok ? 'ok' : 'failed');
      }
      const bodyless = res.status === 204 || res.status === 205 || res.status === 304;
      return new Response(bodyless ? null : bytes, { status: res.status, statusText: res.statusText, headers: res.headers });
    } catch (e) {
      // Refused or aborted before sending: nothing to pay. Cut off after sending (timeout, reset, cancel): the
      // provider may still bill it, so it counts at its worst case.
      await reservation?.settle(sent && !neverSent(e) ? undefined : 0);
      lease?.release('failed');
      throw e;
    }
  };

  /** Records a budget refusal and stops the run; returns the error for the refusal. */
  function stopFor(e: BudgetReachedError): BudgetReachedError {
    stats.refused += 1;
    o.control.stop('budget', e.message);
    return e;
  }

  return { clientHooks: { beforeAttempt, fetch: gatedFetch as typeof fetch }, stats };
}

/** Connection refused or the host unknown: the request never reached anyone who could bill it. */
function neverSent(e: unknown): boolean {
  const code = (e as { cause?: { code?: unknown } })?.cause?.code;
  return code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN';
}
