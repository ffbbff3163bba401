import { describe, expect, it } from 'vitest';
import { LaneGate, type LaneLease } from '../../../src/pipeline/batch/lane-gate.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `count` calls through the gate, each holding its slot for `holdMs`; records starts and peak concurrency. */
async function drive(gate: LaneGate, lanes: string[], count: number, holdMs: number, inFlight: { now: number; peak: number }) {
  const starts: number[] = [];
  await Promise.all(
    Array.from({ length: count }, async () => {
      const lease = await gate.acquire(lanes);
      starts.push(lease.startedAt);
      inFlight.now += 1;
      inFlight.peak = Math.max(inFlight.peak, inFlight.now);
      await sleep(holdMs);
      inFlight.now -= 1;
      lease.release('ok');
    }),
  );
  return starts;
}

describe('LaneGate', () => {
  it('never has more calls in flight than the cap, and serves them all', async () => {
    const gate = new LaneGate({ p: { maxInFlight: 3 } });
    const counter = { now: 0, peak: 0 };
    const starts = await drive(gate, ['p'], 12, 15, counter);
    expect(starts).toHaveLength(12);
    expect(counter.peak).toBe(3);
    expect(gate.stats()[0]).toMatchObject({ inFlight: 0, started: 12, peakInFlight: 3, waiting: 0 });
  });

  it('never starts more than N calls in any window of the interval', async () => {
    const gate = new LaneGate({ p: { maxInFlight: 100, perInterval: { requests: 4, intervalMs: 120 } } });
    const t0 = Date.now();
    const starts = await drive(gate, ['p'], 10, 1, { now: 0, peak: 0 });
    starts.sort((a, b) => a - b);
    for (let i = 4; i < starts.length; i++) expect(starts[i] - starts[i - 4]).toBeGreaterThanOrEqual(120);
    // 10 starts at 4 per window need at least two full windows.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(240);
  });

  it('holds a call until every lane it names has room; a full lane does not block calls on other lanes', async () => {
    const gate = new LaneGate({ provider: { maxInFlight: 4 }, genModel: { maxInFlight: 2 }, textModel: { maxInFlight: 2 } });
    const order: string[] = [];
    const held: LaneLease[] = [];
    const gens = Array.from({ length: 5 }, (_, i) =>
      gate.acquire(['genModel', 'provider']).then((l) => {
        order.push(`gen${i}`);
        held.push(l);
      }),
    );
    const text = gate.acquire(['textModel', 'provider']).then((l) => {
      order.push('text');
      held.push(l);
    });
    await text;
    // Two generations started (their model cap), the text call went past the three queued ones.
    expect(order).toEqual(['gen0', 'gen1', 'text']);
    expect(gate.stats().find((s) => s.name === 'provider')).toMatchObject({ inFlight: 3 });
    // Freeing a generation slot lets the next queued generation in, in arrival order.
    held.shift()!.release('ok');
    await sleep(5);
    expect(order).toEqual(['gen0', 'gen1', 'text', 'gen2']);
    for (const l of held) l.release('ok');
    await Promise.all(gens);
    expect(order.slice(-2)).toEqual(['gen3', 'gen4']);
  });

  it('respects the provider cap over several models', async () => {
    const gate = new LaneGate({ provider: { maxInFlight: 3 }, a: { maxInFlight: 3 }, b: { maxInFlight: 3 } });
    const counter = { now: 0, peak: 0 };
    await Promise.all([drive(gate, ['a', 'provider'], 6, 10, counter), drive(gate, ['b', 'provider'], 6, 10, counter)]);
    expect(counter.peak).toBe(3);
  });

  it('a pause holds every new start on the lane (shared backoff)', async () => {
    const gate = new LaneGate({ provider: { maxInFlight: 8 } });
    gate.pause('provider', 100);
    gate.pause('provider', 20); // never shortens
    const t0 = Date.now();
    const lease = await gate.acquire(['provider']);
    expect(lease.startedAt - t0).toBeGreaterThanOrEqual(95);
    lease.release('ok');
  });

  it('halves the in-flight cap after a 429 and grows it back with successes', async () => {
    const gate = new LaneGate({ m: { maxInFlight: 8 } });
    (await gate.acquire(['m'])).release('rate-limited');
    expect(gate.stats()[0].cap).toBe(4);
    (await gate.acquire(['m'])).release('rate-limited');
    expect(gate.stats()[0].cap).toBe(2);
    for (let i = 0; i < 2; i++) (await gate.acquire(['m'])).release('ok');
    expect(gate.stats()[0].cap).toBe(3);
    for (let i = 0; i < 40; i++) (await gate.acquire(['m'])).release('ok');
    expect(gate.stats()[0]).toMatchObject({ cap: 8, rateLimited: 2 });
  });

  it('a waiter whose signal aborts leaves the queue with the signal reason and takes no slot', async () => {
    const gate = new LaneGate({ p: { maxInFlight: 1 } });
    const first = await gate.acquire(['p']);
    const controller = new AbortController();
    const waiting = gate.acquire(['p'], controller.signal);
    controller.abort(new Error('stop now'));
    await expect(waiting).rejects.toThrow('stop now');
    first.release('ok');
    const next = await gate.acquire(['p']);
    expect(gate.stats()[0]).toMatchObject({ inFlight: 1, waiting: 0 });
    next.release('ok');
    next.release('ok'); // twice is harmless
    expect(gate.stats()[0].inFlight).toBe(0);
  });

  it('rejects unknown lanes and bad limits', () => {
    const gate = new LaneGate({ p: { maxInFlight: 1 } });
    expect(() => gate.acquire(['nope'])).toThrow(/no lane named "nope"/);
    expect(() => gate.define('x', { maxInFlight: 0 })).toThrow(/maxInFlight/);
    expect(() => gate.define('x', { maxInFlight: 1, perInterval: { requests: 0, intervalMs: 10 } })).toThrow(/perInterval/);
  });
});
