/**
 * End to end through the command line with `--store milvus` on a real Milvus engine (Milvus Lite): a
 * small drawn catalog is ingested, matched and run, and a LanceDB workspace is migrated into Milvus
 * (`migrate --to milvus`), after which both stores match the new products alike.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildDemoCatalog } from '../../src/demo/index.js';
import { readHitCatalog, readNewProducts } from '../../src/catalog/read-catalog.js';
import type { RunSummary } from '../../src/core/run-summary.js';
import { runCli } from '../helpers/capture.js';
import { describeWithMilvusLite } from '../helpers/milvus-lite.js';

interface MatchOutput {
  matches: Array<{
    newId: string;
    query: { legs: Array<{ leg: string; weight: number }> };
    hits: Array<{ productId: string; rank: number; score: number; denseRank: number | null; keywordRank: number | null; ranks: Record<string, number | null> }>;
  }>;
}

describeWithMilvusLite('hitline CLI on Milvus Lite', (server) => {
  let tmp: string;
  let demo: Awaited<ReturnType<typeof buildDemoCatalog>>;
  const saved = { address: process.env.MILVUS_ADDRESS, collection: process.env.MILVUS_COLLECTION };

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'hitline-e2e-milvus-'));
    demo = await buildDemoCatalog(path.join(tmp, 'catalog'), { hits: 40, newProducts: 4, seed: 7 });
    process.env.MILVUS_ADDRESS = server().address;
  });
  afterAll(async () => {
    for (const [name, value] of [['MILVUS_ADDRESS', saved.address], ['MILVUS_COLLECTION', saved.collection]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await rm(tmp, { recursive: true, force: true });
  });

  const inCollection = (collection: string) => {
    process.env.MILVUS_COLLECTION = collection;
  };
  const ingest = (ws: string, ...extra: string[]) => runCli(['ingest', '--catalog', demo.catalogCsv, '--images', demo.imagesDir, '--workspace', ws, '--json', ...extra]);
  const match = async (ws: string, ...extra: string[]): Promise<MatchOutput> => {
    const { code, stdout, stderr } = await runCli(['match', '--new', demo.newCsv, '--images', demo.newImagesDir, '--workspace', ws, '--json', '--top', '3', ...extra]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    return JSON.parse(stdout) as MatchOutput;
  };

  it('ingests into Milvus, and a second ingest embeds and writes nothing', async () => {
    inCollection('cli_ingest');
    const ws = path.join(tmp, 'ws-milvus');
    const first = await ingest(ws, '--store', 'milvus');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ added: demo.hitCount, embedded: demo.hitCount, storeCount: demo.hitCount });
    const second = JSON.parse((await ingest(ws, '--store', 'milvus')).stdout);
    expect(second).toMatchObject({ added: 0, updated: 0, unchanged: demo.hitCount, embedded: 0, storeCount: demo.hitCount });
  });

  it('matches each new product to hits of its own category, with per-leg ranks and weighted RRF scores', async () => {
    inCollection('cli_ingest');
    const { matches } = await match(path.join(tmp, 'ws-milvus'), '--store', 'milvus');
    const newRows = (await readNewProducts(demo.newCsv, demo.newImagesDir)).rows.map((r) => r.value);
    const hits = (await readHitCatalog(demo.catalogCsv, demo.imagesDir)).rows.map((r) => r.value);
    const categoryOf = new Map(hits.map((h) => [h.productId, h.category]));
    const salesOf = new Map(hits.map((h) => [h.productId, h.salesCount]));
    expect(matches).toHaveLength(newRows.length);
    for (const m of matches) {
      const category = newRows.find((r) => r.newId === m.newId)!.category;
      expect(m.hits).toHaveLength(3);
      for (const [i, h] of m.hits.entries()) {
        expect(h.rank).toBe(i + 1);
        expect(categoryOf.get(h.productId)).toBe(category);
        expect(salesOf.get(h.productId)).toBeGreaterThan(1500);
        // Σ weight/(60 + rank) over the legs that ranked the hit, with the weights the query shows.
        expect(h.score).toBeCloseTo(m.query.legs.reduce((sum, l) => sum + l.weight / (60 + (h.ranks[l.leg] ?? Infinity)), 0), 12);
      }
    }
  });

  it('runs the pipeline on Milvus: exact-size images and a summary with hits for every product', async () => {
    inCollection('cli_ingest');
    const ws = path.join(tmp, 'ws-milvus');
    const { code, stdout } = await runCli([
      'run', '--store', 'milvus', '--new', demo.newCsv, '--images', demo.newImagesDir, '--workspace', ws, '--aspect', '1:1', '--size', '0.5K', '--json',
    ]);
    expect(code).toBe(0);
    const summary = JSON.parse(stdout) as RunSummary;
    expect(summary.totals.failed).toBe(0);
    expect(summary.products).toHaveLength(demo.newCount);
    for (const p of summary.products) {
      expect(p.hits.length).toBeGreaterThan(0);
      for (const o of p.outputs) {
        const meta = await sharp(path.join(ws, 'runs', summary.runId, o.file)).metadata();
        expect([meta.width, meta.height]).toEqual([o.width, o.height]);
        expect(o.width).toBe(o.height);
      }
    }
  });

  it('migrates a LanceDB workspace into Milvus without re-embedding, and both stores then match alike', async () => {
    const ws = path.join(tmp, 'ws-lancedb');
    expect((await ingest(ws)).code).toBe(0);
    inCollection('cli_migrated');
    const migrated = await runCli(['migrate', '--to', 'milvus', '--workspace', ws]);
    expect(migrated.stderr).toBe('');
    expect(migrated.code).toBe(0);
    expect(migrated.stdout).toContain(`Copied ${demo.hitCount} product(s) from lancedb to milvus without re-embedding`);
    const fromLance = await match(ws);
    const fromMilvus = await match(ws, '--store', 'milvus');
    const ids = (m: MatchOutput) => m.matches.map((x) => [x.newId, x.hits.map((h) => h.productId)]);
    expect(ids(fromMilvus)).toEqual(ids(fromLance));
    const again = JSON.parse((await ingest(ws, '--store', 'milvus')).stdout);
    expect(again).toMatchObject({ added: 0, embedded: 0, unchanged: demo.hitCount });
  });
});
