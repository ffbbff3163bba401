/** What the fleet tests read from the fake OpenRouter's request log: calls in flight at once, starts per window, repeats. */
import { createHash } from 'node:crypto';
import type { FakeRequestLog } from '../../fakes/openrouter-fake.js';

/** A paid call the fake completed: answered 200 with no fault (a fault makes hitline try again, legitimately). */
export function completedCall(r: FakeRequestLog): boolean {
  return (r.endpoint === 'chat' || r.endpoint === 'embeddings') && r.status === 200 && r.fault === undefined;
}

/** Everything the model is given: the same key twice is the same call paid twice. */
export function callKey(r: FakeRequestLog): string {
  return createHash('sha256').update(JSON.stringify({ path: r.path, body: r.body })).digest('hex');
}

/** The most requests matching `which` that were in flight at the fake at the same moment. */
export function peakInFlight(log: readonly FakeRequestLog[], which: (r: FakeRequestLog) => boolean): number {
  const edges: Array<[number, number]> = [];
  for (const r of log.filter(which)) {
    edges.push([r.arrivedAt, 1]);
    edges.push([r.answeredAt ?? Infinity, -1]);
  }
  // At equal times an answer leaves before an arrival counts (the slot was freed first).
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let peak = 0;
  for (const [, d] of edges) peak = Math.max(peak, (now += d));
  return peak;
}

/** The most requests matching `which` that arrived within any window of `windowMs`. */
export function peakPerWindow(log: readonly FakeRequestLog[], which: (r: FakeRequestLog) => boolean, windowMs: number): number {
  const times = log.filter(which).map((r) => r.arrivedAt).sort((a, b) => a - b);
  let peak = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i] - times[j] >= windowMs) j++;
    peak = Math.max(peak, i - j + 1);
  }
  return peak;
}

export const modelOf = (model: string) => (r: FakeRequestLog) => r.body?.model === model;
