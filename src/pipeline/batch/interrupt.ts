/**
 * Ctrl-C during a batch. The first SIGINT (or SIGTERM) stops taking new work and lets the calls in flight
 * finish, so what they cost is not wasted: their results are stored and a resume will not pay for them
 * again. The second cancels the calls in flight. After that the handler steps aside, so a third ends the
 * process the usual way.
 */
import type { RunControl } from './run-control.js';

export interface InterruptOptions {
  /** Where the signals come from (default: process). */
  source?: Pick<NodeJS.Process, 'on' | 'off'>;
  signals?: NodeJS.Signals[];
  /** Tells the user what happens now. */
  notify: (message: string) => void;
  /** Calls in flight now, for the message. */
  inFlight?: () => number;
}

/** Installs the handlers; returns a function that removes them. */
export function handleInterrupts(control: RunControl, options: InterruptOptions): () => void {
  const source = options.source ?? process;
  const signals = options.signals ?? ['SIGINT', 'SIGTERM'];
  let count = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    count += 1;
    if (count === 1) {
      const n = options.inFlight?.() ?? 0;
      control.stop('interrupted', `interrupted (${signal === 'SIGINT' ? 'Ctrl-C' : signal})`);
      options.notify(
        `Stopping: no new work starts${n > 0 ? `; waiting for ${n} call(s) in flight to finish (their results are kept)` : ''}. Press Ctrl-C again to cancel them.`,
      );
    } else {
      control.cancel(`cancelled (${signal === 'SIGINT' ? 'Ctrl-C' : signal} twice)`);
      options.notify('Cancelling the calls in flight.');
      dispose();
    }
  };
  const dispose = () => {
    for (const s of signals) source.off(s, onSignal);
  };
  for (const s of signals) source.on(s, onSignal);
  return dispose;
}
