/**
 * The shared VectorStore contract, run through the real Milvus SDK against the gRPC recorder's
 * in-memory emulation (test/fakes/milvus-recorder.ts). This proves the adapter's requests and its
 * handling of answers end to end over the wire; it does not prove Milvus's own behaviour (HNSW recall,
 * server-side expression semantics), which milvus-live.test.ts covers when MILVUS_ADDRESS is set.
 */
import { afterAll, beforeAll } from 'vitest';
import { MilvusStore } from '../../../src/adapters/milvus/index.js';
import { runVectorStoreContract } from '../../contract/vector-store.contract.js';
import { MilvusRecorder } from '../../fakes/milvus-recorder.js';

let recorder: MilvusRecorder;
let n = 0;
beforeAll(async () => {
  recorder = await MilvusRecorder.start({ requireToken: 'contract-token' });
});
afterAll(async () => {
  await recorder?.stop();
});

runVectorStoreContract('milvus (gRPC recorder)', async () => {
  const config = { address: recorder.address, token: 'contract-token', collection: `contract_${++n}` };
  const store = new MilvusStore(config);
  return {
    store,
    reopen: async () => new MilvusStore(config),
    cleanup: async () => {
      const dropper = new MilvusStore(config);
      await dropper.drop();
      await dropper.close();
    },
  };
});
