/**
 * The BlobStorage contract against FolderStorage. The broken storage is a folder hitline may not write:
 * a chmod 555 folder for a normal user; as root (which ignores modes) a read-only tmpfs, and where root may
 * not mount either, the two tests that need it are skipped, saying so.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FolderStorage } from '../../../src/adapters/storage/index.js';
import { runBlobStorageContract, type BlobStorageTest } from '../../contract/blob-storage/contract.js';
import { mountTmpfs, remountTmpfs, unmountTmpfs } from '../../helpers/tmpfs.js';

const asRoot = process.getuid?.() === 0;

async function tempDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'hitline-folder-contract-'));
}

/** A folder this process cannot write, or undefined when it cannot make one. */
async function unwritableFolder(): Promise<{ dir: string; cleanup(): Promise<void> } | undefined> {
  const parent = await tempDir();
  const dir = path.join(parent, 'locked');
  const cleanup = async () => {
    if (asRoot) await unmountTmpfs(dir);
    else await chmod(dir, 0o755).catch(() => undefined);
    await rm(parent, { recursive: true, force: true });
  };
  if (asRoot) {
    if (!(await mountTmpfs(dir, '1m'))) {
      await rm(parent, { recursive: true, force: true });
      return undefined;
    }
    await remountTmpfs(dir, 'ro');
  } else {
    const { mkdir } = await import('node:fs/promises');
    await mkdir(dir);
    await chmod(dir, 0o555);
  }
  return { dir, cleanup };
}

const probe = await unwritableFolder();
await probe?.cleanup();
const NEEDS_UNWRITABLE: BlobStorageTest[] = ['refuses bad keys and prefixes before any I/O', 'check() fails with a hint on a storage it cannot use'];

runBlobStorageContract(
  'folder',
  {
    async make() {
      const dir = await tempDir();
      return { storage: new FolderStorage(dir), cleanup: () => rm(dir, { recursive: true, force: true }) };
    },
    async makeBroken() {
      const folder = await unwritableFolder();
      if (!folder) throw new Error('could not make an unwritable folder');
      return { storage: new FolderStorage(path.join(folder.dir, 'storage')), cleanup: folder.cleanup, hint: /read and write access to|read-only file system/ };
    },
  },
  { skips: probe ? [] : NEEDS_UNWRITABLE.map((test) => ({ test, reason: 'running as root where mounting a read-only tmpfs is not permitted, so no folder is unwritable' })) },
);
