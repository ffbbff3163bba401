/**
 * Shared setup for the batch tests: a small catalog drawn in code (solid-colour JPEGs, so it takes
 * milliseconds), new products in the tutorial's CSV format, and the cloud adapters wired to the fake
 * OpenRouter through the batch engine's hooks. Also the witness: which generations the fake delivered.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { createOpenRouterStyleAnalyzer } from '../../../src/adapters/openrouter/style-analyzer.js';
import { createOpenRouterEmbedder } from '../../../src/adapters/openrouter/embedder.js';
import { createOpenRouterImageGenerator } from '../../../src/adapters/openrouter/image-generator.js';
import { createOpenRouterClient } from '../../../src/adapters/openrouter/client.js';
import type { UsageSink } from '../../../src/adapters/openrouter/usage.js';
import type { BatchEngine } from '../../../src/pipeline/batch/engine.js';
import { ingestCatalog } from '../../../src/pipeline/ingest.js';
import { openLanceDbStore } from '../../../src/adapters/lancedb/index.js';
import { ensureWorkspace, workspaceAt, type Workspace } from '../../../src/pipeline/workspace.js';
import { startOpenRouterFake, type FakeFault, type FakeRequestLog, type OpenRouterFake } from '../../fakes/openrouter-fake.js';

export const CATEGORIES = ['midi_dress', 'tshirt', 'handbag'] as const;

export interface SmallCatalog {
  dir: string;
  catalogCsv: string;
  imagesDir: string;
  newCsv: string;
  newImagesDir: string;
  newIds: string[];
}

async function jpeg(file: string, width: number, height: number, colour: { r: number; g: number; b: number }): Promise<void> {
  await sharp({ create: { width, height, channels: 3, background: colour } }).jpeg({ quality: 80 }).toFile(file);
}

/** `hitsPerCategory` hits per category (all best sellers) and `newProducts` new products with distinct photos. */
export async function buildSmallCatalog(dir: string, options: { hitsPerCategory?: number; newProducts: number }): Promise<SmallCatalog> {
  const hits = options.hitsPerCategory ?? 4;
  const imagesDir = path.join(dir, 'images');
  const newImagesDir = path.join(dir, 'new_products');
  await mkdir(imagesDir, { recursive: true });
  await mkdir(newImagesDir, { recursive: true });
  const hitRows = ['product_id,image_path,category,color,style,season,sales_count,description,price'];
  let n = 0;
  for (const [c, category] of CATEGORIES.entries()) {
    for (let i = 0; i < hits; i++) {
      n += 1;
      const id = `SKU${String(n).padStart(3, '0')}`;
      await jpeg(path.join(imagesDir, `${id}.jpg`), 120, 160, { r: 40 + 60 * c, g: 30 + 40 * i, b: 200 - 50 * c });
      hitRows.push(`${id},${id}.jpg,${category},red,casual,summer,${2000 + 100 * n},best seller ${n} shot outdoors,39.9`);
    }
  }
  const newRows = ['new_id,image_path,category,style,season,prompt_hint'];
  const newIds: string[] = [];
  for (let i = 0; i < options.newProducts; i++) {
    const id = `NEW${String(i + 1).padStart(3, '0')}`;
    newIds.push(id);
    await jpeg(path.join(newImagesDir, `${id}.jpg`), 100, 130, { r: (i * 37) % 256, g: (i * 91) % 256, b: (i * 53) % 256 });
    newRows.push(`${id},${id}.jpg,${CATEGORIES[i % CATEGORIES.length]},casual,summer,new item number ${i + 1}`);
  }
  const catalogCsv = path.join(dir, 'products.csv');
  const newCsv = path.join(dir, 'new_products.csv');
  await writeFile(catalogCsv, hitRows.join('\n') + '\n');
  await writeFile(newCsv, newRows.join('\n') + '\n');
  return { dir, catalogCsv, imagesDir, newCsv, newImagesDir, newIds };
}

export interface CloudAdapters {
  embedder: ReturnType<typeof createOpenRouterEmbedder>;
  analyzer: ReturnType<typeof createOpenRouterStyleAnalyzer>;
  generator: ReturnType<typeof createOpenRouterImageGenerator>;
}

