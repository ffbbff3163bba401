/**
 * What every group of the VectorStore contract is written against: the adapter's store factory, a
 * `test` that honours the adapter's declared skips, and `withStore` (a fresh, opened store, always
 * cleaned up). An adapter that cannot do something declares it by test title with its reason
 * (runVectorStoreContract's `skips`); the suite prints the list and fails on a title no test has, so a
 * skip never outlives the test it was for.
 */
import { it } from 'vitest';
import type { StoredProduct, VectorStore } from '../../../src/ports/vector-store.js';
import { DIM, EMBEDDER } from './fixture.js';

export interface ContractStore {
  store: VectorStore;
  cleanup(): Promise<void>;
  /** A second, independent store object on the same storage (a fresh process's view). */
  reopen?(): Promise<VectorStore>;
}

export type MakeContractStore = (dimension: number) => Promise<ContractStore>;

/** Test title → why this adapter cannot pass it. */
export type ContractSkips = Readonly<Record<string, string>>;

export class ContractSuite {
  private readonly titles = new Set<string>();

  constructor(
    readonly adapter: string,
    readonly makeStore: MakeContractStore,
    private readonly skips: ContractSkips,
  ) {}

  /** Defines one contract test, or its visible skip when the adapter declared one for this title. */
  test(title: string, body: () => Promise<void>): void {
    if (this.titles.has(title)) throw new Error(`VectorStore contract: two tests are titled "${title}"; skips name tests by title`);
    this.titles.add(title);
    const reason = this.skips[title];
    if (reason === undefined) it(title, body);
    else it.skip(`${title} [skipped for ${this.adapter}: ${reason}]`, body);
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

  /** The declared skips, one line each, as the suite prints them. */
  skipReport(): string {
    const entries = Object.entries(this.skips);
    if (entries.length === 0) return `VectorStore contract: ${this.adapter} runs every test (no skips declared)`;
    return [`VectorStore contract: ${this.adapter} skips ${entries.length} test(s):`, ...entries.map(([title, why]) => `  - ${title}: ${why}`)].join('\n');
  }

  /** Declared skips whose title matches no test (call after every test is defined). */
  unknownSkips(): string[] {
    return Object.keys(this.skips).filter((title) => !this.titles.has(title));
  }
}
