/**
 * The fleet's shared pieces on a real Redis, as two workers would use them (two connections): a 429 one
 * worker sees pauses the other; the in-flight cap holds for both; the budget holds across both, and a
 * refusal in one stops the other; a killed holder's slot, reservation and lock come back after the lease.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisFleet, type RedisFleet } from '../../../src/adapters/queue/redis-fleet.js';
import { redactIn, redactQueueUrl } from '../../../src/adapters/queue/index.js';
import { BudgetReachedError } from '../../../src/pipeline/batch/budget.js';
import { FleetBudget } from '../../../src/pipeline/batch/fleet-budget.js';
import { FleetFlights } from '../../../src/pipeline/batch/fleet-flights.js';
import { FleetGate } from '../../../src/pipeline/batch/fleet-gate.js';
import { LaneGate } from '../../../src/pipeline/batch/lane-gate.js';
import { LeaseKeeper } from '../../../src/pipeline/batch/lease-keeper.js';
import { requireRedisOrSkip, startRedisServer, type RedisServer } from '../../helpers/redis-server.js';

const withRedis = requireRedisOrSkip();
let server: RedisServer;
const connections: Redis[] = [];

beforeAll(async () => {
  if (withRedis) server = await startRedisServer();
});
afterAll(async () => {
  await Promise.all(connections.map((c) => c.quit()));
  await server?.stop();
});

/** One "worker": its own Redis connections, fleet and lease keeper. */
function workerFleet(ns: string, leaseMs = 10_000): { fleet: RedisFleet; keeper: LeaseKeeper } {
  const redis = new Redis(server.url);
  const sub = new Redis(server.url);
  connections.push(redis, sub);
  const fleet = createRedisFleet(redis, sub, ns, leaseMs);
  return { fleet, keeper: new LeaseKeeper(fleet.leases, leaseMs) };
}

function gateOf(w: { fleet: RedisFleet; keeper: LeaseKeeper }, maxInFlight: number): FleetGate {
  const gate = new FleetGate(new LaneGate(), w.fleet.slots, w.keeper);
  gate.define('openrouter', { maxInFlight });
  return gate;
}

describe.skipIf(!withRedis)('the fleet on Redis', () => {
  it('holds an in-flight cap across workers, and a slot freed by one lets the other start', async () => {
    const [a, b] = [workerFleet('t1'), workerFleet('t1')];
    const [ga, gb] = [gateOf(a, 2), gateOf(b, 2)];
    const l1 = await ga.acquire(['openrouter']);
    const l2 = await gb.acquire(['openrouter']);
    let third = false;
    const waiting = ga.acquire(['openrouter']).then((l) => ((third = true), l));
    await new Promise((r) => setTimeout(r, 300));
    expect(third).toBe(false); // each worker has room locally; the fleet has none
    l2.release('ok');
    const l3 = await waiting;
    expect(third).toBe(true);
    l1.release('ok');
    l3.release('ok');
  });

  it('a 429 seen by one worker pauses the lane for every worker', async () => {
    const [a, b] = [workerFleet('t2'), workerFleet('t2')];
    const [ga, gb] = [gateOf(a, 4), gateOf(b, 4)];
    ga.pause('openrouter', 600);
    await new Promise((r) => setTimeout(r, 50)); // the pause is written asynchronously
    const t0 = Date.now();
    const lease = await gb.acquire(['openrouter']);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(450);
    lease.release('ok');
  });

  it('a killed worker\'s slot, reservation and lock come back after the lease', async () => {
    const dead = workerFleet('t3', 400);
    const alive = workerFleet('t3', 400);
    await dead.fleet.slots.tryTake([{ name: 'openrouter', maxInFlight: 1 }], 'dead-holder', 400); // never released, never renewed
    const t0 = Date.now();
    const lease = await gateOf(alive, 1).acquire(['openrouter']);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    lease.release('ok');

    expect(await dead.fleet.locks.tryLock('stage:x', 'dead-holder', 400)).toBe(true);
    const flights = new FleetFlights(alive.fleet.locks, alive.keeper);
    const t1 = Date.now();
    expect(await flights.run('x', async () => 'computed')).toBe('computed');
    expect(Date.now() - t1).toBeGreaterThanOrEqual(250);

    const accounts = [{ key: 'run:t3', limitUsd: 1, spentUsd: 0 }];
    await alive.fleet.budget.open(accounts);
    expect(await dead.fleet.budget.tryReserve(accounts, 'dead-call', 0.6, 'a call', 400)).toEqual({ outcome: 'held' });
    await new Promise((r) => setTimeout(r, 500));
    // The dead worker's call may have been billed: its reservation now counts as spent.
    expect(await alive.fleet.budget.spent(accounts)).toEqual([0.6]);
  });

  it('holds a budget across workers: reservations never pass it, and a refusal stops every worker', async () => {
    const accounts = [{ key: 'run:t4', limitUsd: 1, spentUsd: 0.1 }];
    const [a, b] = [workerFleet('t4'), workerFleet('t4')];
    await a.fleet.budget.open(accounts);
    const [ba, bb] = [new FleetBudget(a.fleet.budget, accounts, a.keeper, 1), new FleetBudget(b.fleet.budget, accounts, b.keeper, 1)];
    // 0.1 spent; 0.4 + 0.4 fit; a third 0.4 waits for one of them, then fits once it settles at 0.1.
    const r1 = await ba.reserveWhenPossible(0.4, 'call 1');
    const r2 = await bb.reserveWhenPossible(0.4, 'call 2');
    let third = false;
    const r3p = ba.reserveWhenPossible(0.4, 'call 3').then((r) => ((third = true), r));
    await new Promise((r) => setTimeout(r, 300));
    expect(third).toBe(false);
    await r2.settle(0.1);
    const r3 = await r3p;
    await r1.settle(0.4);
    await r3.settle(0.3);
    expect(await ba.sync()).toBeCloseTo(0.9, 9);
    // 0.9 spent: a call that may cost 0.2 can never fit; it is refused, and so is every later one, on the other worker too.
    await expect(bb.reserveWhenPossible(0.2, 'call 4')).rejects.toThrow(BudgetReachedError);
    await expect(ba.reserveWhenPossible(0.01, 'call 5')).rejects.toThrow(/budget of \$1\.00 reached/);
  });

  it('never shows a queue URL password', () => {
    const url = 'redis://:s3cret-pass@redis.internal:6380/0';
    expect(redactQueueUrl(url)).toBe('redis://:***@redis.internal:6380/0');
    expect(redactIn(`connect ECONNREFUSED ${url} (password s3cret-pass)`, url)).not.toContain('s3cret-pass');
  });
});
