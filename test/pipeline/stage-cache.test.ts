import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalJson, StageCache, stageKey } from '../../src/pipeline/stage-cache.js';
import { EmbeddingCache } from '../../src/pipeline/embedding-cache.js';
import { FolderStorage } from '../../src/adapters/storage/index.js';

describe('stage keys', () => {
  it('do not depend on key order but on every value', () => {
    expect(canonicalJson({ b: 1, a: [1, { d: 2, c: 3 }] })).toBe('{"a":[1,{"c":3,"d":2}],"b":1}');
    const base = { generator: 'g', productImage: 'h1', refs: [{ id: 'A', hash: 'x' }], prompt: 'p', aspect: '3:4', size: '2K', variant: 1 };
    const key = stageKey('generate', base);
    expect(stageKey('generate', { ...base })).toBe(key);
    for (const change of [{ variant: 2 }, { size: '1K' }, { prompt: 'p2' }, { productImage: 'h2' }, { refs: [{ id: 'A', hash: 'y' }] }]) {
      expect(stageKey('generate', { ...base, ...change })).not.toBe(key);
    }
    expect(stageKey('analyze', base)).not.toBe(key);
  });
});

describe('StageCache', () => {
  it('stores and reads JSON and images; a result without its manifest does not count', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'hitline-stage-'));
    const cache = new StageCache(new FolderStorage(dir));
    const key = stageKey('generate', { x: 1 });
    expect(await cache.getImages('generate', key)).toBeUndefined();
    await cache.putImages('generate', key, [{ bytes: Buffer.from('png-bytes'), meta: { width: 1, height: 2 } }]);
    const back = await cache.getImages('generate', key);
    expect(back?.[0].bytes.toString()).toBe('png-bytes');
    expect(back?.[0].meta).toEqual({ width: 1, height: 2 });

    const key2 = stageKey('generate', { x: 2 });
    const folder = path.join(dir, 'stages', 'generate', key2.slice(0, 2), key2);
    await cache.putJson('analyze', stageKey('analyze', { y: 1 }), { scene: 's' });
    expect(await cache.getJson('analyze', stageKey('analyze', { y: 1 }))).toEqual({ scene: 's' });
    // A crash between the image and the manifest leaves an image file but no result.
    await cache.putImages('generate', key2, []);
    await writeFile(path.join(folder, 'images.json'), '[{"w":1}]');
    expect(await cache.getImages('generate', key2)).toBeUndefined();
    expect((await readdir(folder)).some((f) => f.endsWith('.tmp'))).toBe(false);
  });

  it('refuses keys that could escape the cache folder', async () => {
    const cache = new StageCache(new FolderStorage(await mkdtemp(path.join(os.tmpdir(), 'hitline-stage-'))));
    await expect(cache.getJson('../x', 'a'.repeat(64))).rejects.toThrow(/bad stage cache key/);
    await expect(cache.getJson('generate', '../../etc')).rejects.toThrow(/bad stage cache key/);
  });
});

describe('EmbeddingCache', () => {
  it('round-trips vectors per embedder and ignores a vector of the wrong size', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'hitline-emb-'));
    const hash = 'ab'.repeat(32);
    const a = new EmbeddingCache(new FolderStorage(dir), 'local/a', 3);
    await a.put(hash, new Float32Array([0.1, 0.2, 0.3]));
    expect(Array.from((await a.get(hash))!)).toEqual(Array.from(new Float32Array([0.1, 0.2, 0.3])));
    expect(await new EmbeddingCache(new FolderStorage(dir), 'local/b', 3).get(hash)).toBeUndefined();
    await expect(a.put(hash, new Float32Array(4))).rejects.toThrow(/expected 3/);
    await expect(a.get('../../x')).rejects.toThrow(/sha256/);
  });
});
