/**
 * What the per-port contract suites share: declared skips, and aborting a call while it is in flight.
 *
 * A suite lists its tests by name; an adapter's runner passes `skips` naming the tests the adapter cannot
 * pass and why. A skipped test is registered with `it.skip`, its reason in its title, and the skip list is
 * printed when the suite is collected: a skip is always visible, never a silent `if` inside a test.
 */
import { it } from 'vitest';

export interface ContractSkip<Name extends string = string> {
  /** The test's name, exactly as the suite lists it. */
  test: Name;
  /** Why this adapter cannot do it (printed beside the skipped test). */
  reason: string;
}

export interface ContractOptions<Name extends string> {
  skips?: ReadonlyArray<ContractSkip<Name>>;
}

/**
 * Returns the suite's `test(name, fn)`: `it` for the tests the adapter runs, `it.skip` (reason in the title)
 * for the ones it declared skipped. A skip naming no test of the suite throws, so a renamed test cannot
 * leave a stale skip behind.
 */
export function contractTests<Name extends string>(suite: string, names: readonly Name[], skips: ReadonlyArray<ContractSkip<Name>> = []) {
  for (const s of skips) {
    if (!names.includes(s.test)) throw new Error(`${suite}: the skip "${s.test}" names no test of this contract (it has: ${names.join('; ')})`);
    if (!s.reason.trim()) throw new Error(`${suite}: the skip "${s.test}" gives no reason`);
  }
  if (skips.length) console.info(`${suite} skips ${skips.length} of ${names.length} tests:\n${skips.map((s) => `  - ${s.test}: ${s.reason}`).join('\n')}`);
  return (name: Name, fn: () => Promise<void>, timeoutMs?: number): void => {
    const skip = skips.find((s) => s.test === name);
    if (skip) it.skip(`${name} [skipped: ${skip.reason}]`, fn);
    else it(name, fn, timeoutMs);
  };
}

/** A capability a test needs from the runner; without it the test fails saying what to give or to skip. */
export function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`this test needs ${what}: give it, or have the runner declare a skip of this test with the reason`);
  return value;
}

/** Without a way to hold a call, the abort lands this long after the call starts. */
export const ABORT_AFTER_MS = 5;

/**
 * Makes the backend hold its answer to the next call, and resolves once that call has reached it (e.g. a
 * fake server that hangs). Called synchronously just before the call starts.
 */
export type HoldNextCall = () => Promise<void>;

/**
 * Starts `call` with a fresh signal, aborts it while it is in flight, and returns how it settled (the
 * rejection, or `{ resolved }`). In flight means: the backend holds it (`hold`), or, for adapters that
 * work in this process, ABORT_AFTER_MS after it started; their runner gives inputs that take far longer.
 * A call that settled before the abort fails the test, since it tested nothing.
 */
export async function abortMidCall<T>(call: (signal: AbortSignal) => Promise<T>, hold?: HoldNextCall): Promise<unknown> {
  const controller = new AbortController();
  const held = hold?.();
  let settled = false;
  const running = call(controller.signal).then(
    (resolved) => ({ resolved }),
    (error: unknown) => error,
  );
  void running.then(() => (settled = true));
  // Raced with the call, so a call that fails before it reaches the backend does not leave the test waiting.
  await Promise.race([held ?? new Promise((r) => setTimeout(r, ABORT_AFTER_MS)), running]);
  if (settled) {
    const outcome = await running;
    const how = outcome instanceof Error ? `it threw ${outcome.name}: ${outcome.message}` : 'it resolved';
    throw new Error(`the call settled before it could be aborted mid-call (${how}); give the runner slower inputs or a way to hold the call`);
  }
  controller.abort();
  return running;
}

/** What an aborted call rejects with: the signal's reason, a DOMException named AbortError. */
export const ABORT_ERROR = { name: 'AbortError' } as const;
