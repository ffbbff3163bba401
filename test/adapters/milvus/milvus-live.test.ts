/**
 * The shared VectorStore contract against any Milvus you point MILVUS_ADDRESS at (a standalone, a
 * cluster, Zilliz Cloud; with MILVUS_TOKEN or MILVUS_USERNAME/MILVUS_PASSWORD, MILVUS_DATABASE, ... as for
 * hitline itself). Each test works in its own throwaway collection, dropped afterwards. Without
 * MILVUS_ADDRESS it is skipped, visibly: CI runs the same contract against Milvus Lite instead
 * (lite-contract.test.ts); a Milvus server has not run it yet (README, "What has been run against a live
 * Milvus", gives the Docker commands for a standalone).
 */
import { describe, it } from 'vitest';
import { MilvusStore, milvusConfigFromEnv } from '../../../src/adapters/milvus/index.js';
import { runVectorStoreContract } from '../../contract/vector-store.contract.js';

const SKIP_REASON =
  'MILVUS_ADDRESS not set: the contract suite against a Milvus server is skipped (start Milvus standalone with `bash standalone_embed.sh start`, see README, and set MILVUS_ADDRESS=localhost:19530 to run it)';

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
