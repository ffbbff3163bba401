/**
 * What every group of the VectorStore contract is written against: the adapter's store factory, a
 * `test` that honours the adapter's declared skips (contract-kit.ts: each skip names a test of
 * tests.ts with its reason, is printed, and is refused when it names no test), and `withStore` (a fresh,
 * opened store, always cleaned up).
 */
import type { StoredProduct, VectorStore } from '../../../src/ports/vector-store.js';
import { contractTests, type ContractSkip } from '../contract-kit.js';
import { DIM, EMBEDDER } from './fixture.js';
import { VECTOR_STORE_TESTS, type VectorStoreTest } from './tests.js';

export interface ContractStore {
  store: VectorStore;
  cleanup(): Promise<void>;
  /** A second, independent store object on the same storage (a fresh process's view). */
  reopen?(): Promise<VectorStore>;
}

export type MakeContractStore = (dimension: number) => Promise<ContractStore>;

export class ContractSuite {
  private readonly defined = new Set<VectorStoreTest>();
  private readonly register: (name: VectorStoreTest, fn: () => Promise<void>) => void;

  constructor(
    adapter: string,
    readonly makeStore: MakeContractStore,
    skips: ReadonlyArray<ContractSkip<VectorStoreTest>> = [],
  ) {
    this.register = contractTests(`VectorStore contract: ${adapter}`, VECTOR_STORE_TESTS, skips);
  }

  /** Defines one contract test, or its visible skip when the adapter declared one. */
  test(name: VectorStoreTest, body: () => Promise<void>): void {
    if (this.defined.has(name)) throw new Error(`VectorStore contract: "${name}" is defined twice`);
    this.defined.add(name);
    this.register(name, body);
  }

  /** Tests tests.ts lists that no group defined (read once collection is over, e.g. in a test). */
  undefinedTests(): VectorStoreTest[] {
    return VECTOR_STORE_TESTS.filter((name) => !this.defined.has(name));
  }

  /** A fresh, opened store holding `rows`; always closed and cleaned up. */
  async withStore(rows: readonly StoredProduct[], body: (store: VectorStore, ctx: ContractStore) => Promise<void>): Promise<void> {
    const ctx = await this.makeStore(DIM);
    try {
      await ctx.store.open(EMBEDDER);
      if (rows.length > 0) await ctx.store.upsert(rows);
      await body(ctx.store, ctx);
    } finally {
      await ctx.store.close();
      await ctx.cleanup();
    }
  }
}