/** The three cloud adapters on one client wired to the fake, with the engine's hooks and fast retries. */
export function cloudAdapters(fake: OpenRouterFake, engine: BatchEngine | undefined, onUsage?: UsageSink, client: { timeoutMs?: number } = {}): CloudAdapters {
  const c = createOpenRouterClient(
    { apiKey: 'test-key', baseUrl: fake.baseUrl, backoffBaseMs: 5, backoffMaxMs: 20, timeoutMs: client.timeoutMs ?? 1500, ...(engine?.clientHooks ?? {}) },
    {},
  );
  const adapters = {
    embedder: createOpenRouterEmbedder({ client: c, onUsage }),
    analyzer: createOpenRouterStyleAnalyzer({ client: c, onUsage }),
    generator: createOpenRouterImageGenerator({ client: c, maxReferences: 1, onUsage }),
  };
  if (engine) {
    engine.stageModels.embed = 'nvidia/llama-nemotron-embed-vl-1b-v2';
    engine.stageModels.analyze = adapters.analyzer.id.replace(/^openrouter\//, '');
    engine.stageModels.generate = adapters.generator.id.replace(/^openrouter\//, '');
  }
  return adapters;
}

/** Ingests the catalog into a LanceDB store in `lanceDir` through the fake's embeddings. */
export async function ingestThroughFake(fake: OpenRouterFake, catalog: SmallCatalog, lanceDir: string): Promise<void> {
  const store = await openLanceDbStore({ dir: lanceDir });
  try {
    const { embedder } = cloudAdapters(fake, undefined);
    const report = await ingestCatalog({ catalogCsv: catalog.catalogCsv, imagesDir: catalog.imagesDir, store, embedder });
    if (report.problems.length) throw new Error(`fixture ingest failed: ${JSON.stringify(report.problems)}`);
  } finally {
    await store.close();
  }
}

export interface BatchTestbed {
  fake: OpenRouterFake;
  catalog: SmallCatalog;
  ws: Workspace;
  /** Stops the fake and removes every file. */
  close(): Promise<void>;
}

/** A temp folder with a small catalog ingested through a fresh fake into a fresh workspace. */
export async function batchTestbed(prefix: string, newProducts: number): Promise<BatchTestbed> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), prefix));
  const fake = await startOpenRouterFake({ apiKey: 'test-key' });
  const catalog = await buildSmallCatalog(path.join(tmp, 'catalog'), { newProducts });
  const ws = workspaceAt(path.join(tmp, 'ws'));
  await ensureWorkspace(ws);
  await ingestThroughFake(fake, catalog, ws.lanceDir);
  return {
    fake, catalog, ws,
    async close() {
      await fake.stop();
      await rm(tmp, { recursive: true, force: true });
    },
  };
}

/** About 20% of calls fail, in the ways reference/openrouter.md documents. */
export const DOCUMENTED_FAULTS: Array<{ endpoint?: 'chat' | 'embeddings'; probability: number; fault: FakeFault }> = [
  { probability: 0.03, fault: { kind: 'status', status: 429, retryAfter: '0.05', message: 'Rate limit exceeded', metadata: { error_type: 'rate_limit_exceeded' } } },
  { probability: 0.02, fault: { kind: 'status', status: 429, message: 'Rate limit exceeded' } },
  { probability: 0.025, fault: { kind: 'status', status: 500, message: 'Internal Server Error' } },
  { probability: 0.02, fault: { kind: 'status', status: 502, message: 'Provider returned error' } },
  { probability: 0.01, fault: { kind: 'status', status: 503, retryAfter: '0.05', message: 'No provider available' } },
  { probability: 0.01, fault: { kind: 'status', status: 524, body: '<html>edge timeout</html>' } },
  { probability: 0.01, fault: { kind: 'status', status: 529, message: 'Provider overloaded' } },
  { probability: 0.01, fault: { kind: 'malformed-json' } },
  { probability: 0.005, fault: { kind: 'hang' } },
  { endpoint: 'chat', probability: 0.02, fault: { kind: 'finish-error', message: 'The provider stopped with an error.' } },
  { endpoint: 'chat', probability: 0.015, fault: { kind: 'choice-error', code: 502 } },
  { endpoint: 'chat', probability: 0.01, fault: { kind: 'top-level-error', code: 502 } },
  { endpoint: 'chat', probability: 0.03, fault: { kind: 'no-image', text: "I can't create that image." } },
  { endpoint: 'chat', probability: 0.01, fault: { kind: 'empty-content' } },
  { endpoint: 'chat', probability: 0.015, fault: { kind: 'text', content: 'Sure! The style is bright and airy.' } },
  { endpoint: 'embeddings', probability: 0.02, fault: { kind: 'drop-embedding', index: 0 } },
];

export function isGeneration(r: FakeRequestLog): boolean {
  return r.endpoint === 'chat' && Array.isArray(r.body?.modalities) && r.body.modalities.includes('image');
}

/** What identifies a generation on the wire: everything the model is given. */
export function generationKey(r: FakeRequestLog): string {
  return createHash('sha256').update(JSON.stringify({ model: r.body.model, messages: r.body.messages, image_config: r.body.image_config })).digest('hex');
}

/** A generation request the fake answered with an image ("text" faults do not touch image answers). */
export function deliveredImage(r: FakeRequestLog): boolean {
  return isGeneration(r) && r.status === 200 && (r.fault === undefined || r.fault === 'text');
}

/** Delivered generations per wire key. */
export function deliveriesByKey(requests: readonly FakeRequestLog[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of requests) if (deliveredImage(r)) out.set(generationKey(r), (out.get(generationKey(r)) ?? 0) + 1);
  return out;
}
