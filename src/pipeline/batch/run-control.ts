/**
 * Whether a batch may still start work. `stop` is the soft stop (Ctrl-C once, budget reached, no credits):
 * no new call starts, calls in flight finish and their results are kept. `cancel` is the hard stop
 * (Ctrl-C twice): calls in flight are aborted through the signal every paid call listens to.
 */
import { setMaxListeners } from 'node:events';
import { HitlineError } from '../../core/errors.js';

export type StopReason = 'interrupted' | 'budget' | 'credits' | 'auth';

/** Thrown instead of starting work after the run was told to stop; the product is left for a resume. */
export class RunStoppedError extends HitlineError {
  constructor(readonly reason: StopReason, message: string) {
    super(message);
  }
}

export class RunControl {
  private readonly hard = new AbortController();
  private readonly soft = new AbortController();
  private stopped: { reason: StopReason; message: string } | undefined;
  private readonly listeners: Array<(reason: StopReason, message: string) => void> = [];

  constructor() {
    // Every call in flight and every waiter listens to these two for as long as it lasts: hundreds at once is normal.
    setMaxListeners(0, this.hard.signal, this.soft.signal);
  }

  /** Aborted by `cancel()`: every paid call's signal follows it. */
  get cancelSignal(): AbortSignal {
    return this.hard.signal;
  }

  /** Aborted by `stop()` (and `cancel()`): calls still waiting for a slot or for budget give up. */
  get stopSignal(): AbortSignal {
    return this.soft.signal;
  }

  get stopReason(): StopReason | undefined {
    return this.stopped?.reason;
  }

  get stopMessage(): string | undefined {
    return this.stopped?.message;
  }

  get cancelled(): boolean {
    return this.hard.signal.aborted;
  }

  /** Soft stop; the first reason wins. Returns false when the run was already stopping. */
  stop(reason: StopReason, message: string): boolean {
    if (this.stopped) return false;
    this.stopped = { reason, message };
    this.soft.abort(new RunStoppedError(reason, message));
    for (const l of this.listeners) l(reason, message);
    return true;
  }

  /** Hard stop: also aborts calls in flight. */
  cancel(message = 'cancelled: calls in flight were aborted'): void {
    this.stop('interrupted', message);
    if (!this.hard.signal.aborted) this.hard.abort(new RunStoppedError(this.stopped!.reason, message));
  }

  onStop(listener: (reason: StopReason, message: string) => void): void {
    this.listeners.push(listener);
  }

  /** Throws RunStoppedError when no new work may start. */
  throwIfStopped(): void {
    if (this.stopped) throw new RunStoppedError(this.stopped.reason, this.stopped.message);
  }
}
