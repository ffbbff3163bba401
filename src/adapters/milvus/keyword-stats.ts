/**
 * Keyword term statistics of this store's rows (document frequencies, search/term-stats.ts), counted from
 * the stored `keywords` field with one query and kept until this store writes. Writes by other clients
 * are seen on the next count after this store's own next write: a document frequency only weighs the
 * seller's words, so a slightly old one changes a weight, not a result.
 */
import { TermCounter, type TermStats } from '../../search/term-stats.js';
import { callMilvus, checkStatus } from './errors.js';
import type { OpenCollection } from './layout.js';
import { FIELD } from './schema.js';

export class KeywordStatsCache {
  private counter?: Promise<TermCounter>;

  /** `expr` selects the rows counted (every row of this store: its tenant's on a shared collection). */
  async stats(target: OpenCollection, expr: string, terms: readonly string[]): Promise<TermStats> {
    if (!this.counter) {
      const counter = countTerms(target, expr);
      this.counter = counter;
      counter.catch(() => {
        if (this.counter === counter) this.counter = undefined;
      });
    }
    return (await this.counter).stats(terms);
  }

  forget(): void {
    this.counter = undefined;
  }
}

async function countTerms({ client, config }: OpenCollection, expr: string): Promise<TermCounter> {
  const action = 'counting keyword terms';
  const res = await callMilvus(config, action, () => client.query({ collection_name: config.collection, expr, output_fields: [FIELD.keywords] }));
  checkStatus(res.status, config, action);
  const counter = new TermCounter();
  for (const row of res.data) counter.add(String(row[FIELD.keywords] ?? ''));
  return counter;
}
