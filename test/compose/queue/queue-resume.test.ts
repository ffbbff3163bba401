/**
 * Ctrl-C and --resume of a run on the queue, from the command line (the API's cancel and resume go through
 * the same run control): the stop reaches the workers (calls in flight finish and are kept, queued products
 * are taken out of the queue), the run says how to resume, and the resumed run finishes through the queue
 * without repeating a completed paid call.
 */
import { access } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../../src/core/run-summary.js';
import { requireRedisOrSkip, startRedisServer, type RedisServer } from '../../helpers/redis-server.js';
import { startCli, type CliChild } from '../../pipeline/batch/cli-child.js';
import { batchTestbed, type BatchTestbed } from '../../pipeline/batch/fixtures.js';
import { callKey, completedCall } from './fleet-helpers.js';

const PRODUCTS = 24;
const withRedis = requireRedisOrSkip();
let redis: RedisServer;
let bed: BatchTestbed;

beforeAll(async () => {
  if (!withRedis) return;
  redis = await startRedisServer();
  bed = await batchTestbed('hitline-queue-resume-', PRODUCTS);
}, 120_000);
afterAll(async () => {
  await bed?.close();
  await redis?.stop();
});

describe.skipIf(!withRedis)('a queued run stopped and resumed', () => {
  it('Ctrl-C stops the workers\' products too; --resume finishes through the queue and repeats no completed call', async () => {
    bed.fake.configure({ latencyMs: { chat: 300 } });
    const env = { OPENROUTER_API_KEY: 'test-key', OPENROUTER_BASE_URL: bed.fake.baseUrl, HITLINE_QUEUE: redis.url };
    const workers: CliChild[] = [startCli(['worker', '--concurrency', '3'], env), startCli(['worker', '--concurrency', '3'], env)];
    const args = ['run', '--new', bed.catalog.newCsv, '--images', bed.catalog.newImagesDir, '--workspace', bed.ws.root, '--aspect', '1:1', '--size', '0.5K', '--limit', 'generate=2', '--progress', 'json', '--json'];
    try {
      const run = startCli(args, env);
      await run.event((e) => e.event === 'product-done');
      run.child.kill('SIGINT');
      const { code } = await run.exited;
      expect(code).toBe(130);
      const stopped = JSON.parse(run.stdout()) as RunSummary;
      expect(stopped.stop?.reason).toBe('interrupted');
      expect(stopped.totals.pending).toBeGreaterThan(0);
      expect(run.stderr()).toContain(`--resume ${stopped.runId}`);
      // Nothing is left in the queue for the stopped session.
      await new Promise((r) => setTimeout(r, 1500));
      const status = startCli(['queue', 'status', '--json'], env);
      await status.exited;
      expect(JSON.parse(status.stdout())).toMatchObject({ waiting: 0, active: 0 });

      const resumed = startCli([...args, '--resume', stopped.runId], env);
      const r = await resumed.exited;
      expect(r.code, resumed.stderr().slice(-2000)).toBe(0);
      const final = JSON.parse(resumed.stdout()) as RunSummary;
      expect(final.runId).toBe(stopped.runId);
      expect(final.totals).toMatchObject({ products: PRODUCTS, done: PRODUCTS, failed: 0, pending: 0 });
      expect(final.resumedProducts).toBe(stopped.totals.done);
      for (const p of final.products) await access(path.join(bed.ws.runsDir, final.runId, p.outputs[0].file));

      const seen = new Map<string, number>();
      for (const req of bed.fake.requests.filter(completedCall)) seen.set(callKey(req), (seen.get(callKey(req)) ?? 0) + 1);
      expect([...seen.values()].filter((n) => n > 1)).toEqual([]);
    } finally {
      for (const w of workers) w.child.kill('SIGTERM');
      await Promise.all(workers.map((w) => w.exited));
    }
  }, 180_000);
});
