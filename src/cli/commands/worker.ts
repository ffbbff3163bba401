/** `hitline worker` and `hitline queue status`: the queue's side of the command line. */
import { UserInputError } from '../../core/errors.js';
import { queueStatus, queueUrlFrom } from '../../compose/queue/index.js';
import { runWorker } from '../../worker/worker.js';

export interface WorkerFlags {
  queue?: string;
  concurrency: number;
  lockSeconds: number;
}

function requireQueueUrl(flag: string | undefined, env: NodeJS.ProcessEnv, command: string): string {
  const url = queueUrlFrom(flag, env);
  if (!url) {
    throw new UserInputError(`${command} needs a queue: --queue redis://HOST:PORT or HITLINE_QUEUE`, {
      hint: 'Start Redis (redis-server) and give its URL, e.g. export HITLINE_QUEUE=redis://127.0.0.1:6379',
    });
  }
  return url;
}

export async function workerCommand(flags: WorkerFlags, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const url = requireQueueUrl(flags.queue, env, 'hitline worker');
  return runWorker({ url, concurrency: flags.concurrency, lockMs: flags.lockSeconds * 1000, env });
}

export async function queueStatusCommand(flags: { queue?: string; json?: boolean }, stdout: NodeJS.WritableStream, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const url = requireQueueUrl(flags.queue, env, 'hitline queue status');
  const s = await queueStatus(url);
  if (flags.json) stdout.write(JSON.stringify(s) + '\n');
  else stdout.write(`${s.workers} worker(s); jobs: ${s.waiting} waiting, ${s.active} active, ${s.delayed} delayed (retrying), ${s.failed} failed, ${s.completed} completed (kept a day)\n`);
  return 0;
}
