/**
 * The Lua scripts behind the Redis fleet (redis-fleet.ts). Each runs atomically in Redis, so a slot, a
 * budget reservation or a lock is taken by exactly one process however many ask at once. Time is Redis's
 * own clock (TIME), never a worker's, so leases expire the same for every machine.
 *
 * Why Lua and not BullMQ's rate limiter: BullMQ limits how many *jobs* a queue starts per interval, for the
 * whole queue; hitline's caps are per provider and per model, on *HTTP calls* inside a job (a product makes
 * calls to two or three models, with retries), with an in-flight cap, an interval cap and a shared pause
 * after a 429, and a call must hold a slot in two lanes at once. That is a few atomic steps on sorted sets.
 */

/** Redis's clock in ms, shared by every script. */
const NOW = `local t = redis.call('TIME'); local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/** A day: shared keys of idle lanes and finished runs go away by themselves. */
const IDLE_EXPIRY_MS = 86_400_000;

/**
 * KEYS: per lane held (zset holder→expiry), starts (zset id→start time), state (hash).
 * ARGV: holder, leaseMs, then per lane max, windowRequests (0: none), windowMs.
 * Returns {1} when taken, {0, waitMs} otherwise (waitMs 0: wait for a slot to be freed).
 */
export const TAKE_SLOTS = `${NOW}
local holder = ARGV[1]; local lease = tonumber(ARGV[2]); local n = #KEYS / 3
local wait = -1
for i = 0, n - 1 do
  local held, starts, state = KEYS[i*3+1], KEYS[i*3+2], KEYS[i*3+3]
  local max = tonumber(ARGV[3+i*3]); local winN = tonumber(ARGV[4+i*3]); local winMs = tonumber(ARGV[5+i*3])
  redis.call('ZREMRANGEBYSCORE', held, '-inf', now)
  if tonumber(redis.call('HGET', state, 'max')) ~= max then redis.call('HSET', state, 'max', max, 'cap', max, 'ok', 0) end
  local cap = tonumber(redis.call('HGET', state, 'cap'))
  local paused = tonumber(redis.call('HGET', state, 'pausedUntil') or '0')
  if paused > now then wait = math.max(wait, paused - now) end
  if redis.call('ZCARD', held) >= cap then wait = math.max(wait, 0) end
  if winN > 0 then
    redis.call('ZREMRANGEBYSCORE', starts, '-inf', now - winMs)
    local count = redis.call('ZCARD', starts)
    if count >= winN then
      local oldest = redis.call('ZRANGE', starts, count - winN, count - winN, 'WITHSCORES')
      wait = math.max(wait, tonumber(oldest[2]) + winMs - now)
    end
  end
end
if wait >= 0 then return {0, wait} end
for i = 0, n - 1 do
  redis.call('ZADD', KEYS[i*3+1], now + lease, holder)
  if tonumber(ARGV[4+i*3]) > 0 then redis.call('ZADD', KEYS[i*3+2], now, holder) end
  for k = 1, 3 do redis.call('PEXPIRE', KEYS[i*3+k], ${IDLE_EXPIRY_MS}) end
end
return {1}`;

/**
 * KEYS: per lane held, state. ARGV: holder, outcome, channel.
 * A 429 halves each lane's shared in-flight cap; a cap-full of successes grows it back by one.
 */
export const RELEASE_SLOTS = `
local holder = ARGV[1]; local outcome = ARGV[2]
for i = 0, #KEYS / 2 - 1 do
  local held, state = KEYS[i*2+1], KEYS[i*2+2]
  redis.call('ZREM', held, holder)
  local cap = tonumber(redis.call('HGET', state, 'cap') or '0'); local max = tonumber(redis.call('HGET', state, 'max') or '0')
  if outcome == 'rate-limited' then
    redis.call('HSET', state, 'cap', math.max(1, math.floor(cap / 2)), 'ok', 0)
  elseif outcome == 'ok' and cap < max then
    local ok = redis.call('HINCRBY', state, 'ok', 1)
    if ok >= cap then redis.call('HSET', state, 'cap', cap + 1, 'ok', 0) end
  end
end
redis.call('PUBLISH', ARGV[3], '1')
return 1`;

/** KEYS: state. ARGV: ms. Extends, never shortens, a pause in force. */
export const PAUSE_LANE = `${NOW}
local untilMs = now + tonumber(ARGV[1])
if untilMs > tonumber(redis.call('HGET', KEYS[1], 'pausedUntil') or '0') then redis.call('HSET', KEYS[1], 'pausedUntil', untilMs) end
redis.call('PEXPIRE', KEYS[1], ${IDLE_EXPIRY_MS})
return 1`;

/**
 * Budget accounts: per account `acct` (hash: spent, limit, closed), `held` (zset id→expiry) and `amt`
 * (hash id→usd). A reservation whose process died (its lease expired) counts as spent at its full amount:
 * its call may have been on the wire and billed.
 */
const SWEEP = `
local function sweep(acct, held, amt, now)
  local gone = redis.call('ZRANGEBYSCORE', held, '-inf', now)
  for _, id in ipairs(gone) do
    local usd = redis.call('HGET', amt, id)
    if usd then redis.call('HINCRBYFLOAT', acct, 'spent', usd); redis.call('HDEL', amt, id) end
    redis.call('ZREM', held, id)
  end
  local reserved = 0
  for _, v in ipairs(redis.call('HVALS', amt)) do reserved = reserved + tonumber(v) end
  return tonumber(redis.call('HGET', acct, 'spent') or '0'), reserved
