/**
 * The shared VectorStore contract against a real Milvus server, when MILVUS_ADDRESS is set (with
 * MILVUS_TOKEN or MILVUS_USERNAME/MILVUS_PASSWORD, MILVUS_DATABASE, ... as for hitline itself).
 * Each test works in its own throwaway collection, dropped afterwards. Without MILVUS_ADDRESS the suite
 * is skipped, visibly: nothing here has been run against a live Milvus on the machines hitline is
 * built on (no Milvus can run there); the wire shapes are covered by milvus-wire.test.ts instead.
 */
import { describe, it } from 'vitest';
import { MilvusStore, milvusConfigFromEnv } from '../../../src/adapters/milvus/index.js';
import { runVectorStoreContract } from '../../contract/vector-store.contract.js';

const SKIP_REASON =
  'MILVUS_ADDRESS not set: the contract suite against a live Milvus is skipped (start Milvus standalone and set MILVUS_ADDRESS=localhost:19530 to run it)';

if (!process.env.MILVUS_ADDRESS) {
  describe('VectorStore contract: milvus (live)', () => {
    it.skip(SKIP_REASON, () => {});
  });
} else {
  const base = milvusConfigFromEnv(process.env);
  const prefix = `hitline_contract_${process.pid}_${Date.now().toString(36)}`;
  let n = 0;
  runVectorStoreContract('milvus (live)', async () => {
    const config = { ...base, collection: `${prefix}_${++n}` };
    return {
      store: new MilvusStore(config),
      reopen: async () => new MilvusStore(config),
      cleanup: async () => {
        const dropper = new MilvusStore(config);
        try {
          await dropper.drop();
        } finally {
          await dropper.close();
        }
      },
    };
  });
}
