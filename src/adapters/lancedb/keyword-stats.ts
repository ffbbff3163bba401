/**
 * Keyword term statistics of the table (document frequencies, search/term-stats.ts), counted from the
 * `keywords` column alone and kept until the table's version changes: a batch of queries reads the
 * column once, and a write by any process (a new version) makes the next call count again.
 */
import type * as lancedb from '@lancedb/lancedb';
import type * as ArrowTypes from 'apache-arrow';
import { TermCounter, type TermStats } from '../../search/term-stats.js';

export class KeywordStatsCache {
  private counted?: { version: number; counter: Promise<TermCounter> };

  async stats(table: lancedb.Table, terms: readonly string[]): Promise<TermStats> {
    const version = await table.version();
    if (!this.counted || this.counted.version !== version) {
      const counter = countTerms(table);
      this.counted = { version, counter };
      counter.catch(() => {
        if (this.counted?.counter === counter) this.counted = undefined;
      });
    }
    return (await this.counted.counter).stats(terms);
  }

  forget(): void {
    this.counted = undefined;
  }
}

async function countTerms(table: lancedb.Table): Promise<TermCounter> {
  const counter = new TermCounter();
  for await (const batch of table.query().select(['keywords']) as AsyncIterable<ArrowTypes.RecordBatch>) {
    const column = batch.getChild('keywords');
    for (let i = 0; i < batch.numRows; i++) counter.add(String(column?.get(i) ?? ''));
  }
  return counter;
}