end`;

/** KEYS: per account acct. ARGV: per account limit, spent recorded elsewhere. Opens (or re-opens) the accounts. */
export const OPEN_ACCOUNTS = `
for i = 1, #KEYS do
  local spent = tonumber(redis.call('HGET', KEYS[i], 'spent') or '0')
  redis.call('HSET', KEYS[i], 'limit', ARGV[i*2-1], 'spent', tostring(math.max(spent, tonumber(ARGV[i*2]))))
  redis.call('HDEL', KEYS[i], 'closed')
  redis.call('PEXPIRE', KEYS[i], ${IDLE_EXPIRY_MS * 31})
end
return 1`;

/**
 * KEYS: per account acct, held, amt. ARGV: id, usd, leaseMs.
 * Returns {0} held, {1} wait, {2, index, spent, reserved, limit} over, {3, index, message} closed.
 */
export const RESERVE = `${NOW}${SWEEP}
local id = ARGV[1]; local usd = tonumber(ARGV[2]); local lease = tonumber(ARGV[3]); local eps = 1e-9
local wait = false
for i = 0, #KEYS / 3 - 1 do
  local acct, held, amt = KEYS[i*3+1], KEYS[i*3+2], KEYS[i*3+3]
  local closed = redis.call('HGET', acct, 'closed')
  if closed then return {3, i, closed} end
  local limit = tonumber(redis.call('HGET', acct, 'limit') or '-1')
  if limit >= 0 then
    local spent, reserved = sweep(acct, held, amt, now)
    if spent + usd > limit + eps then return {2, i, tostring(spent), tostring(reserved), tostring(limit)} end
    if spent + reserved + usd > limit + eps then wait = true end
  end
end
if wait then return {1} end
for i = 0, #KEYS / 3 - 1 do
  redis.call('HSET', KEYS[i*3+3], id, tostring(usd))
  redis.call('ZADD', KEYS[i*3+2], now + lease, id)
end
return {0}`;

/** KEYS: per account acct, held, amt. ARGV: id, usd. Returns 1 when resized, 0 when growing no longer fits. */
export const RESIZE = `${NOW}${SWEEP}
local id = ARGV[1]; local usd = tonumber(ARGV[2]); local eps = 1e-9
for i = 0, #KEYS / 3 - 1 do
  local acct, held, amt = KEYS[i*3+1], KEYS[i*3+2], KEYS[i*3+3]
  local old = tonumber(redis.call('HGET', amt, id) or '0')
  local limit = tonumber(redis.call('HGET', acct, 'limit') or '-1')
  if usd > old and limit >= 0 then
    local spent, reserved = sweep(acct, held, amt, now)
    if spent + reserved - old + usd > limit + eps then return 0 end
  end
end
for i = 0, #KEYS / 3 - 1 do
  if redis.call('HEXISTS', KEYS[i*3+3], id) == 1 then redis.call('HSET', KEYS[i*3+3], id, tostring(usd)) end
end
return 1`;

/** KEYS: per account acct, held, amt. ARGV: id, actual usd (negative: unknown, the reserved amount counts). */
export const SETTLE = `
local id = ARGV[1]; local actual = tonumber(ARGV[2])
for i = 0, #KEYS / 3 - 1 do
  local acct, held, amt = KEYS[i*3+1], KEYS[i*3+2], KEYS[i*3+3]
  local usd = redis.call('HGET', amt, id)
  -- No reservation: it expired and was already counted at its full amount.
  if usd then
    redis.call('HINCRBYFLOAT', acct, 'spent', actual >= 0 and tostring(actual) or usd)
    redis.call('HDEL', amt, id)
    redis.call('ZREM', held, id)
  end
end
return 1`;

/** KEYS: per account acct, held, amt. Returns each account's spent as a string. */
export const SPENT = `${NOW}${SWEEP}
local out = {}
for i = 0, #KEYS / 3 - 1 do
  local spent = sweep(KEYS[i*3+1], KEYS[i*3+2], KEYS[i*3+3], now)
  out[#out + 1] = tostring(spent)
end
return out`;

/** KEYS: the zsets or lock keys to renew. ARGV: leaseMs, then one member per key ("" for a lock key: its holder is ARGV[2+n]). */
export const RENEW = `${NOW}
local lease = tonumber(ARGV[1]); local n = #KEYS
for i = 1, n do
  local kind = ARGV[1 + i]
  local member = ARGV[1 + n + i]
  if kind == 'z' then redis.call('ZADD', KEYS[i], 'XX', now + lease, member)
  elseif redis.call('GET', KEYS[i]) == member then redis.call('PEXPIRE', KEYS[i], lease) end
end
return 1`;

/** KEYS: lock. ARGV: holder. */
export const UNLOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
