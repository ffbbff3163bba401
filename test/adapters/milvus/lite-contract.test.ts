/**
 * The shared VectorStore contract against a real Milvus engine, Milvus Lite (test/helpers/milvus-lite.ts),
 * twice: with the keyword leg the adapter detects there (Milvus's BM25 function with jieba), and with
 * hitline's client-side sparse weights (the keyword leg for servers without the BM25 function).
 * Each test works in its own collection, dropped afterwards.
 */
import { expect, it } from 'vitest';
import { MilvusStore, type KeywordLegChoice } from '../../../src/adapters/milvus/index.js';
import { runVectorStoreContract } from '../../contract/vector-store.contract.js';
import { DIM, EMBEDDER } from '../../contract/vector-store/fixture.js';
import { describeWithMilvusLite } from '../../helpers/milvus-lite.js';

describeWithMilvusLite('Milvus Lite', (server) => {
  let n = 0;
  const contract = (keywordLeg: KeywordLegChoice) => async () => {
    const config = { address: server().address, collection: `contract_${keywordLeg}_${++n}`, keywordLeg };
    return {
      store: new MilvusStore(config),
      reopen: async () => new MilvusStore(config),
      cleanup: async () => {
        const dropper = new MilvusStore(config);
        await dropper.drop();
        await dropper.close();
      },
    };
  };

  it('detects the BM25 function with jieba on this server (the keyword leg the first contract run uses)', async () => {
    const store = new MilvusStore({ address: server().address, collection: 'detect_auto' });
    try {
      await store.open({ ...EMBEDDER, dimension: DIM });
      expect(store.layout).toEqual({ keywordLeg: { kind: 'bm25', analyzer: { name: 'jieba', params: { tokenizer: { type: 'jieba', mode: 'exact' } } } }, tenantScoped: false });
      expect(store.refusedKeywordLegs).toEqual([]);
    } finally {
      await store.drop();
      await store.close();
    }
  });

  runVectorStoreContract('milvus lite, BM25 function', contract('auto'));
  runVectorStoreContract('milvus lite, client-side sparse weights', contract('sparse'));
});
