/**
 * Connections to the Redis behind the queue, from a `redis://` or `rediss://` URL (HITLINE_QUEUE or
 * `--queue`). A lost connection is retried with exponential backoff (up to 10 s apart), and each retry is
 * reported once with the URL redacted: a Redis URL may carry a password, which never reaches a log line or
 * an error message.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { HitlineError, UserInputError } from '../../core/errors.js';

/** Backoff between reconnection attempts: 200 ms doubling up to 10 s. */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(10_000, 200 * 2 ** Math.max(0, attempt - 1));
}

/** The URL with any password (and user name) replaced by "***". Unparseable text is redacted whole. */
export function redactQueueUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    if (u.username) u.username = '***';
    return u.toString();
  } catch {
    return '<unparseable queue URL>';
  }
}

/** Removes the URL (and its password) from a message that might echo it. */
export function redactIn(message: string, url: string): string {
  let out = message.split(url).join(redactQueueUrl(url));
  try {
    const password = decodeURIComponent(new URL(url).password);
    if (password) out = out.split(password).join('***');
  } catch {
    // nothing more to hide
  }
  return out;
}

export function checkQueueUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UserInputError('the queue URL is not a URL', { hint: 'Write it as redis://HOST:PORT (or redis://:PASSWORD@HOST:PORT, rediss:// for TLS), in HITLINE_QUEUE or --queue.' });
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new UserInputError(`the queue URL ${redactQueueUrl(url)} is not a redis:// or rediss:// URL`, { hint: 'hitline queues runs on Redis (BullMQ): e.g. redis://127.0.0.1:6379.' });
  }
  return u;
}

export interface ConnectionReports {
  /** Told once per lost connection and once when it is back. */
  onStatus?: (message: string) => void;
}

/**
 * A connection for BullMQ and hitline's own scripts. `blocking`: for BullMQ workers and event readers,
 * whose commands wait on Redis and must never give up (maxRetriesPerRequest null).
 */
export function openRedis(url: string, reports: ConnectionReports = {}, options: { blocking?: boolean } = {}): Redis {
  checkQueueUrl(url);
  let lost = false;
  const safe = redactQueueUrl(url);
  const redisOptions: RedisOptions = {
    lazyConnect: false,
    maxRetriesPerRequest: options.blocking ? null : 20,
    enableReadyCheck: true,
    retryStrategy: (attempt) => {
      const wait = reconnectDelayMs(attempt);
      reports.onStatus?.(`lost the queue at ${safe}; reconnecting in ${(wait / 1000).toFixed(1)} s (attempt ${attempt})`);
      lost = true;
      return wait;
    },
  };
  const redis = new Redis(url, redisOptions);
  redis.on('ready', () => {
    if (lost) reports.onStatus?.(`reconnected to the queue at ${safe}`);
    lost = false;
  });
  // Without a listener ioredis prints every error with the URL; the retry strategy above reports instead.
  redis.on('error', () => {});
  return redis;
}

/** Fails fast (for `doctor` and for commands that start with a queue): can Redis be reached within `ms`? */
export async function pingQueue(url: string, ms = 3_000): Promise<{ version: string; latencyMs: number }> {
  checkQueueUrl(url);
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: ms });
  redis.on('error', () => {});
  try {
    const t0 = performance.now();
    await redis.connect();
    await redis.ping();
    const latencyMs = performance.now() - t0;
    const info = await redis.info('server');
    const version = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
    return { version, latencyMs };
  } catch (e) {
    throw new HitlineError(`cannot reach the queue at ${redactQueueUrl(url)}: ${redactIn(e instanceof Error ? e.message : String(e), url)}`, {
      hint: 'Start Redis (redis-server), or check the host, port and password in HITLINE_QUEUE / --queue.',
      retryable: true,
    });
  } finally {
    redis.disconnect();
  }
}
