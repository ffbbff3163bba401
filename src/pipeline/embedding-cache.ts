/**
 * Embeddings of new-product images, keyed by embedder and image content hash, so `match` and `run`
 * never embed the same image twice. (Catalog vectors live in the store, which records each row's hash.)
 */
import { FileSystemError } from '../core/errors.js';
import type { BlobStorage } from '../ports/blob-storage.js';
import { safeKey } from './workspace.js';

export interface EmbeddingCacheOptions {
  /**
   * For a command that only reads the workspace (`match`): a vector that cannot be stored (a read-only or
   * full disk) is reported here instead of failing the product; it is only a cache. Without it, put throws.
   */
  onWriteError?: (error: FileSystemError) => void;
}

export class EmbeddingCache {
  private readonly dir: string;
  /** Vectors live in `storage` under `embeddings/<embedder>/` (the workspace cache folder by default, a bucket for a fleet). */
  constructor(private readonly storage: BlobStorage, private readonly embedderId: string, private readonly dimension: number, private readonly options: EmbeddingCacheOptions = {}) {
    this.dir = `embeddings/${safeKey(`${embedderId}#${dimension}`)}`;
  }

  private file(contentHash: string): string {
    if (!/^[0-9a-f]{64}$/.test(contentHash)) throw new Error(`not a sha256 hex hash: ${contentHash.slice(0, 80)}`);
    return `${this.dir}/${contentHash.slice(0, 2)}/${contentHash}.f32`;
  }

  async get(contentHash: string): Promise<Float32Array | undefined> {
    const buf = await this.storage.get(this.file(contentHash));
    if (!buf || buf.byteLength !== this.dimension * 4) return undefined;
    return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  }

  async put(contentHash: string, vector: Float32Array): Promise<void> {
    if (vector.length !== this.dimension) throw new Error(`embedding has ${vector.length} dimensions, expected ${this.dimension}`);
    try {
      await this.storage.put(this.file(contentHash), new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength));
    } catch (err) {
      if (!(err instanceof FileSystemError) || !this.options.onWriteError) throw err;
      this.options.onWriteError(err);
    }
  }
}
