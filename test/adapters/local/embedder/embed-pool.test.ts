/**
 * The offline embedder on a pool of worker threads (embed-pool.ts): the same vectors bit for bit as on the
 * calling thread (stored vectors and caches stay valid whichever ran), work spread over the threads, a bad
 * image or a dead worker failing only what it must, and a process that exits on its own.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createLocalEmbedder, DEFAULT_LOCAL_RECIPE, RECIPES } from '../../../../src/adapters/local/embedder/index.js';
import { EmbedPool, PoolJobError } from '../../../../src/adapters/local/embedder/embed-pool.js';
import { UserInputError } from '../../../../src/core/errors.js';
import { REPO_ROOT } from '../../../../src/util/paths.js';
import { distinctPhotos, UNREADABLE_IMAGE } from '../../../contract/fixtures.js';
import { dressSvg, jpeg, shoeSvg, sidewaysWithExif } from './drawn-products.js';

const bits = (v: Float32Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');

async function photos(): Promise<Buffer[]> {
  const dress = await jpeg(dressSvg('#c0392b'));
  return [dress, await jpeg(shoeSvg('#1f4e9c')), await sidewaysWithExif(dress), await jpeg(dressSvg('#2e8b57', { dx: 12, flare: 10, belt: '#222' })), ...(await distinctPhotos(4))];
}

describe('local embedder on worker threads', () => {
  const single = createLocalEmbedder();
  const pooled = createLocalEmbedder({ threads: 2 });
  afterAll(async () => {
    await single.close();
    await pooled.close();
  });

  it('gives the same vectors, bit for bit, as the embedder on the calling thread, however the calls overlap', async () => {
    const images = await photos();
    const expected = (await single.embedImages(images)).map(bits);
    expect((await pooled.embedImages(images)).map(bits)).toEqual(expected);
    // Concurrent calls share the workers; each still gets its own images' vectors, in its own order.
    const [forward, backward, one] = await Promise.all([pooled.embedImages(images), pooled.embedImages([...images].reverse()), pooled.embedImages([images[3]])]);
    expect(forward.map(bits)).toEqual(expected);
    expect(backward.map(bits)).toEqual([...expected].reverse());
    expect(one.map(bits)).toEqual([expected[3]]);
  });

  it('names the image it cannot decode, and keeps working after', async () => {
    const images = await photos();
    const error = await pooled.embedImages([images[0], UNREADABLE_IMAGE, images[1]]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserInputError);
    expect((error as Error).message).toMatch(/^image 2 of 3 could not be decoded/);
    expect((await pooled.embedImages(images.slice(0, 2))).map(bits)).toEqual((await single.embedImages(images.slice(0, 2))).map(bits));
  });
});

describe('embedding pool', () => {
  it('spreads a call over its threads, starting them only when there is work', async () => {
    const pool = new EmbedPool(RECIPES[DEFAULT_LOCAL_RECIPE], 2);
    try {
      expect(pool.threads).toBe(0);
      await pool.embedAll(await photos());
      expect(pool.threads).toBe(2);
    } finally {
      await pool.close();
    }
    expect(pool.threads).toBe(0);
  });

  it('fails only the jobs of a worker that dies, and replaces it', async () => {
    const pool = new EmbedPool(RECIPES.histogram, 1);
    const images = await photos();
    try {
      await pool.embedAll(images.slice(0, 1)); // the worker is up
      const call = pool.embedAll(images);
      // What an out-of-memory kill or a crash in native code looks like from here: the thread is gone.
      await (pool as unknown as { slots: Array<{ worker: { terminate(): Promise<number> } }> }).slots[0].worker.terminate();
      const error = await call.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PoolJobError);
      expect((error as PoolJobError).kind).toBe('worker');
      expect(await pool.embedAll(images.slice(0, 2))).toHaveLength(2);
    } finally {
      await pool.close();
    }
  });

  it('does not keep a process alive once its work is done, even when nobody closes it', async () => {
    const script = `
      import { createLocalEmbedder } from './src/adapters/local/embedder/index.js';
      import { distinctPhotos } from './test/contract/fixtures.js';
      const embedder = createLocalEmbedder({ recipe: 'histogram', threads: 2 });
      const vectors = await embedder.embedImages(await distinctPhotos(4));
      console.log(vectors.length, vectors[0].length);`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO_ROOT, timeout: 60_000 });
    expect(stdout.trim()).toBe('4 264');
  });
});
