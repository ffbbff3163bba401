/**
 * What several worker processes (on several machines) share while they work on runs: provider slots, budget
 * accounts and stage locks, each an atomic operation on a shared server (the Redis adapter in
 * adapters/queue/). The waiting, retrying and bookkeeping around them is the batch engine's
 * (pipeline/batch/fleet-*.ts); these are only the atomic steps.
 *
 * Everything a process holds (a slot, a reservation, a lock) is a lease: it expires `leaseMs` after it was
 * taken or last renewed, so a process killed with SIGKILL gives back what it held without anyone's help.
 */

/** One lane's caps, as the batch engine knows them (provider-limits.ts). */
export interface FleetLane {
  name: string;
  maxInFlight: number;
  perInterval?: { requests: number; intervalMs: number };
}

export type FleetTake = { taken: true } | { taken: false; retryInMs: number };

export interface FleetSlots {
  /** Takes a slot in every lane at once, or none; when it cannot, says how long a retry is pointless. */
  tryTake(lanes: readonly FleetLane[], holder: string, leaseMs: number): Promise<FleetTake>;
  /** Frees the holder's slot in every lane; a 429 ("rate-limited") halves the lanes' shared cap. */
  release(lanes: readonly FleetLane[], holder: string, outcome: 'ok' | 'rate-limited' | 'failed'): Promise<void>;
  /** Holds every new start on the lane back for `ms` from now, for every process. */
  pause(lane: string, ms: number): Promise<void>;
  /** Calls `listener` whenever some process frees a slot (a hint to retry sooner than `retryInMs`). */
  onFreed(listener: () => void): () => void;
}

/** A budget shared by every process: a run's, or a tenant's month. */
export interface FleetAccount {
  key: string;
  limitUsd: number;
  /** Spend recorded before (the ledger); the account never counts less than this. */
  spentUsd: number;
}

export type FleetReserve =
  | { outcome: 'held' }
  /** Fits once calls in flight settle. */
  | { outcome: 'wait' }
  /** Cannot fit even with nothing in flight (or the account was closed); the message says which account and why. */
  | { outcome: 'over'; message: string; account: number };

export interface FleetBudgetStore {
  /** Reserves `usd` in every account at once, or in none. */
  tryReserve(accounts: readonly FleetAccount[], id: string, usd: number, what: string, leaseMs: number): Promise<FleetReserve>;
  /** Changes a reservation's amount; growing it may fail (false) when it no longer fits. */
  resize(accounts: readonly FleetAccount[], id: string, usd: number): Promise<boolean>;
  /** Ends a reservation with what the call cost (undefined: unknown, the reserved amount counts). */
  settle(accounts: readonly FleetAccount[], id: string, actualUsd: number | undefined): Promise<void>;
  /** Refuses every later reservation in these accounts with `message` (a budget stop). */
  close(accounts: readonly FleetAccount[], message: string): Promise<void>;
  /** Spend so far per account (expired reservations of killed processes count as spent: they may have been billed). */
  spent(accounts: readonly FleetAccount[]): Promise<number[]>;
}

export interface FleetLocks {
  /** Takes the named lock for `holder`, or returns false when another holder has it. */
  tryLock(name: string, holder: string, leaseMs: number): Promise<boolean>;
  unlock(name: string, holder: string): Promise<void>;
}

/** What a process keeps alive while it holds leases: called every third of a lease. */
export interface FleetLeases {
  renew(leases: ReadonlyArray<{ kind: 'slot'; lanes: readonly string[]; holder: string } | { kind: 'reservation'; accounts: readonly string[]; id: string } | { kind: 'lock'; name: string; holder: string }>, leaseMs: number): Promise<void>;
}

export interface Fleet {
  slots: FleetSlots;
  budget: FleetBudgetStore;
  locks: FleetLocks;
  leases: FleetLeases;
  /** How long a lease lasts without renewal. */
  leaseMs: number;
}
