/**
 * At most one computation per key at a time: a second caller with the same key while the first is running
 * gets the first one's result instead of starting its own. Two rows of a batch with the same inputs (same
 * photo, same fields) share one stage key; without this they would both pay for the same generation.
 */
/** One computation per key at a time: in this process (SingleFlight), or across a fleet (fleet-flights.ts). */
export interface Flights {
  run<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

export class SingleFlight implements Flights {
  private readonly running = new Map<string, Promise<unknown>>();

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const existing = this.running.get(key);
    if (existing) return existing as Promise<T>;
    const p = (async () => fn())().finally(() => this.running.delete(key));
    this.running.set(key, p);
    return p;
  }

  get size(): number {
    return this.running.size;
  }
}
