/**
 * Single flight across a fleet: a stage key is computed by one worker at a time. This process's callers
 * share one computation (SingleFlight); that computation first takes the key's lock in the fleet, so a
 * worker that finds another one computing the same key waits for it and then reads the stored result (the
 * product flow reads the stage cache again inside the flight). A worker killed while holding a lock
 * stops renewing it, and the lock expires within one lease.
 */
import { randomUUID } from 'node:crypto';
import type { FleetLocks } from '../../ports/fleet.js';
import { waitOrWake, type LeaseKeeper } from './lease-keeper.js';
import { SingleFlight, type Flights } from './single-flight.js';

const POLL_MS = 200;

export class FleetFlights implements Flights {
  private readonly local = new SingleFlight();
  private readonly holder = randomUUID();

  constructor(
    private readonly locks: FleetLocks,
    private readonly keeper: LeaseKeeper,
    /** Waiting for a lock gives up when the run stops. */
    private readonly stopSignal?: AbortSignal,
  ) {}

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    return this.local.run(key, async () => {
      const name = `stage:${key}`;
      while (!(await this.locks.tryLock(name, this.holder, this.keeper.leaseMs))) await waitOrWake(POLL_MS, this.stopSignal);
      const drop = this.keeper.hold({ kind: 'lock', name, holder: this.holder });
      try {
        return await fn();
      } finally {
        drop();
        await this.locks.unlock(name, this.holder).catch(() => undefined); // expires by itself otherwise
      }
    });
  }
}
