/**
 * Runs an async function over items with at most `concurrency` calls in flight and yields the results in
 * input order. Only the in-flight results (plus the one being consumed) are held, so memory stays bounded
 * however many items there are.
 */
export async function* mapOrdered<T, R>(
  items: Iterable<T>,
  concurrency: number,
  fn: (item: T) => Promise<R>,
): AsyncGenerator<R> {
  const width = Math.max(1, Math.floor(concurrency));
  const source = items[Symbol.iterator]();
  // Settled wrappers, so a rejection that is not awaited yet is never an unhandled rejection.
  const inFlight: Array<Promise<{ ok: true; value: R } | { ok: false; error: unknown }>> = [];
  const refill = () => {
    while (inFlight.length < width) {
      const next = source.next();
      if (next.done) return;
      inFlight.push(fn(next.value).then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error })));
    }
  };
  refill();
  while (inFlight.length > 0) {
    const settled = await inFlight.shift()!;
    if (!settled.ok) throw settled.error;
    refill();
    yield settled.value;
  }
}
