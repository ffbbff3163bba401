/**
 * Caps on calls to providers, after p-queue's concurrency + interval caps, but across several lanes at once.
 * A lane is a provider ("openrouter") or one model at a provider; each has a cap on requests in flight and,
 * optionally, on requests started per interval (a sliding window: never more than N starts in any span of
 * `intervalMs`). A call names every lane it uses and starts only when all of them have room, so a
 * provider-wide cap and a per-model cap hold together.
 *
 * Waiters are served in arrival order within a lane, but a call blocked on one lane never holds back calls
 * that use other lanes (an analysis does not wait behind a queue of generations). A lane can be paused
 * (shared backoff after a 429: everyone waits, not just the request that was told to) and slowed down
 * (its in-flight cap halves after a 429 and grows back by one per cap-full of successes).
 */

export interface LaneLimits {
  /** Requests in flight at once (at least 1). */
  maxInFlight: number;
  /** At most `requests` started in any window of `intervalMs`. */
  perInterval?: { requests: number; intervalMs: number };
}

/** How a call ended, for the lane's adaptive cap. */
export type LaneOutcome = 'ok' | 'rate-limited' | 'failed';

export interface LaneLease {
  /** The lanes held. */
  readonly lanes: readonly string[];
  /** When the slot was granted (the gate's clock): the start counted by interval caps. */
  readonly startedAt: number;
  /** Frees the slot in every lane. Safe to call twice (the second call does nothing). */
  release(outcome: LaneOutcome): void;
}

export interface LaneStats {
  name: string;
  limits: LaneLimits;
  /** The in-flight cap in force now (lower than maxInFlight after a 429). */
  cap: number;
  inFlight: number;
  waiting: number;
  /** Requests started since the gate was made. */
  started: number;
  peakInFlight: number;
  rateLimited: number;
  /** Epoch ms until which the lane is paused (0 when it never was). */
  pausedUntil: number;
}

interface LaneState {
  name: string;
  limits: LaneLimits;
  cap: number;
  inFlight: number;
  /** Start times still inside the interval window, oldest first. */
  starts: number[];
  pausedUntil: number;
  okSinceChange: number;
  started: number;
  peakInFlight: number;
  rateLimited: number;
}

interface Waiter {
  lanes: LaneState[];
  grant: (startedAt: number) => void;
}

/** What the engine needs of a gate: this process's LaneGate, or one that also holds the fleet's caps (fleet-gate.ts). */
export interface Gate {
  define(name: string, limits: LaneLimits): void;
  has(name: string): boolean;
  acquire(laneNames: readonly string[], signal?: AbortSignal): Promise<LaneLease>;
  pause(laneName: string, ms: number): void;
  stats(): LaneStats[];
}

export interface LaneGateOptions {
  /** Injectable clock (ms). */
  now?: () => number;
}

export class LaneGate implements Gate {
  private readonly lanes = new Map<string, LaneState>();
  private readonly queue: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private readonly now: () => number;

  constructor(limits: Record<string, LaneLimits> = {}, options: LaneGateOptions = {}) {
    this.now = options.now ?? Date.now;
    for (const [name, l] of Object.entries(limits)) this.define(name, l);
  }

  /** Adds a lane, or changes the limits of an existing one (the current cap is reset to the new maximum). */
  define(name: string, limits: LaneLimits): void {
    checkLimits(name, limits);
    const existing = this.lanes.get(name);
    if (existing) {
      existing.limits = limits;
      existing.cap = limits.maxInFlight;
    } else {
      this.lanes.set(name, {
        name, limits, cap: limits.maxInFlight, inFlight: 0, starts: [], pausedUntil: 0, okSinceChange: 0, started: 0, peakInFlight: 0, rateLimited: 0,
      });
    }
    this.pump();
  }

  has(name: string): boolean {
    return this.lanes.has(name);
  }

