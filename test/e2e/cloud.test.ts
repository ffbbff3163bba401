/**
 * The production path end to end: with OPENROUTER_API_KEY set, `hitline ingest/run/search/doctor` use the
 * cloud adapters against a local fake OpenRouter that speaks the documented wire format.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoCatalog } from '../../src/demo/index.js';
import type { RunSummary } from '../../src/core/run-summary.js';
import { startOpenRouterFake, type OpenRouterFake } from '../fakes/openrouter-fake.js';
import { runCli } from '../helpers/capture.js';

const KEY = 'sk-or-v1-e2e-SECRET-do-not-print-7c1f';
let fake: OpenRouterFake;
let tmp: string;
let ws: string;
let demo: Awaited<ReturnType<typeof buildDemoCatalog>>;
const savedEnv = { ...process.env };

beforeAll(async () => {
  fake = await startOpenRouterFake({ apiKey: KEY, imagePlacement: 'both', imageStyle: 'tinted', dimension: 2048 });
  process.env.OPENROUTER_API_KEY = KEY;
  process.env.OPENROUTER_BASE_URL = fake.baseUrl;
  tmp = await mkdtemp(path.join(os.tmpdir(), 'hitline-cloud-'));
  ws = path.join(tmp, 'ws');
  demo = await buildDemoCatalog(path.join(tmp, 'catalog'), { hits: 20, newProducts: 2, seed: 3 });
});

afterAll(async () => {
  process.env = savedEnv;
  await fake.stop();
  await rm(tmp, { recursive: true, force: true });
});

async function textFilesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && /\.(json|jsonl|html|txt|csv)$/.test(entry.name)) out.push(path.join(entry.parentPath, entry.name));
  }
  return out;
}

describe('hitline with an OpenRouter key (fake server)', () => {
  it('ingests with nemotron embeddings sent as float, batched JPEG data URIs', async () => {
    const { code, stdout, stderr } = await runCli(['ingest', '--catalog', demo.catalogCsv, '--images', demo.imagesDir, '--workspace', ws, '--json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ added: demo.hitCount, embedded: demo.hitCount });
    const calls = fake.requestsTo('embeddings');
    expect(calls.length).toBe(Math.ceil(demo.hitCount / 5));
    for (const call of calls) {
      expect(call.body.model).toBe('nvidia/llama-nemotron-embed-vl-1b-v2');
      expect(call.body.encoding_format).toBe('float');
      expect(call.body.input.length).toBeLessThanOrEqual(5);
      for (const item of call.body.input) expect(item.content[0].image_url.url).toMatch(/^data:image\/jpeg;base64,/);
    }
  });

  it('runs: Qwen3.5 brief, Nano Banana 2 images at the requested size, costs in the summary and the ledger', async () => {
    fake.reset();
    const { code, stdout, stderr } = await runCli(['run', '--new', demo.newCsv, '--images', demo.newImagesDir, '--workspace', ws, '--aspect', '3:4', '--size', '1K', '--json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const summary = JSON.parse(stdout) as RunSummary;
    expect(summary.adapters).toMatchObject({ embedder: 'openrouter/nvidia/llama-nemotron-embed-vl-1b-v2', analyzer: expect.stringContaining('qwen/qwen3.5-397b-a17b'), generator: expect.stringContaining('google/gemini-3.1-flash-image-preview') });
    const chats = fake.requestsTo('chat').map((r) => r.body);
    const generations = chats.filter((b) => b.modalities);
    expect(generations).toHaveLength(demo.newCount);
    for (const g of generations) expect(g.image_config).toEqual({ aspect_ratio: '3:4', image_size: '1K' });
    expect(chats.filter((b) => b.response_format)).toHaveLength(demo.newCount);
    const runDir = path.join(ws, 'runs', summary.runId);
    for (const p of summary.products) {
      expect(p.status).toBe('done');
      expect(p.cost.calls).toBeGreaterThanOrEqual(2);
      expect(p.cost.usd).toBeGreaterThan(0);
      for (const o of p.outputs) {
        const meta = await sharp(path.join(runDir, o.file)).metadata();
        expect([meta.width, meta.height]).toEqual([896, 1200]);
      }
    }
    expect(summary.totals.cost.usd).toBeCloseTo(summary.products.reduce((s, p) => s + p.cost.usd, 0), 10);
    const ledger = (await readFile(path.join(ws, 'ledger.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    const thisRun = ledger.filter((e) => e.runId === summary.runId);
    expect(new Set(thisRun.map((e) => e.stage))).toEqual(new Set(['embed', 'analyze', 'generate']));
    expect(await readFile(path.join(runDir, 'report.html'), 'utf8')).toContain('paid call');
  });

  it('presets through the cloud path: a recoloured image fails fidelity, is retried with strengthened constraints, then kept for review', async () => {
    fake.reset();
    // The fake answers with a tinted copy of the product photo: exactly the "model changed my colour" failure.
    const { stdout, stderr } = await runCli(['run', '--new', demo.newCsv, '--images', demo.newImagesDir, '--workspace', ws, '--preset', 'tiktok-feed', '--json']);
    expect(stderr).toBe('');
    const summary = JSON.parse(stdout) as RunSummary & {
      products: Array<{ presets?: Array<{ status: string; attempts: Array<{ strengthened: boolean }>; checks: Array<{ check: string; passed: boolean }> }> }>;
    };
    const generations = fake.requestsTo('chat').filter((r) => r.body.modalities);
    expect(generations.every((r) => r.body.image_config.aspect_ratio === '3:4')).toBe(true);
    for (const p of summary.products) {
      const [record] = p.presets!;
      expect(record.status).toBe('failed-review');
      expect(record.attempts.length).toBeGreaterThanOrEqual(2);
      expect(record.attempts[1].strengthened).toBe(true);
      expect(record.checks.some((c) => c.check.includes('colour') && !c.passed)).toBe(true);
    }
  });

  it('searches by text in the shared image-text space', async () => {
    const { code, stdout } = await runCli(['search', 'red floral midi dress', '--workspace', ws, '--json']);
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.mode).toMatch(/^hybrid/);
    expect(result.results.length).toBeGreaterThan(0);
    expect(result.results.some((r: { denseRank: number | null }) => r.denseRank !== null)).toBe(true);
  });

  it('doctor checks the key, the models and the store', async () => {
    const { code, stdout } = await runCli(['doctor', '--workspace', ws, '--json']);
    const report = JSON.parse(stdout);
    expect(report.checks.map((c: { check: string }) => c.check)).toEqual(expect.arrayContaining(['store']));
    expect(report.checks.find((c: { check: string }) => c.check === 'store').ok).toBe(true);
    expect(code).toBe(report.ok ? 0 : 1);
    expect(fake.requestsTo('key').length).toBeGreaterThan(0);
    expect(fake.requestsTo('models').length).toBeGreaterThan(0);
  });

  it('refuses offline queries against a store filled by the cloud embedder, with a hint', async () => {
    const { code, stderr } = await runCli(['match', '--new', demo.newCsv, '--images', demo.newImagesDir, '--workspace', ws, '--offline']);
    expect(code).toBe(2);
    expect(stderr).toContain('openrouter/nvidia/llama-nemotron-embed-vl-1b-v2');
    expect(stderr).toMatch(/hint: .*(re-ingest|--reindex)/i);
  });

  it('ingest --reindex switches the store to another embedder', async () => {
    const reindexed = await runCli(['ingest', '--catalog', demo.catalogCsv, '--images', demo.imagesDir, '--workspace', ws, '--offline', '--reindex', '--json']);
    expect(reindexed.code).toBe(0);
    expect(JSON.parse(reindexed.stdout)).toMatchObject({ added: demo.hitCount, storeCount: demo.hitCount });
    const { code, stdout } = await runCli(['match', '--new', demo.newCsv, '--images', demo.newImagesDir, '--workspace', ws, '--offline', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).matches).toHaveLength(demo.newCount);
  });

  it('never writes the key into any report, summary, ledger or output', async () => {
    for (const file of await textFilesUnder(ws)) expect(await readFile(file, 'utf8'), file).not.toContain(KEY);
  });
});
