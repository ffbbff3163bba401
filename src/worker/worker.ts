/**
 * `hitline worker`: a process that takes product jobs from the queue until it is told to stop. SIGTERM or
 * Ctrl-C: it takes no new job and finishes the ones in hand (their calls complete and are stored), then
 * exits 0; a second signal hands the jobs in hand back to the queue at once (another worker takes them up;
 * only a call on the wire repeats). Everything it says is a JSON line on stderr, the queue URL redacted.
 */
import { startProductWorker, redactQueueUrl } from '../compose/queue/index.js';
import { jsonLineLogger, type Logger } from '../service/log.js';

export interface WorkerOptions {
  url: string;
  concurrency: number;
  lockMs: number;
  env: NodeJS.ProcessEnv;
  logger?: Logger;
  /** Where the process's signals come from (tests pass an emitter). */
  signals?: NodeJS.EventEmitter;
}

/** Runs until stopped; resolves with the exit code. */
export async function runWorker(o: WorkerOptions): Promise<number> {
  const logger = o.logger ?? jsonLineLogger();
  const signals = o.signals ?? process;
  const worker = await startProductWorker({
    url: o.url, concurrency: o.concurrency, lockMs: o.lockMs, env: o.env,
    onStatus: (message) => logger.log('warn', message),
  });
  logger.log('info', 'worker started', { queue: redactQueueUrl(o.url), concurrency: o.concurrency, pid: process.pid });
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) {
        logger.log('warn', 'stopping now: the jobs in hand go back to the queue', { signal });
        void worker.close(true).then(() => resolve(130));
        return;
      }
      stopping = true;
      logger.log('info', 'stopping: no new job; finishing the jobs in hand (send the signal again to hand them back)', { signal });
      void worker.close(false).then(
        () => {
          logger.log('info', 'worker stopped');
          resolve(0);
        },
        (e: unknown) => {
          logger.log('error', 'worker stopped with an error', { error: e instanceof Error ? e.message : String(e) });
          resolve(1);
        },
      );
    };
    signals.on('SIGTERM', () => stop('SIGTERM'));
    signals.on('SIGINT', () => stop('SIGINT'));
  });
}
