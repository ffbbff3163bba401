/**
 * The shared VectorStore contract, run through the real Milvus SDK against the gRPC recorder's
 * in-memory emulation (test/fakes/milvus-recorder.ts), which has no BM25 function (as Milvus 2.4), so
 * this is the client-side keyword leg. It proves the adapter's requests and its handling of answers end
 * to end over the wire; a real engine's behaviour is lite-contract.test.ts's (Milvus Lite) and
 * milvus-live.test.ts's (any server at MILVUS_ADDRESS).
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
