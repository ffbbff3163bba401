/**
 * The local embedder on real catalog photos (fashion-1204), when the set is present: nearest neighbours of
 * the same article type must beat chance by far. A small sample keeps it quick; the full measurement is
 * bench/retrieval-quality.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCsvTable } from '../../../../src/catalog/csv-table.js';
import { createLocalEmbedder, DEFAULT_LOCAL_RECIPE } from '../../../../src/adapters/local/embedder/index.js';
import { fashionDataDir } from '../../../../src/util/paths.js';
import { cosine } from './drawn-products.js';

const dataDir = fashionDataDir();
const present = existsSync(path.join(dataDir, 'styles.csv'));
const title = present ? `local embedder on the real photo set at ${dataDir}` : `local embedder on the real photo set (SKIPPED: not found at ${dataDir}; set HITLINE_FASHION_DIR)`;
if (!present) console.warn(`test/adapters/local/embedder/local-embedder-photos: ${title}`);

const PER_TYPE = 5;

/** The first PER_TYPE photos of every article type, in file order. */
async function sample(): Promise<Array<{ id: string; type: string; bytes: Buffer }>> {
  const styles = await readCsvTable(path.join(dataDir, 'styles.csv'), { required: ['id', 'articletype'], known: [] });
  const taken = new Map<string, number>();
  const out: Array<{ id: string; type: string; bytes: Buffer }> = [];
  for (const row of styles.rows) {
    const type = row.cell('articletype');
    if ((taken.get(type) ?? 0) >= PER_TYPE) continue;
    taken.set(type, (taken.get(type) ?? 0) + 1);
    out.push({ id: row.cell('id'), type, bytes: readFileSync(path.join(dataDir, 'images', `${row.cell('id')}.jpg`)) });
  }
  return out;
}

/** Share of products whose nearest other product has the same article type. */
function precisionAt1(vectors: Float32Array[], types: string[]): number {
  let hits = 0;
  for (let q = 0; q < vectors.length; q++) {
    let best = -1;
    let bestSim = -Infinity;
    for (let i = 0; i < vectors.length; i++) {
      if (i === q) continue;
      const s = cosine(vectors[q], vectors[i]);
      if (s > bestSim) [best, bestSim] = [i, s];
    }
    if (types[best] === types[q]) hits += 1;
  }
  return hits / vectors.length;
}

describe.skipIf(!present)(title, () => {
  it.each([
    [DEFAULT_LOCAL_RECIPE, 0.5],
    ['histogram', 0.35],
  ] as const)('recipe %s: the nearest neighbour shares the article type far above chance (P@1 >= %s)', async (recipe, floor) => {
    const items = await sample();
    const types = items.map((i) => i.type);
    const chance = (PER_TYPE - 1) / (items.length - 1);
    const embedder = createLocalEmbedder({ recipe });
    try {
      const vectors = await embedder.embedImages(items.map((i) => i.bytes));
      const p1 = precisionAt1(vectors, types);
      expect(p1).toBeGreaterThanOrEqual(floor);
      expect(p1).toBeGreaterThan(8 * chance);
    } finally {
      await embedder.close();
    }
  });
});
