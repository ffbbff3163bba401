/** The shared VectorStore contract against the embedded LanceDB store, each test in its own folder. */
import { rm } from 'node:fs/promises';
import { openLanceDbStore } from '../../../src/adapters/lancedb/index.js';
import { runVectorStoreContract } from '../../contract/vector-store.contract.js';
import { tempDir } from './helpers.js';

runVectorStoreContract('lancedb', async () => {
  const dir = await tempDir();
  return {
    store: openLanceDbStore({ dir }),
    reopen: async () => openLanceDbStore({ dir }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});
