/**
 * The context of one paid stage call (which product, which stage, its abort controller), carried through
 * the adapter and the OpenRouter client by AsyncLocalStorage, so the client hooks that enforce limits and
 * the budget know what each HTTP attempt is for without the adapters passing anything along.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { PaidStage } from '../../core/usage.js';
import type { BudgetReservation } from './budget.js';
import { linkSignals } from './linked-signal.js';
import type { LaneLease } from './lane-gate.js';

export interface PaidCall {
  stage: PaidStage;
  /** The new product the call is for. */
  productId?: string;
  /** Aborts this call. */
  controller: AbortController;
  /** The call's signal (this controller or a hard cancel): what the adapter must be given. */
  signal: AbortSignal;
  /**
   * An upper bound on what one attempt can cost, known before the adapter builds its request (USD). The
   * hook reserves it (waiting for budget if need be); the fetch wrapper then shrinks it to the exact worst
   * case of the request. Undefined: nothing is reserved before the request is built.
   */
  worstUsd?: number;
  /** Slots taken by the hook before an attempt, handed to the fetch wrapper that frees them. */
  lease?: LaneLease;
  /** Budget held by the hook for this attempt, handed to the fetch wrapper that settles it. */
  reservation?: BudgetReservation;
  /** Attempts sent for this call (retries included). */
  attempts: number;
}

const storage = new AsyncLocalStorage<PaidCall>();

export function currentPaidCall(): PaidCall | undefined {
  return storage.getStore();
}

/**
 * Runs `fn` as one paid call: it gets a signal that aborts when the call is refused (budget, stop) or
 * when `parent` aborts (a hard cancel), and every OpenRouter attempt inside it sees this context.
 */
export function withPaidCall<T>(
  call: { stage: PaidStage; productId?: string; worstUsd?: number },
  parent: AbortSignal | undefined,
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const linked = linkSignals(parent, controller.signal);
  return storage.run({ ...call, controller, signal: linked.signal, attempts: 0 }, () => fn(linked.signal)).finally(() => linked.dispose());
}

/** Aborts the current call with `error` and throws it: how a hook refuses an attempt without the client retrying it. */
export function refuseCurrentCall(error: Error): never {
  const call = storage.getStore();
  if (call && !call.controller.signal.aborted) call.controller.abort(error);
  throw error;
}
