/**
 * `hitline run` with a key (the analyzer and the vision check in the cloud), against a fake OpenRouter that answers briefs and vision checks loosely (fenced
 * JSON in prose, colour names, a long prompt, extra fields, a missing list, no notes): every product is done
 * without a single repair request, and each normalisation is a warning in summary.json and report.html. Then
 * a strict fake with unusable answers: a product makes at most one paid repair request, counted across its
 * brief and its vision checks, from the fake's request log and from the cost ledger.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoCatalog } from '../../src/demo/index.js';
import type { RunSummary } from '../../src/core/run-summary.js';
import { fakeBrief } from '../fakes/openrouter-fake-answers.js';
import { startOpenRouterFake, type FakeRequestLog, type OpenRouterFake } from '../fakes/openrouter-fake.js';
import { runCli } from '../helpers/capture.js';

const KEY = 'sk-or-v1-loose-answers-0123456789';
let fake: OpenRouterFake;
let tmp: string;
let ws: string;
let demo: Awaited<ReturnType<typeof buildDemoCatalog>>;
const savedEnv = { ...process.env };

/** Briefs and vision checks are chat requests without the image modality. */
const textCalls = (log: FakeRequestLog[]) => log.filter((r) => !r.body.modalities);
const isRepair = (r: FakeRequestLog) => r.body.messages.some((m: { role: string }) => m.role === 'assistant');

beforeAll(async () => {
  fake = await startOpenRouterFake({ apiKey: KEY, answers: 'loose' });
  process.env.OPENROUTER_API_KEY = KEY;
  process.env.OPENROUTER_BASE_URL = fake.baseUrl;
  tmp = await mkdtemp(path.join(os.tmpdir(), 'hitline-loose-'));
  ws = path.join(tmp, 'ws');
  demo = await buildDemoCatalog(path.join(tmp, 'catalog'), { hits: 20, newProducts: 2, seed: 11 });
  // The brief and the vision checks in the cloud; the offline embedder and compositor, so the images pass the
  // other checks (product similarity needs real embeddings, the fake's are random) and the vision check runs.
  await writeFile(path.join(tmp, 'config.json'), JSON.stringify({ stages: { embedder: 'local', analyzer: 'openrouter', generator: 'local' } }));
  const ingest = await runCli(['ingest', '--catalog', demo.catalogCsv, '--images', demo.imagesDir, '--workspace', ws, '--config', path.join(tmp, 'config.json')]);
  expect(ingest.code, ingest.stderr).toBe(0);
}, 120_000);

afterAll(async () => {
  process.env = savedEnv;
  await fake.stop();
  await rm(tmp, { recursive: true, force: true });
});

const run = (...extra: string[]) =>
  runCli(['run', '--new', demo.newCsv, '--images', demo.newImagesDir, '--workspace', ws, '--config', path.join(tmp, 'config.json'), '--size', '0.5K', '--preset', 'thumb-512', '--json', ...extra]);

