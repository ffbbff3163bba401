/**
 * BlobStorage in a local folder: each key is a file under the root (the default; one machine, or workers
 * sharing a mounted folder). Writes are atomic (temp file + rename); filesystem faults are FileSystemErrors
 * naming the file.
 */
import { randomBytes } from 'node:crypto';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { isNodeFsError } from '../../core/errors.js';
import { checkStorageKey, checkStoragePrefix, type BlobStorage } from '../../ports/blob-storage.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { explainFsError } from '../../util/fs-faults.js';

export class FolderStorage implements BlobStorage {
  readonly id: string;

  constructor(readonly root: string) {
    this.root = path.resolve(root);
    this.id = `folder:${this.root}`;
  }

  private file(key: string): string {
    checkStorageKey(key);
    return path.join(this.root, ...key.split('/'));
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    await writeFileAtomic(this.file(key), bytes);
  }

  async get(key: string): Promise<Buffer | undefined> {
    const file = this.file(key);
    try {
      return await readFile(file);
    } catch (err) {
      // EISDIR: the key names a "folder" of other keys, which is no blob (as in S3).
      if (isNodeFsError(err) && (err.code === 'ENOENT' || err.code === 'ENOTDIR' || err.code === 'EISDIR')) return undefined;
      throw isNodeFsError(err) ? await explainFsError(err, { action: `read ${key}`, folder: this.root }) : err;
    }
  }

  async has(key: string): Promise<boolean> {
    try {
      return (await stat(this.file(key))).isFile();
    } catch (err) {
      if (isNodeFsError(err) && (err.code === 'ENOENT' || err.code === 'ENOTDIR')) return false;
      throw err;
    }
  }

  async *list(prefix: string): AsyncIterable<string> {
    checkStoragePrefix(prefix);
    // Walk only the folder the prefix names; filter its files by the rest of the prefix.
    const cut = prefix.lastIndexOf('/') + 1;
    const base = prefix.slice(0, cut);
    const start = path.join(this.root, ...base.split('/').filter(Boolean));
    for await (const key of walk(start, base)) {
      if (key.startsWith(prefix) && !key.endsWith('.tmp')) yield key;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.file(key), { force: true });
  }

  async check(): Promise<void> {
    const key = `doctor/${process.pid}-${randomBytes(4).toString('hex')}`;
    await this.put(key, Buffer.from('ok'));
    await this.delete(key);
  }
}

async function* walk(dir: string, keyPrefix: string): AsyncIterable<string> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if (isNodeFsError(err) && (err.code === 'ENOENT' || err.code === 'ENOTDIR')) return;
    throw err;
  }
  for (const entry of entries) {
    if (entry.isDirectory()) yield* walk(path.join(dir, entry.name), `${keyPrefix}${entry.name}/`);
    else if (entry.isFile()) yield `${keyPrefix}${entry.name}`;
  }
}
