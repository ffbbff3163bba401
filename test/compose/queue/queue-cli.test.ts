/**
 * The queue from the command line: `hitline worker`, `queue status` and `doctor --queue` against a real
 * Redis that asks for a password (so every message can be checked for it); a worker that cannot reach Redis,
 * one that loses it, and one stopped with SIGTERM.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { requireRedisOrSkip, startRedisServer, type RedisServer } from '../../helpers/redis-server.js';
import { startCli, type CliChild } from '../../pipeline/batch/cli-child.js';
import { batchTestbed } from '../../pipeline/batch/fixtures.js';

const PASSWORD = 'queue-pw-4711';
const withRedis = requireRedisOrSkip();
let redis: RedisServer;
let tmp: string;

beforeAll(async () => {
  if (!withRedis) return;
  redis = await startRedisServer({ password: PASSWORD });
  tmp = await mkdtemp(path.join(os.tmpdir(), 'hitline-queue-cli-'));
});
afterAll(async () => {
  await redis?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const started = (w: CliChild) => w.event((e) => e.message === 'worker started');

describe.skipIf(!withRedis)('the queue from the command line', () => {
  it('a worker with Redis out of reach says so without the password and exits non-zero', async () => {
    const cli = startCli(['worker', '--queue', `redis://:${PASSWORD}@127.0.0.1:9`], {});
    const { code } = await cli.exited;
    expect(code).not.toBe(0);
    expect(cli.stderr()).toMatch(/cannot reach the queue at redis:\/\/:\*\*\*@127\.0\.0\.1:9/);
    expect(cli.stderr() + cli.stdout()).not.toContain(PASSWORD);
  }, 60_000);

  it('queue status and doctor see a connected worker; SIGTERM stops it cleanly', async () => {
    const worker = startCli(['worker', '--concurrency', '2'], { HITLINE_QUEUE: redis.url });
    await started(worker);
    const status = startCli(['queue', 'status', '--json'], { HITLINE_QUEUE: redis.url });
    expect((await status.exited).code, status.stderr()).toBe(0);
    expect(JSON.parse(status.stdout())).toMatchObject({ workers: 1, waiting: 0, active: 0, failed: 0 });

    const doctor = startCli(['doctor', '--offline', '--json', '--workspace', path.join(tmp, 'ws'), '--queue', redis.url], {});
    await doctor.exited;
    const queueCheck = JSON.parse(doctor.stdout()).checks.find((c: { check: string }) => c.check === 'queue');
    expect(queueCheck).toMatchObject({ ok: true });
    expect(queueCheck.detail).toMatch(/1 worker\(s\)/);
    expect(doctor.stdout()).not.toContain(PASSWORD);

    worker.child.kill('SIGTERM');
    const { code } = await worker.exited;
    expect(code).toBe(0);
    expect(worker.events().map((e) => e.message)).toEqual(expect.arrayContaining(['worker stopped']));
    expect(worker.stderr()).not.toContain(PASSWORD);
  }, 90_000);

  it('a worker that does not see the run\'s storage refuses its products, saying what to set', async () => {
    const bed = await batchTestbed('hitline-queue-refuse-', 1);
    const env = { OPENROUTER_API_KEY: 'test-key', OPENROUTER_BASE_URL: bed.fake.baseUrl, HITLINE_QUEUE: redis.url };
    const worker = startCli(['worker'], { ...env, HITLINE_STORAGE_DIR: path.join(tmp, 'elsewhere') });
    try {
      await started(worker);
      const run = startCli(['run', '--new', bed.catalog.newCsv, '--images', bed.catalog.newImagesDir, '--workspace', bed.ws.root, '--json', '--progress', 'quiet'], env);
      expect((await run.exited).code).toBe(1);
      const summary = JSON.parse(run.stdout());
      expect(summary.totals).toMatchObject({ done: 0, failed: 1 });
      expect(summary.products[0].error).toMatch(/this worker's shared storage is folder:.*elsewhere, but run \S+ keeps its files in folder:/);
      expect(bed.fake.requests.filter((r) => r.endpoint === 'chat')).toEqual([]); // nothing was paid for it
    } finally {
      worker.child.kill('SIGTERM');
      await worker.exited;
      await bed.close();
    }
  }, 90_000);

  it('a worker that loses Redis says it is reconnecting, with the password redacted', async () => {
    const own = await startRedisServer({ password: PASSWORD });
    const worker = startCli(['worker'], { HITLINE_QUEUE: own.url });
    try {
      await started(worker);
      await own.stop();
      const lost = await worker.event((e) => /lost the queue/.test(String(e.message)));
      expect(lost.message).toMatch(/lost the queue at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/?; reconnecting in \d/);
      expect(worker.child.exitCode).toBeNull(); // still running, retrying
      expect(worker.stderr()).not.toContain(PASSWORD);
    } finally {
      worker.child.kill('SIGKILL');
      await worker.exited;
    }
  }, 90_000);
});
