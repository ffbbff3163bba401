/**
 * A run's budget shared by every worker of a fleet: the run's account and, in the service, the tenant's
 * month, reserved and settled atomically in Redis (FleetBudgetStore). Same rules as this process's
 * BudgetGuard: the worst case is reserved before a call, settled with the real cost after it; a call that
 * does not fit only because of calls in flight waits; one that cannot fit at all is refused and closes the
 * accounts, so no worker starts paid work on them any more.
 */
import { randomUUID } from 'node:crypto';
import type { FleetAccount, FleetBudgetStore } from '../../ports/fleet.js';
import { BudgetReachedError, usd, type BudgetReservation, type RunBudget } from './budget.js';
import { waitOrWake, type LeaseKeeper } from './lease-keeper.js';

/** How often a call waiting for budget asks again (budget frees up when calls in flight settle). */
const POLL_MS = 100;

export class FleetBudget implements RunBudget {
  private known = 0;
  private refused: string | undefined;

  /** `accounts[0]` is the run's own (its spend is `spent`); `limitUsd` the run's limit, for reports. */
  constructor(
    private readonly store: FleetBudgetStore,
    private readonly accounts: readonly FleetAccount[],
    private readonly keeper: LeaseKeeper,
    readonly limitUsd: number | undefined,
  ) {
    this.known = accounts[0]?.spentUsd ?? 0;
  }

  get spent(): number {
    return this.known;
  }

  get refusal(): string | undefined {
    return this.refused;
  }

  private get limited(): boolean {
    return this.accounts.some((a) => a.limitUsd >= 0);
  }

  /** Reads the run's spend so far from the fleet (every worker's calls). */
  async sync(): Promise<number> {
    [this.known = this.known] = await this.store.spent(this.accounts.slice(0, 1));
    return this.known;
  }

  reserve(worstUsd: number | undefined, what: string): Promise<BudgetReservation> {
    return this.take(worstUsd, what, undefined, false);
  }

  reserveWhenPossible(worstUsd: number | undefined, what: string, signal?: AbortSignal): Promise<BudgetReservation> {
    return this.take(worstUsd, what, signal, true);
  }

  async refuseCall(worstUsd: number, what: string): Promise<never> {
    return this.refuse(`budget reached: ${what} may cost up to ${usd(worstUsd)}, more than is left`);
  }

  private async take(worstUsd: number | undefined, what: string, signal: AbortSignal | undefined, wait: boolean): Promise<BudgetReservation> {
    if (this.refused) throw new BudgetReachedError(this.refused);
    if (worstUsd === undefined && this.limited) {
      return this.refuse(`the price of ${what} is unknown, so it cannot be checked against the budget`, 'Use a model with a known price, or run without --budget.');
    }
    const id = randomUUID();
    const amount = worstUsd ?? 0;
    for (;;) {
      const r = await this.store.tryReserve(this.accounts, id, amount, what, this.keeper.leaseMs);
      if (r.outcome === 'held') break;
      if (r.outcome === 'over') return this.refuse(r.message, undefined, r.account);
      if (!wait) return this.refuse(`budget reached: ${what} may cost up to ${usd(amount)}, more than is left while other calls are in flight`);
      await waitOrWake(POLL_MS, signal);
    }
    return this.reservation(id, amount);
  }

  private reservation(id: string, amount: number): BudgetReservation {
    let held = amount;
    let settled = false;
    const accountKeys = this.accounts.map((a) => a.key);
    const drop = this.keeper.hold({ kind: 'reservation', accounts: accountKeys, id });
    return {
      get usd() {
        return held;
      },
      resize: async (next) => {
        if (settled) return false;
        if (!(await this.store.resize(this.accounts, id, next))) return false;
        held = next;
        return true;
      },
      settle: async (actual) => {
        if (settled) return;
        settled = true;
        drop();
        this.known += actual ?? held;
        await this.store.settle(this.accounts, id, actual);
      },
    };
  }

  /** Refuses, and closes the account that ran out (by default the run's), so no worker starts paid work on it. */
  private async refuse(message: string, hint?: string, account = 0): Promise<never> {
    this.refused ??= message;
    await this.store.close([this.accounts[account]], message);
    throw new BudgetReachedError(message, hint ? { hint } : undefined);
  }
}
