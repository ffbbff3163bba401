/**
 * The gate of a fleet worker: a call takes a slot in this process's LaneGate (its own fair queue, in
 * arrival order), then in the fleet's lanes (one atomic step in Redis for all of them), so the provider's
 * and each model's caps hold for every worker together. A 429 seen here pauses the lane for every worker
 * and halves its shared cap. Waiting for a fleet slot wakes when any worker frees one, or after a poll.
 */
import { randomUUID } from 'node:crypto';
import type { FleetLane, FleetSlots } from '../../ports/fleet.js';
import type { Gate, LaneGate, LaneLease, LaneLimits, LaneStats } from './lane-gate.js';
import { waitOrWake, type LeaseKeeper } from './lease-keeper.js';

/** Longest wait before asking the fleet again when no worker said it freed a slot. */
const POLL_MS = 250;

export class FleetGate implements Gate {
  private readonly limits = new Map<string, LaneLimits>();

  constructor(
    private readonly local: LaneGate,
    private readonly slots: FleetSlots,
    private readonly keeper: LeaseKeeper,
    private readonly onError: (e: unknown) => void = () => {},
  ) {}

  define(name: string, limits: LaneLimits): void {
    this.limits.set(name, limits);
    this.local.define(name, limits);
  }

  has(name: string): boolean {
    return this.local.has(name);
  }

  stats(): LaneStats[] {
    return this.local.stats();
  }

  pause(laneName: string, ms: number): void {
    this.local.pause(laneName, ms);
    this.slots.pause(laneName, ms).catch(this.onError);
  }

  async acquire(laneNames: readonly string[], signal?: AbortSignal): Promise<LaneLease> {
    const lease = await this.local.acquire(laneNames, signal);
    const lanes: FleetLane[] = lease.lanes.map((name) => ({ name, ...(this.limits.get(name) ?? { maxInFlight: 1 }) }));
    const holder = randomUUID();
    try {
      for (;;) {
        signal?.throwIfAborted();
        const r = await this.slots.tryTake(lanes, holder, this.keeper.leaseMs);
        if (r.taken) break;
        await waitOrWake(r.retryInMs > 0 ? r.retryInMs : POLL_MS, signal, r.retryInMs > 0 ? undefined : (l) => this.slots.onFreed(l));
      }
    } catch (e) {
      lease.release('failed');
      throw e;
    }
    const drop = this.keeper.hold({ kind: 'slot', lanes: lease.lanes, holder });
    return {
      lanes: lease.lanes,
      startedAt: lease.startedAt,
      release: (outcome) => {
        lease.release(outcome);
        drop();
        // If Redis is unreachable now, the slot's lease runs out by itself.
        this.slots.release(lanes, holder, outcome).catch(this.onError);
      },
    };
  }
}