describe('hitline run with loose model answers', () => {
  it('normalises them without a repair and records each normalisation in summary.json and report.html', async () => {
    fake.reset();
    const { code, stdout, stderr } = await run();
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const summary = JSON.parse(stdout) as RunSummary;
    expect(summary.products.map((p) => p.status)).toEqual(['done', 'done']);
    const calls = textCalls(fake.requestsTo('chat'));
    expect(calls.filter(isRepair)).toEqual([]);
    expect(calls.some((r) => r.body.response_format?.json_schema?.name === 'vision_check')).toBe(true);

    const report = await readFile(path.join(ws, 'runs', summary.runId, 'report.html'), 'utf8');
    for (const p of summary.products) {
      expect(p.brief!.palette).toEqual(['#000080', '#c82828', '#d3d3d3', '#F5F5DC']);
      expect(p.warnings).toEqual(expect.arrayContaining([
        'style brief: the JSON came inside a Markdown code fence; it was read from the fence',
        'style brief: field nobody asked for "confidence" was ignored',
        'style brief: "props" was missing; taken as an empty list',
        'style brief: palette colour "navy blue" was read as #000080',
        'style brief: palette colour "rgb(200, 40, 40)" was read as #c82828',
        expect.stringMatching(/^style brief: "prompt" had 1\d\d words, over the 100 allowed; it was cut to \d+ at the end of a sentence$/),
      ]));
      const thumb = p.outputs.find((o) => o.file.includes('thumb-512'))!;
      expect(thumb.warnings).toEqual(expect.arrayContaining(['vision check: "notes" was missing; left empty', 'vision check: field nobody asked for "confidence" was ignored']));
      expect(report).toContain('style brief: palette colour &quot;navy blue&quot; was read as #000080');
      expect(report).toContain('vision check: &quot;notes&quot; was missing; left empty');
    }
  }, 180_000);

  it('a re-run that reads the briefs back still reports what was normalised', async () => {
    fake.reset();
    const { code, stdout } = await run();
    expect(code).toBe(0);
    const summary = JSON.parse(stdout) as RunSummary;
    expect(textCalls(fake.requestsTo('chat')).filter((r) => r.body.response_format?.json_schema?.name === 'style_brief')).toEqual([]);
    for (const p of summary.products) expect(p.warnings).toContain('style brief: palette colour "navy blue" was read as #000080');
  }, 180_000);
});

describe('hitline run with unusable model answers', () => {
  it('sends at most one paid repair request per product, across its brief and its vision checks', async () => {
    fake.reset();
    fake.configure({ answers: 'strict' });
    const oneProduct = path.join(tmp, 'one-new.csv');
    const [header, first] = (await readFile(demo.newCsv, 'utf8')).split(/\r?\n/);
    const [, image, category] = first.split(',');
    // Fields of its own, so its brief is not one the earlier runs stored.
    await writeFile(oneProduct, `${header}\nNEW-REPAIR,${image},${category},casual,summer,"a hint only this product has"\n`);
    // The brief is unusable (repaired), then every vision check answer is unusable until the fake runs dry.
    const unusableBrief = { kind: 'text' as const, content: JSON.stringify({ ...fakeBrief('x'), palette: ['sunset-ish'] }) };
    const unusableVerdict = { kind: 'text' as const, content: 'Looks fine to me!' };
    fake.enqueue('chat', unusableBrief, { kind: 'none' }, unusableVerdict, unusableVerdict, unusableVerdict);
    const { code, stdout, stderr } = await runCli([
      'run', '--new', oneProduct, '--images', demo.newImagesDir, '--workspace', ws, '--config', path.join(tmp, 'config.json'),
      '--size', '0.5K', '--preset', 'thumb-512', '--json',
    ]);
    expect(stderr).toBe('');
    const summary = JSON.parse(stdout) as RunSummary;
    const calls = textCalls(fake.requestsTo('chat'));
    expect(calls.filter((r) => r.body.response_format?.json_schema?.name === 'vision_check').length).toBeGreaterThanOrEqual(1);
    expect(calls.filter(isRepair)).toHaveLength(1);
    expect(calls.filter(isRepair)[0].body.response_format.json_schema.name).toBe('style_brief');
    const [product] = summary.products;
    expect(product.warnings).toContain('style brief: the first answer was not usable (palette colour "sunset-ish" is not #rrggbb); one repair request was sent');
    const ledger = (await readFile(path.join(ws, 'ledger.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { runId: string; note?: string });
    expect(ledger.filter((e) => e.runId === summary.runId && /repair/.test(e.note ?? ''))).toHaveLength(1);
    // Its vision checks got no repair: each counts as not run, so the image is kept for review, not passed.
    const thumb = product.outputs.find((o) => o.file.includes('thumb-512'))!;
    expect(thumb.warnings[0]).toMatch(/^failed-review \(failed checks: vision\)/);
    expect(code).toBe(0);
  }, 180_000);
});