  /** Waits until every named lane has room, then takes a slot in each. Rejects with the signal's reason on abort. */
  acquire(laneNames: readonly string[], signal?: AbortSignal): Promise<LaneLease> {
    const lanes = [...new Set(laneNames)].map((n) => {
      const lane = this.lanes.get(n);
      if (!lane) throw new Error(`no lane named "${n}" (known: ${[...this.lanes.keys()].join(', ')})`);
      return lane;
    });
    signal?.throwIfAborted();
    return new Promise<LaneLease>((resolve, reject) => {
      const onAbort = () => {
        const i = this.queue.indexOf(waiter);
        if (i >= 0) this.queue.splice(i, 1);
        reject(signal!.reason);
        this.pump();
      };
      const waiter: Waiter = {
        lanes,
        grant: (startedAt) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(this.lease(lanes, startedAt));
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
      this.pump();
    });
  }

  /** Holds every new start on this lane back for `ms` from now (extends, never shortens, a pause in force). */
  pause(laneName: string, ms: number): void {
    const lane = this.lanes.get(laneName);
    if (!lane) return;
    lane.pausedUntil = Math.max(lane.pausedUntil, this.now() + Math.max(0, ms));
    this.pump();
  }

  stats(): LaneStats[] {
    return [...this.lanes.values()].map((l) => ({
      name: l.name, limits: l.limits, cap: l.cap, inFlight: l.inFlight, started: l.started, peakInFlight: l.peakInFlight,
      rateLimited: l.rateLimited, pausedUntil: l.pausedUntil, waiting: this.queue.filter((w) => w.lanes.includes(l)).length,
    }));
  }

  private lease(lanes: LaneState[], startedAt: number): LaneLease {
    let released = false;
    return {
      lanes: lanes.map((l) => l.name),
      startedAt,
      release: (outcome) => {
        if (released) return;
        released = true;
        for (const lane of lanes) {
          lane.inFlight -= 1;
          adapt(lane, outcome);
        }
        this.pump();
      },
    };
  }

  /** Earliest time a new start is allowed by the pause and the interval window (ignoring the in-flight cap). */
  private readyAt(lane: LaneState, now: number): number {
    let at = lane.pausedUntil;
    const window = lane.limits.perInterval;
    if (window) {
      while (lane.starts.length > 0 && lane.starts[0] <= now - window.intervalMs) lane.starts.shift();
      if (lane.starts.length >= window.requests) at = Math.max(at, lane.starts[lane.starts.length - window.requests] + window.intervalMs);
    }
    return at;
  }

  /** Grants every waiter that can start now, in order; schedules a wake-up for time-based limits. */
  private pump(): void {
    const now = this.now();
    const blocked = new Set<LaneState>();
    let wakeAt = Infinity;
    for (let i = 0; i < this.queue.length; ) {
      const waiter = this.queue[i];
      let canStart = true;
      for (const lane of waiter.lanes) {
        if (blocked.has(lane)) {
          canStart = false;
          continue;
        }
        const readyAt = this.readyAt(lane, now);
        if (lane.inFlight >= lane.cap) {
          canStart = false;
          blocked.add(lane);
        } else if (readyAt > now) {
          canStart = false;
          blocked.add(lane);
          wakeAt = Math.min(wakeAt, readyAt);
        }
      }
      if (!canStart) {
        // Lanes that block this waiter are marked, so later waiters on them cannot jump ahead of it;
        // waiters on its other lanes may still start.
        i += 1;
        continue;
      }
      this.queue.splice(i, 1);
      for (const lane of waiter.lanes) {
        lane.inFlight += 1;
        lane.started += 1;
        lane.peakInFlight = Math.max(lane.peakInFlight, lane.inFlight);
        if (lane.limits.perInterval) lane.starts.push(now);
      }
      waiter.grant(now);
    }
    this.schedule(wakeAt, now);
  }

  private schedule(at: number, now: number): void {
    if (at === this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = at;
    if (at === Infinity) return;
    // Kept referenced: a waiter must keep the process alive until it is served.
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.pump();
    }, Math.max(1, at - now));
  }
}

/** After a 429 the lane's cap halves; it grows back by one after a cap-full of successful calls. */
function adapt(lane: LaneState, outcome: LaneOutcome): void {
  if (outcome === 'rate-limited') {
    lane.rateLimited += 1;
    lane.cap = Math.max(1, Math.floor(lane.cap / 2));
    lane.okSinceChange = 0;
  } else if (outcome === 'ok' && lane.cap < lane.limits.maxInFlight) {
    lane.okSinceChange += 1;
    if (lane.okSinceChange >= lane.cap) {
      lane.cap += 1;
      lane.okSinceChange = 0;
    }
  }
}

function checkLimits(name: string, l: LaneLimits): void {
  if (!Number.isInteger(l.maxInFlight) || l.maxInFlight < 1) throw new Error(`lane "${name}": maxInFlight must be a whole number >= 1, got ${l.maxInFlight}`);
  const w = l.perInterval;
  if (w && (!Number.isInteger(w.requests) || w.requests < 1 || !(w.intervalMs > 0))) {
    throw new Error(`lane "${name}": perInterval needs requests >= 1 and intervalMs > 0, got ${JSON.stringify(w)}`);
  }
}
