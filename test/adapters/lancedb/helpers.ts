/** Temporary store folders for the LanceDB tests, removed after each file, and a store opened in one. */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { openLanceDbStore, type LanceDbStore } from '../../../src/adapters/lancedb/index.js';
import type { EmbedderInfo } from '../../../src/ports/vector-store.js';

export const DIM = 16;
export const EMBEDDER: EmbedderInfo = { embedderId: 'test/seeded@1', dimension: DIM };

const tempDirs: string[] = [];

/** A new empty folder, removed when the test file ends. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hitline-lancedb-'));
  tempDirs.push(dir);
  return dir;
}

afterAll(async () => {
  for (const dir of tempDirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

export async function openedStore(options: { annMinRows?: number; rowsPerPartition?: number; lockWaitMs?: number } = {}): Promise<LanceDbStore> {
  const store = openLanceDbStore({ dir: await tempDir(), ...options });
  await store.open(EMBEDDER);
  return store;
}
