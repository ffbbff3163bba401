/**
 * The Fleet port on Redis: slots per provider lane, budget accounts and stage locks, each step one Lua
 * script (fleet-scripts.ts), so every worker on every machine sees one set of caps and one budget.
 * Keys live under `<namespace>:` (the queue's name), so several hitline deployments can share a Redis.
 */
import type { Redis } from 'ioredis';
import type { Fleet, FleetAccount, FleetBudgetStore, FleetLane, FleetLeases, FleetLocks, FleetSlots } from '../../ports/fleet.js';
import { OPEN_ACCOUNTS, PAUSE_LANE, RELEASE_SLOTS, RENEW, RESERVE, RESIZE, SETTLE, SPENT, TAKE_SLOTS, UNLOCK } from './fleet-scripts.js';

const SCRIPTS = {
  hlTakeSlots: TAKE_SLOTS, hlReleaseSlots: RELEASE_SLOTS, hlPauseLane: PAUSE_LANE, hlOpenAccounts: OPEN_ACCOUNTS, hlReserve: RESERVE,
  hlResize: RESIZE, hlSettle: SETTLE, hlSpent: SPENT, hlRenew: RENEW, hlUnlock: UNLOCK,
};
type ScriptName = keyof typeof SCRIPTS;

/** Default lease: a process that stops renewing (SIGKILL) gives back its slots and locks within this time. */
export const DEFAULT_LEASE_MS = 15_000;

export interface RedisFleet extends Fleet {
  budget: FleetBudgetStore & { open(accounts: readonly FleetAccount[]): Promise<void> };
  close(): Promise<void>;
}

/**
 * `redis` runs the scripts; `subscriber` (a second connection: a subscribed one can do nothing else)
 * hears when a slot is freed anywhere.
 */
export function createRedisFleet(redis: Redis, subscriber: Redis, namespace: string, leaseMs = DEFAULT_LEASE_MS): RedisFleet {
  for (const [name, lua] of Object.entries(SCRIPTS)) if (!(name in redis)) redis.defineCommand(name, { lua });
  const run = (name: ScriptName, keys: string[], args: Array<string | number>): Promise<unknown> =>
    (redis as unknown as Record<string, (...a: Array<string | number>) => Promise<unknown>>)[name](keys.length, ...keys, ...args);

  const lane = (name: string) => ({ held: `${namespace}:lane:${name}:held`, starts: `${namespace}:lane:${name}:starts`, state: `${namespace}:lane:${name}:state` });
  const account = (key: string) => ({ acct: `${namespace}:budget:${key}`, held: `${namespace}:budget:${key}:held`, amt: `${namespace}:budget:${key}:amt` });
  const accountKeys = (accounts: readonly FleetAccount[]) => accounts.flatMap((a) => Object.values(account(a.key)));
  const freedChannel = `${namespace}:lanes:freed`;

  const listeners = new Set<() => void>();
  let subscribed: Promise<unknown> | undefined;
  subscriber.on('message', (channel: string) => {
    if (channel === freedChannel) for (const l of listeners) l();
  });

  const slots: FleetSlots = {
    async tryTake(lanes: readonly FleetLane[], holder, lease) {
      const keys = lanes.flatMap((l) => Object.values(lane(l.name)));
      const args = lanes.flatMap((l) => [l.maxInFlight, l.perInterval?.requests ?? 0, l.perInterval?.intervalMs ?? 0]);
      const [taken, wait] = (await run('hlTakeSlots', keys, [holder, lease, ...args])) as [number, number?];
      return taken === 1 ? { taken: true } : { taken: false, retryInMs: Number(wait) };
    },
    async release(lanes, holder, outcome) {
      await run('hlReleaseSlots', lanes.flatMap((l) => [lane(l.name).held, lane(l.name).state]), [holder, outcome, freedChannel]);
    },
    async pause(name, ms) {
      await run('hlPauseLane', [lane(name).state], [Math.ceil(ms)]);
    },
    onFreed(listener) {
      subscribed ??= subscriber.subscribe(freedChannel).catch(() => (subscribed = undefined));
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };

  const budget: RedisFleet['budget'] = {
    async open(accounts) {
      await run('hlOpenAccounts', accounts.map((a) => account(a.key).acct), accounts.flatMap((a) => [a.limitUsd, a.spentUsd]));
    },
    async tryReserve(accounts, id, usd, what, lease) {
      const r = (await run('hlReserve', accountKeys(accounts), [id, usd, lease])) as [number, number?, string?, string?, string?];
      if (r[0] === 0) return { outcome: 'held' };
      if (r[0] === 1) return { outcome: 'wait' };
      const a = accounts[Number(r[1])];
      if (r[0] === 3) return { outcome: 'over', message: String(r[2]), account: Number(r[1]) };
      const [spent, reserved, limit] = [Number(r[2]), Number(r[3]), Number(r[4])];
      return { outcome: 'over', account: Number(r[1]), message: `${a.key.startsWith('tenant:') ? 'the tenant\'s monthly budget' : 'budget'} of ${usd$(limit)} reached: ${usd$(spent)} spent, ${usd$(reserved)} in flight, and ${what} may cost up to ${usd$(usd)}` };
    },
    async resize(accounts, id, usd) {
      return (await run('hlResize', accountKeys(accounts), [id, usd])) === 1;
    },
    async settle(accounts, id, actual) {
      await run('hlSettle', accountKeys(accounts), [id, actual ?? -1]);
    },
    async close(accounts, message) {
      const m = redis.multi();
      for (const a of accounts) m.hsetnx(account(a.key).acct, 'closed', message);
      await m.exec();
    },
    async spent(accounts) {
      return ((await run('hlSpent', accountKeys(accounts), [])) as string[]).map(Number);
    },
  };

  const lockKey = (name: string) => `${namespace}:lock:${name}`;
  const locks: FleetLocks = {
    async tryLock(name, holder, lease) {
      return (await redis.set(lockKey(name), holder, 'PX', lease, 'NX')) === 'OK';
    },
    async unlock(name, holder) {
      await run('hlUnlock', [lockKey(name)], [holder]);
    },
  };

  const leases: FleetLeases = {
    async renew(items, lease) {
      const keys: string[] = [];
      const kinds: string[] = [];
      const members: string[] = [];
      for (const it of items) {
        if (it.kind === 'slot') for (const l of it.lanes) keys.push(lane(l).held), kinds.push('z'), members.push(it.holder);
        else if (it.kind === 'reservation') for (const a of it.accounts) keys.push(account(a).held), kinds.push('z'), members.push(it.id);
        else keys.push(lockKey(it.name)), kinds.push('k'), members.push(it.holder);
      }
      if (keys.length) await run('hlRenew', keys, [lease, ...kinds, ...members]);
    },
  };

  return {
    slots, budget, locks, leases, leaseMs,
    async close() {
      listeners.clear();
    },
  };
}

/** As the engine writes amounts (pipeline/batch/budget.ts). */
function usd$(n: number): string {
  if (n === 0) return '$0';
  return n < 0.01 ? `$${n.toFixed(4)}` : `$${n.toFixed(2)}`;
}
