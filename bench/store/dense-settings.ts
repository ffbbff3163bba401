/**
 * The dense leg's search settings swept on one indexed table (bench/store-hybrid.ts): IVF partitions probed,
 * HNSW `ef`, and how many hits are re-scored with the full vectors, each against exact search (recall@10)
 * and timed (p50). It answers which setting buys recall or costs time under a selective filter.
 */
import type * as lancedb from '@lancedb/lancedb';
import { compileFilter } from '../../src/adapters/lancedb/compile-filter.js';
import type { Filter } from '../../src/core/filter.js';

export interface DenseSetting {
  label: string;
  probes: number;
  ef: number;
  /** LanceDB refine factor; 0: ranked by the index's quantized distances. */
  refineFactor: number;
}

export interface DenseSettingResult extends DenseSetting {
  p50Ms: number;
  recall: number;
}

const LIMIT = 10;

export async function sweepDenseSettings(
  table: lancedb.Table,
  queries: ReadonlyArray<{ vector: Float32Array; filter: Filter }>,
  exact: ReadonlyArray<ReadonlySet<string>>,
  settings: readonly DenseSetting[],
): Promise<DenseSettingResult[]> {
  const results: DenseSettingResult[] = [];
  for (const s of settings) {
    const times: number[] = [];
    let found = 0;
    let wanted = 0;
    for (let i = 0; i < queries.length; i++) {
      let q = table
        .query()
        .nearestTo(queries[i].vector)
        .distanceType('cosine')
        .maximumNprobes(0)
        .minimumNprobes(s.probes)
        .ef(s.ef)
        .where(compileFilter(queries[i].filter)!)
        .select(['id', '_distance'])
        .limit(LIMIT);
      if (s.refineFactor > 0) q = q.refineFactor(s.refineFactor);
      const t = performance.now();
      const rows = await q.toArray();
      times.push(performance.now() - t);
      found += rows.filter((r) => exact[i].has(String(r.id))).length;
      wanted += exact[i].size;
    }
    times.sort((a, b) => a - b);
    results.push({ ...s, p50Ms: times[Math.floor(times.length / 2)], recall: found / wanted });
  }
  return results;
}
