/**
 * Keeps a worker's fleet leases (slots, budget reservations, stage locks) alive: every third of a lease it
 * renews everything still held, in one round trip. A process killed with SIGKILL stops renewing, and what
 * it held expires for everyone else within one lease.
 */
import type { FleetLeases } from '../../ports/fleet.js';

type Lease = Parameters<FleetLeases['renew']>[0][number];

export class LeaseKeeper {
  private readonly held = new Set<Lease>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly leases: FleetLeases, readonly leaseMs: number, private readonly onError: (e: unknown) => void = () => {}) {}

  /** Keeps `lease` alive until the returned function is called. */
  hold(lease: Lease): () => void {
    this.held.add(lease);
    this.timer ??= setInterval(() => this.renewAll(), Math.max(50, Math.floor(this.leaseMs / 3))).unref();
    return () => {
      this.held.delete(lease);
      if (this.held.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    };
  }

  private renewAll(): void {
    if (this.held.size > 0) this.leases.renew([...this.held], this.leaseMs).catch(this.onError);
  }
}

/** Resolves after `ms`, or sooner when `wake` fires; rejects with the signal's reason on abort. */
export function waitOrWake(ms: number, signal: AbortSignal | undefined, wake?: (listener: () => void) => () => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      unsubscribe?.();
      signal?.removeEventListener('abort', aborted);
    };
    const aborted = () => {
      done();
      reject(signal!.reason);
    };
    const timer = setTimeout(() => (done(), resolve()), Math.max(1, ms));
    const unsubscribe = wake?.(() => (done(), resolve()));
    if (signal?.aborted) return aborted();
    signal?.addEventListener('abort', aborted, { once: true });
  });
}
