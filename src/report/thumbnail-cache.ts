/**
 * Thumbnails for report.html and the contact sheets, made once per picture and kind. A thumbnail is
 * content-addressed: its key is the sha256 of the source file's bytes and of its kind's id (what else shapes
 * it: the size, the labels drawn under it, the recipe's version), so a re-run whose pictures did not change reads every thumbnail back from <workspace>/cache/thumbnails/
 * instead of decoding and resizing each photo again, and a picture replaced under the same name (new
 * bytes, new key) is drawn anew. A picture shown many times (a best seller that is a top hit for many new
 * products) is resized once. A cache file that cannot be written is not an error: the thumbnail is still
 * returned (the next run makes it again).
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';

/** How a kind of thumbnail is made from the source bytes. */
export interface ThumbnailKind {
  /** Everything other than the source that shapes the thumbnail (recipe name and version, size, labels). */
  id: string;
  extension: string;
  make(source: Buffer): Promise<Buffer>;
}

export class ThumbnailCache {
  /** Content hashes of the files read so far, with the size and modification time they were read at. */
  private readonly hashes = new Map<string, { size: number; mtimeMs: number; hash: string }>();
  /** Thumbnails being made now: a picture asked for twice at once is made once (later asks hit the cache folder). */
  private readonly making = new Map<string, Promise<Buffer>>();

  /** `cacheDir`: the workspace's cache folder; without one, nothing is kept between runs. */
  constructor(private readonly cacheDir?: string) {}

  /** The thumbnail of the picture in `file`; rejects when the file cannot be read or decoded. */
  async thumbnail(file: string, kind: ThumbnailKind): Promise<Buffer> {
    const { hash, read } = await this.contentHash(file);
    const key = `${hash}-${sha256(kind.id).slice(0, 16)}`;
    let made = this.making.get(key);
    if (!made) {
      made = this.readOrMake(key, kind, read ?? (() => readFile(file)));
      this.making.set(key, made);
      void made.finally(() => this.making.delete(key)).catch(() => undefined);
    }
    return made;
  }

  /**
   * The file's sha256. report.html and the contact sheets show the same pictures, so a file is hashed once
   * per cache object unless its size or modification time changed since.
   */
  private async contentHash(file: string): Promise<{ hash: string; read?: () => Promise<Buffer> }> {
    const before = await stat(file);
    const known = this.hashes.get(file);
    if (known && known.size === before.size && known.mtimeMs === before.mtimeMs) return { hash: known.hash };
    const source = await readFile(file);
    const hash = sha256(source);
    this.hashes.set(file, { size: before.size, mtimeMs: before.mtimeMs, hash });
    return { hash, read: async () => source };
  }

  private async readOrMake(key: string, kind: ThumbnailKind, source: () => Promise<Buffer>): Promise<Buffer> {
    const file = this.cacheDir ? path.join(this.cacheDir, 'thumbnails', key.slice(0, 2), `${key}.${kind.extension}`) : undefined;
    if (file) {
      const kept = await readFile(file).catch(() => undefined);
      if (kept && kept.length > 0) return kept;
    }
    const thumb = await kind.make(await source());
    if (file) await writeFileAtomic(file, thumb).catch(() => undefined);
    return thumb;
  }
}

function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}
