/**
 * The body of one embedding worker thread (started by embed-pool.ts): decodes and embeds the images it is
 * sent, one job per image, with the same code as the in-process embedder (recipe-features.ts). The next
 * job's decode (on sharp's threads) overlaps the current job's network. Replies are posted as
 * WorkerReply; the vector's buffer is transferred, not copied.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { HitlineError } from '../../../core/errors.js';
import { createRecipeFeatures } from './recipe-features.js';
import { decodeUprightRgb } from './raw-image.js';
import type { Recipe } from './recipes.js';

export interface WorkerJob {
  job: number;
  bytes: Uint8Array;
}

export type WorkerReply =
  | { job: number; vector: Float32Array }
  | { job: number; error: { kind: 'decode' | 'embed'; message: string; hint?: string } };

const port = parentPort;
if (!port) throw new Error('embed-worker.ts runs only as a worker thread (see embed-pool.ts)');
const features = createRecipeFeatures((workerData as { recipe: Recipe }).recipe);
let previous: Promise<void> = Promise.resolve();

port.on('message', ({ job, bytes }: WorkerJob) => {
  // Start decoding now (sharp's threads); embed when the jobs before this one are done.
  const decoded = decodeUprightRgb(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)).then(
    (image) => ({ image }),
    (error: Error) => ({ error }),
  );
  previous = previous.then(async () => {
    const d = await decoded;
    if ('error' in d) return port.postMessage({ job, error: { kind: 'decode', message: d.error.message } } satisfies WorkerReply);
    try {
      const vector = await features.embed(d.image);
      port.postMessage({ job, vector } satisfies WorkerReply, [vector.buffer as ArrayBuffer]);
    } catch (error) {
      const hint = error instanceof HitlineError ? error.hint : undefined;
      port.postMessage({ job, error: { kind: 'embed', message: (error as Error).message, hint } } satisfies WorkerReply);
    }
  });
});
