/**
 * Results of analysis and generation stored under a key derived from everything that determines them
 * (adapter id, image content hashes, reference ids and hashes, prompt, aspect, size, variant). A re-run
 * whose inputs did not change reads the result back instead of calling the adapter (and paying) again.
 */
import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';

/** Canonical JSON (sorted keys) so the same inputs always give the same key. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function stageKey(stage: string, inputs: unknown): string {
  return createHash('sha256').update(stage).update('\0').update(canonicalJson(inputs)).digest('hex');
}

export interface CachedImage {
  bytes: Buffer;
  meta: Record<string, unknown>;
}

export class StageCache {
  constructor(private readonly cacheDir: string) {}

  private dir(stage: string, key: string): string {
    if (!/^[a-z-]+$/.test(stage) || !/^[0-9a-f]{64}$/.test(key)) throw new Error(`bad stage cache key ${stage}/${key.slice(0, 80)}`);
    return path.join(this.cacheDir, 'stages', stage, key.slice(0, 2), key);
  }

  async getJson<T>(stage: string, key: string): Promise<T | undefined> {
    try {
      return JSON.parse(await readFile(path.join(this.dir(stage, key), 'result.json'), 'utf8')) as T;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || err instanceof SyntaxError) return undefined;
      throw err;
    }
  }

  async putJson(stage: string, key: string, value: unknown): Promise<void> {
    await writeFileAtomic(path.join(this.dir(stage, key), 'result.json'), JSON.stringify(value, null, 2));
  }

  /** Images first, then the manifest: a result counts as stored only once its manifest exists. */
  async putImages(stage: string, key: string, images: CachedImage[]): Promise<void> {
    const dir = this.dir(stage, key);
    for (const [i, img] of images.entries()) await writeFileAtomic(path.join(dir, `image-${i}.bin`), img.bytes);
    await writeFileAtomic(path.join(dir, 'images.json'), JSON.stringify(images.map((img) => img.meta)));
  }

  async getImages(stage: string, key: string): Promise<CachedImage[] | undefined> {
    const dir = this.dir(stage, key);
    let metas: Array<Record<string, unknown>>;
    try {
      metas = JSON.parse(await readFile(path.join(dir, 'images.json'), 'utf8'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || err instanceof SyntaxError) return undefined;
      throw err;
    }
    const files = new Set(await readdir(dir));
    if (!metas.every((_, i) => files.has(`image-${i}.bin`))) return undefined;
    return Promise.all(metas.map(async (meta, i) => ({ bytes: await readFile(path.join(dir, `image-${i}.bin`)), meta })));
  }
}
