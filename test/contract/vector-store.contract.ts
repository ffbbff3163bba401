/**
 * The VectorStore contract: every adapter (LanceDB, Milvus) runs this same suite, so "done" means it
 * behaves like the port promises, not that it compiles. Expected results are computed from the fixture
 * (vector-store/fixture.ts), never written down by hand. The groups live in vector-store/.
 *
 * Usage (in a *.test.ts file):
 *   runVectorStoreContract('lancedb', async (dimension) => ({ store, cleanup, reopen }));
 *   runVectorStoreContract('some store', make, { skips: { '<test title>': 'why this store cannot' } });
 * Skips are declared by test title with a reason; the suite prints them and fails on a title it does
 * not have.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { filterTests } from './vector-store/filters.js';
import { lifecycleTests } from './vector-store/lifecycle.js';
import { refusalTests } from './vector-store/refusals.js';
import { searchTests } from './vector-store/searches.js';
import { ContractSuite, type ContractSkips, type MakeContractStore } from './vector-store/suite.js';
import { writeTests } from './vector-store/writes.js';

export type { ContractStore, MakeContractStore } from './vector-store/suite.js';

export interface VectorStoreContractOptions {
  /** Tests this adapter cannot pass, by title, each with the reason. */
  skips?: ContractSkips;
}

export function runVectorStoreContract(name: string, makeStore: MakeContractStore, options: VectorStoreContractOptions = {}): void {
  describe(`VectorStore contract: ${name}`, () => {
    const suite = new ContractSuite(name, makeStore, options.skips ?? {});
    beforeAll(() => {
      console.info(suite.skipReport());
    });
    lifecycleTests(suite);
    writeTests(suite);
    searchTests(suite);
    filterTests(suite);
    refusalTests(suite);
    it('declares skips only for tests the suite has', () => {
      expect(suite.unknownSkips()).toEqual([]);
    });
  });
}
