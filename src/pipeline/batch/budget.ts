/**
 * `--budget`: before each paid call its worst-case price is reserved against the budget, and settled with
 * the real cost when the answer arrives, so at every moment spent + reserved <= limit. The spend can never
 * pass the limit as long as no call costs more than its worst case.
 *
 * A call that does not fit only because other calls are in flight waits for them to settle (worst cases
 * are pessimistic, real costs usually lower), in arrival order. A call that cannot fit even with nothing
 * in flight is refused, and from then on no new paid work starts: every later reservation is refused,
 * calls already in flight finish.
 */
import { HitlineError } from '../../core/errors.js';

export class BudgetReachedError extends HitlineError {}

export interface BudgetReservation {
  readonly usd: number;
  /**
   * Changes the amount held (the exact worst case once the request is built). Shrinking always works;
   * growing works only if it still fits, and returns false otherwise (the reservation is unchanged).
   */
  resize(usd: number): boolean | Promise<boolean>;
  /** Replaces the reservation with what the call really cost (undefined: unknown, the worst case stays). */
  settle(actualUsd: number | undefined): void | Promise<void>;
}

/**
 * A run's budget as the engine uses it: this process's BudgetGuard, or a budget shared by every worker of
 * a fleet (fleet-budget.ts), whose steps are asynchronous.
 */
export interface RunBudget {
  readonly limitUsd: number | undefined;
  /** Spend known so far. */
  readonly spent: number;
  /** Why new paid work was refused, once it was. */
  readonly refusal: string | undefined;
  reserve(worstUsd: number | undefined, what: string): BudgetReservation | Promise<BudgetReservation>;
  reserveWhenPossible(worstUsd: number | undefined, what: string, signal?: AbortSignal): Promise<BudgetReservation>;
  refuseCall(worstUsd: number, what: string): never | Promise<never>;
}

interface Waiter {
  worstUsd: number;
  what: string;
  grant: (r: BudgetReservation) => void;
  refuse: (e: unknown) => void;
}

export class BudgetGuard implements RunBudget {
  private spentUsd: number;
  private reservedUsd = 0;
  private refused: string | undefined;
  private paidCalls = 0;
  private readonly waiting: Waiter[] = [];

  /** `limitUsd` undefined: no budget (spend is still counted). `alreadySpentUsd`: earlier spend of the same run (resume). */
  constructor(readonly limitUsd: number | undefined, alreadySpentUsd = 0) {
    this.spentUsd = alreadySpentUsd;
  }

  get spent(): number {
    return round(this.spentUsd);
  }

  get reserved(): number {
    return round(this.reservedUsd);
  }

  /** Calls settled so far. */
  get calls(): number {
    return this.paidCalls;
  }

  /** Why new paid work was refused, once it was. */
  get refusal(): string | undefined {
    return this.refused;
  }

  /** Reserves now, or throws BudgetReachedError (no waiting): for a request about to be sent. */
  reserve(worstUsd: number | undefined, what: string): BudgetReservation {
    this.checkOpen(worstUsd, what);
    if (this.limitUsd !== undefined && !this.fits(worstUsd!)) this.refuse(this.overMessage(worstUsd!, what));
    return this.hold(worstUsd ?? 0);
  }

  /**
   * Reserves `worstUsd` for the call described by `what`, waiting while it does not fit only because of
   * calls in flight. Throws BudgetReachedError when it cannot fit (and closes the budget), or the signal's
   * reason when the signal aborts while waiting.
   */
  async reserveWhenPossible(worstUsd: number | undefined, what: string, signal?: AbortSignal): Promise<BudgetReservation> {
    this.checkOpen(worstUsd, what);
    if (this.limitUsd === undefined) return this.hold(worstUsd ?? 0);
    const worst = worstUsd!;
    if (this.spentUsd + worst > this.limitUsd + EPSILON) this.refuse(this.overMessage(worst, what));
    if (this.waiting.length === 0 && this.fits(worst)) return this.hold(worst);
    signal?.throwIfAborted();
    return new Promise<BudgetReservation>((resolve, reject) => {
      const onAbort = () => {
        const i = this.waiting.indexOf(waiter);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(signal!.reason);
        this.pump();
      };
      const waiter: Waiter = {
        worstUsd: worst, what,
        grant: (r) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(r);
        },
        refuse: (e) => {
          signal?.removeEventListener('abort', onAbort);
          reject(e);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  /** Refuses a call that does not fit (e.g. its exact price came out above its reservation) and closes the budget. */
  refuseCall(worstUsd: number, what: string): never {
    this.refuse(this.overMessage(worstUsd, what));
  }

  private checkOpen(worstUsd: number | undefined, what: string): void {
    if (this.refused) throw new BudgetReachedError(this.refused);
    if (this.limitUsd !== undefined && worstUsd === undefined) {
      this.close(`the price of ${what} is unknown, so it cannot be checked against the budget of ${usd(this.limitUsd)}`);
      throw new BudgetReachedError(this.refused!, { hint: 'Use a model with a known price, or run without --budget.' });
    }
  }

  private fits(worstUsd: number): boolean {
    return this.limitUsd === undefined || this.spentUsd + this.reservedUsd + worstUsd <= this.limitUsd + EPSILON;
  }

  private overMessage(worstUsd: number, what: string): string {
    return (
      `budget of ${usd(this.limitUsd!)} reached: ${usd(this.spentUsd)} spent, ${usd(this.reservedUsd)} in flight, ` +
      `and ${what} may cost up to ${usd(worstUsd)}`
    );
  }

  private refuse(message: string): never {
    this.close(message);
    throw new BudgetReachedError(message);
  }

  /** Refuses everything from now on, waiters included. */
  private close(message: string): void {
    this.refused ??= message;
    for (const w of this.waiting.splice(0)) w.refuse(new BudgetReachedError(this.refused));
  }

  private hold(amount: number): BudgetReservation {
    let held = amount;
    let settled = false;
    this.reservedUsd += held;
    return {
      get usd() {
        return held;
      },
      resize: (next) => {
        if (settled) return false;
        if (next > held && !this.fits(next - held)) return false;
        this.reservedUsd += next - held;
        held = next;
        this.pump();
        return true;
      },
      settle: (actual) => {
        if (settled) return;
        settled = true;
        this.reservedUsd = Math.max(0, this.reservedUsd - held);
        this.spentUsd += actual ?? held;
        this.paidCalls += 1;
        this.pump();
      },
    };
  }

  /** Serves waiters in order while they fit; refuses the first one that cannot fit even with nothing in flight. */
  private pump(): void {
    while (this.waiting.length > 0 && !this.refused) {
      const head = this.waiting[0];
      if (this.fits(head.worstUsd)) {
        this.waiting.shift();
        head.grant(this.hold(head.worstUsd));
      } else if (this.reservedUsd <= EPSILON || this.spentUsd + head.worstUsd > this.limitUsd! + EPSILON) {
        this.close(this.overMessage(head.worstUsd, head.what));
      } else {
        return; // wait for calls in flight to settle
      }
    }
  }
}

const EPSILON = 1e-12;

export function usd(n: number): string {
  if (n === 0) return '$0';
  return n < 0.01 ? `$${n.toFixed(4)}` : `$${n.toFixed(2)}`;
}

function round(n: number): number {
  return Math.round(n * 1e9) / 1e9;
}
