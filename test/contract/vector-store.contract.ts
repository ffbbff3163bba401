/**
 * The VectorStore contract: every adapter (LanceDB, Milvus) runs this same suite, so "done" means it
 * behaves like the port promises, not that it compiles. Expected results are computed from the fixture
 * (vector-store/fixture.ts), never written down by hand. The groups live in vector-store/; their tests
 * are listed by title in vector-store/tests.ts.
 *
 * Usage (in a *.test.ts file):
 *   runVectorStoreContract('lancedb', async (dimension) => ({ store, cleanup, reopen }));
 *   runVectorStoreContract('some store', make, { skips: [{ test: '<a title of tests.ts>', reason: 'why this store cannot' }] });
 */
import { describe, expect, it } from 'vitest';
import type { ContractOptions } from './contract-kit.js';
import { filterTests } from './vector-store/filters.js';
import { lifecycleTests } from './vector-store/lifecycle.js';
import { refusalTests } from './vector-store/refusals.js';
import { searchTests } from './vector-store/searches.js';
import { ContractSuite, type MakeContractStore } from './vector-store/suite.js';
import type { VectorStoreTest } from './vector-store/tests.js';
import { writeTests } from './vector-store/writes.js';

export type { ContractStore, MakeContractStore } from './vector-store/suite.js';
export { VECTOR_STORE_TESTS, type VectorStoreTest } from './vector-store/tests.js';

export function runVectorStoreContract(name: string, makeStore: MakeContractStore, options: ContractOptions<VectorStoreTest> = {}): void {
  describe(`VectorStore contract: ${name}`, () => {
    const suite = new ContractSuite(name, makeStore, options.skips);
    lifecycleTests(suite);
    writeTests(suite);
    searchTests(suite);
    filterTests(suite);
    refusalTests(suite);
    it('defines every test tests.ts lists (the names skips refer to)', () => {
      expect(suite.undefinedTests()).toEqual([]);
    });
  });
}
