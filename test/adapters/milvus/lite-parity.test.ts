/**
 * LanceDB and Milvus (Milvus Lite) on the same real catalog: a fashion-1204 subset (every 5th product),
 * embedded with the offline embedder, each product querying the others (leave-one-out, as
 * bench/retrieval-quality.ts). With exact search on both sides (FLAT in Milvus; LanceDB searches exactly
 * below 5,000 rows) the dense top-10 must be the same; the fused top-3 must agree for at least 95% of
 * the queries (the keyword legs are two BM25 implementations over the same terms: Milvus's BM25 function
 * and LanceDB's full-text index). Skipped where the photo set is absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openLanceDbStore } from '../../../src/adapters/lancedb/index.js';
import { createLocalEmbedder } from '../../../src/adapters/local/embedder/index.js';
import { MilvusStore } from '../../../src/adapters/milvus/index.js';
import { readCsvTable } from '../../../src/catalog/csv-table.js';
import type { Filter } from '../../../src/core/filter.js';
import type { StoredProduct, VectorStore } from '../../../src/ports/vector-store.js';
import { keywordText } from '../../../src/search/tokenize.js';
import { fashionDataDir } from '../../../src/util/paths.js';
import { describeWithMilvusLite } from '../../helpers/milvus-lite.js';

const dataDir = fashionDataDir();
const present = existsSync(path.join(dataDir, 'styles.csv'));
if (!present) console.warn(`lite-parity: SKIPPED, the photo set is not at ${dataDir} (set HITLINE_FASHION_DIR)`);
const EVERY = 5;

async function subset(): Promise<Array<Omit<StoredProduct, 'vector'>>> {
  const styles = await readCsvTable(path.join(dataDir, 'styles.csv'), { required: ['id', 'gender', 'basecolour', 'usage', 'season', 'productdisplayname'], known: [] });
  return styles.rows
    .filter((_, i) => i % EVERY === 0)
    .map((row) => ({
      id: row.cell('id'),
      category: row.cell('gender'),
      color: row.cell('basecolour'),
      style: row.cell('usage'),
      season: row.cell('season'),
      salesCount: 0,
      price: null,
      description: row.cell('productdisplayname'),
      imagePath: path.join(dataDir, 'images', `${row.cell('id')}.jpg`),
      imageHash: '',
      attributes: {},
      keywords: keywordText(row.cell('productdisplayname')),
    }));
}

describeWithMilvusLite('LanceDB and Milvus Lite on a fashion-1204 subset', (server) => {
  let tmp: string;
  let rows: StoredProduct[] = [];
  let lance: VectorStore;
  let milvus: MilvusStore;

  beforeAll(async () => {
    if (!present) return;
    tmp = await mkdtemp(path.join(os.tmpdir(), 'hitline-parity-'));
    const embedder = createLocalEmbedder();
    const records = await subset();
    const vectors: Float32Array[] = [];
    for (let i = 0; i < records.length; i += 8) {
      vectors.push(...(await embedder.embedImages(records.slice(i, i + 8).map((r) => readFileSync(r.imagePath)))));
    }
    const info = { embedderId: embedder.id, dimension: embedder.dimension };
    await embedder.close();
    rows = records.map((r, i) => ({ ...r, vector: vectors[i] }));
    lance = openLanceDbStore({ dir: tmp });
    milvus = new MilvusStore({ address: server().address, collection: 'parity', denseIndex: 'FLAT' });
    for (const store of [lance, milvus]) {
      await store.open(info);
      await store.upsert(rows);
      await store.optimize();
    }
  }, 300_000);
  afterAll(async () => {
    if (!present) return;
    await lance?.close();
    await milvus?.close();
    await rm(tmp, { recursive: true, force: true });
  });

  it.skipIf(!present)('gives the same dense top-10 with exact search, and the same fused top-3 for at least 95% of queries', async () => {
    expect(milvus.layout?.keywordLeg.kind).toBe('bm25');
    let fusedSame = 0;
    let keywordSame = 0;
    const fusedDiffer: string[] = [];
    for (const q of rows) {
      const filter: Filter = [{ field: 'id', op: 'neq', value: q.id }];
      const [lanceDense, milvusDense] = await Promise.all([lance, milvus].map((s) => s.denseSearch(q.vector, { filter, limit: 10 })));
      expect(milvusDense.map((h) => h.id), `dense top-10 of ${q.id}`).toEqual(lanceDense.map((h) => h.id));
      milvusDense.forEach((h, i) => expect(h.score).toBeCloseTo(lanceDense[i].score, 4));
      const query = { vector: q.vector, keywords: q.keywords, filter, perLeg: 50, top: 3, rrfK: 60 };
      const [a, b] = await Promise.all([lance, milvus].map((s) => s.hybridSearch(query)));
      const top = (r: typeof a) => r.hits.map((h) => h.product.id).join(',');
      if (top(a) === top(b)) fusedSame += 1;
      else fusedDiffer.push(`${q.id}: lancedb ${top(a)} / milvus ${top(b)}`);
      if (a.keyword.slice(0, 10).map((h) => h.id).join() === b.keyword.slice(0, 10).map((h) => h.id).join()) keywordSame += 1;
    }
    console.info(
      `parity on ${rows.length} queries: dense top-10 identical for all; fused top-3 identical for ${fusedSame} (${((100 * fusedSame) / rows.length).toFixed(1)}%); ` +
        `keyword top-10 identical for ${keywordSame} (${((100 * keywordSame) / rows.length).toFixed(1)}%)` +
        (fusedDiffer.length ? `\n  differing: ${fusedDiffer.slice(0, 10).join('\n  ')}` : ''),
    );
    expect(fusedSame / rows.length).toBeGreaterThanOrEqual(0.95);
  }, 300_000);
});
