/**
 * Results of analysis and generation stored under a key derived from everything that determines them
 * (adapter id, image content hashes, reference ids and hashes, prompt, aspect, size, variant). A re-run
 * whose inputs did not change reads the result back instead of calling the adapter (and paying) again.
 */
import { createHash } from 'node:crypto';
import type { BlobStorage } from '../ports/blob-storage.js';

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
  /** Results live in `storage` under `stages/<stage>/<key[0..2]>/<key>/` (the workspace cache folder by default, a bucket for a fleet). */
  constructor(private readonly storage: BlobStorage) {}

  private dir(stage: string, key: string): string {
    if (!/^[a-z-]+$/.test(stage) || !/^[0-9a-f]{64}$/.test(key)) throw new Error(`bad stage cache key ${stage}/${key.slice(0, 80)}`);
    return `stages/${stage}/${key.slice(0, 2)}/${key}`;
  }

  async getJson<T>(stage: string, key: string): Promise<T | undefined> {
    const bytes = await this.storage.get(`${this.dir(stage, key)}/result.json`);
    if (!bytes) return undefined;
    try {
      return JSON.parse(bytes.toString('utf8')) as T;
    } catch (err) {
      if (err instanceof SyntaxError) return undefined;
      throw err;
    }
  }

  async putJson(stage: string, key: string, value: unknown): Promise<void> {
    await this.storage.put(`${this.dir(stage, key)}/result.json`, Buffer.from(JSON.stringify(value, null, 2)), { contentType: 'application/json' });
  }

  /** Images first, then the manifest: a result counts as stored only once its manifest exists. */
  async putImages(stage: string, key: string, images: CachedImage[]): Promise<void> {
    const dir = this.dir(stage, key);
    for (const [i, img] of images.entries()) await this.storage.put(`${dir}/image-${i}.bin`, img.bytes);
    await this.storage.put(`${dir}/images.json`, Buffer.from(JSON.stringify(images.map((img) => img.meta))), { contentType: 'application/json' });
  }

  async getImages(stage: string, key: string): Promise<CachedImage[] | undefined> {
    const dir = this.dir(stage, key);
    const manifest = await this.storage.get(`${dir}/images.json`);
    if (!manifest) return undefined;
    let metas: Array<Record<string, unknown>>;
    try {
      metas = JSON.parse(manifest.toString('utf8'));
    } catch (err) {
      if (err instanceof SyntaxError) return undefined;
      throw err;
    }
    const images = await Promise.all(metas.map(async (meta, i) => ({ bytes: await this.storage.get(`${dir}/image-${i}.bin`), meta })));
    if (images.some((img) => !img.bytes)) return undefined;
    return images.map((img) => ({ bytes: img.bytes!, meta: img.meta }));
  }
}
