/**
 * fashion-1204 through LanceDB and through Milvus Lite with each keyword leg, on the leave-one-out
 * protocol of bench/retrieval-quality.ts: every product queries the others (`id neq` on every leg),
 * relevant = same articleType. One hybrid search per query and store (50 hits per leg, RRF k 60, top 10)
 * gives the dense, keyword and fused lists; the in-memory BM25 of bench/retrieval is the reference
 * keyword leg. Parity: how often each Milvus store returns LanceDB's dense top-10 and fused top-3.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openLanceDbStore } from '../../src/adapters/lancedb/index.js';
import { MilvusStore, describeKeywordLeg, type KeywordLegChoice } from '../../src/adapters/milvus/index.js';
import type { EmbedderInfo, VectorStore } from '../../src/ports/vector-store.js';
import { keywordText, tokenize } from '../../src/search/tokenize.js';
import type { FashionItem } from '../retrieval/fashion-set.js';
import { keywordRanking, type Ranking } from '../retrieval/legs.js';
import { toRow } from '../retrieval/store-legs.js';
import { evaluateLeaveOneOut, type RetrievalScores } from '../retrieval/metrics.js';

const PER_LEG = 50;
const RRF_K = 60;

export interface StoreQuality {
  store: string;
  keyword: RetrievalScores;
  dense: RetrievalScores;
  hybrid: RetrievalScores;
  /** Share of queries whose list equals LanceDB's (null for LanceDB itself). */
  denseTop10Same: number | null;
  keywordTop10Same: number | null;
  hybridTop3Same: number | null;
  msPerHybrid: number;
}

export interface QualityResult {
  queries: number;
  memoryKeyword: RetrievalScores;
  stores: StoreQuality[];
}

interface Rankings {
  dense: Ranking;
  keyword: Ranking;
  hybrid: Ranking;
  ms: number;
}

export async function measureQuality(
  address: string,
  items: readonly FashionItem[],
  vectors: readonly Float32Array[],
  embedder: EmbedderInfo,
  log: (line: string) => void,
): Promise<QualityResult> {
  const labels = items.map((i) => i.articleType);
  const score = (ranking: Ranking) => evaluateLeaveOneOut(labels, (q) => ranking[q].slice(0, 10));
  const rows = items.map((item, i) => toRow(item, vectors[i]));
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'hitline-bench-milvus-quality-'));
  try {
    const stores: Array<[string, VectorStore]> = [['LanceDB (full-text BM25)', openLanceDbStore({ dir: tmp })]];
    for (const keywordLeg of ['bm25', 'sparse'] as KeywordLegChoice[]) {
      const store = new MilvusStore({ address, collection: `quality_${keywordLeg}`, denseIndex: 'FLAT', keywordLeg });
      stores.push([`Milvus Lite, ${keywordLeg}`, store]);
    }
    const ranked: Rankings[] = [];
    for (const [name, store] of stores) {
      await store.open(embedder);
      await store.upsert(rows);
      await store.optimize();
      const label = store instanceof MilvusStore && store.layout ? `Milvus Lite, ${describeKeywordLeg(store.layout.keywordLeg)}` : name;
      stores[ranked.length][0] = label;
      log(`  ${label}: ${items.length} queries`);
      ranked.push(await rankAll(store, items, vectors));
      await store.close();
    }
    const [lance] = ranked;
    const same = (a: Ranking, b: Ranking, n: number) => a.filter((list, q) => list.slice(0, n).join() === b[q].slice(0, n).join()).length / a.length;
    return {
      queries: items.length,
      memoryKeyword: score(keywordRanking(items.map((i) => tokenize(i.productDisplayName)), { perLeg: PER_LEG })),
      stores: ranked.map((r, i) => ({
        store: stores[i][0],
        keyword: score(r.keyword),
        dense: score(r.dense),
        hybrid: score(r.hybrid),
        denseTop10Same: i === 0 ? null : same(r.dense, lance.dense, 10),
        keywordTop10Same: i === 0 ? null : same(r.keyword, lance.keyword, 10),
        hybridTop3Same: i === 0 ? null : same(r.hybrid, lance.hybrid, 3),
        msPerHybrid: r.ms / items.length,
      })),
    };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

async function rankAll(store: VectorStore, items: readonly FashionItem[], vectors: readonly Float32Array[]): Promise<Rankings> {
  const index = new Map(items.map((item, i) => [item.id, i]));
  const toIndex = (id: string) => index.get(id)!;
  const out: Rankings = { dense: [], keyword: [], hybrid: [], ms: 0 };
  for (const [q, item] of items.entries()) {
    const t0 = performance.now();
    const result = await store.hybridSearch({
      vector: vectors[q],
      keywords: keywordText(item.productDisplayName),
      filter: [{ field: 'id', op: 'neq', value: item.id }],
      perLeg: PER_LEG,
      top: 10,
      rrfK: RRF_K,
    });
    out.ms += performance.now() - t0;
    out.dense.push(result.dense.map((h) => toIndex(h.id)));
    out.keyword.push(result.keyword.map((h) => toIndex(h.id)));
    out.hybrid.push(result.hits.map((h) => toIndex(h.product.id)));
  }
  return out;
}
