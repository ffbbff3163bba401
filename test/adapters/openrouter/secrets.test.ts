/**
 * The API key must never show up in an error (message, hint, JSON, inspect output, stack), a log line,
 * a doctor report or the cost ledger, on any failure path, even when the server echoes it back.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenRouterStyleAnalyzer } from '../../../src/adapters/openrouter/style-analyzer.js';
import { createOpenRouterEmbedder } from '../../../src/adapters/openrouter/embedder.js';
import { createOpenRouterImageGenerator } from '../../../src/adapters/openrouter/image-generator.js';
import { runOpenRouterDoctor } from '../../../src/adapters/openrouter/doctor.js';
import { OPENROUTER_MODELS } from '../../../src/adapters/openrouter/models.js';
import { openCostLedger } from '../../../src/pipeline/cost-ledger.js';
import { fakeBrief } from '../../fakes/openrouter-fake-answers.js';
import { startOpenRouterFake, type FakeEndpoint, type FakeFault, type OpenRouterFake } from '../../fakes/openrouter-fake.js';
import { TEST_KEY, newProduct, reference, solidImage, testClient } from './helpers.js';

let fake: OpenRouterFake;
let dir: string;
let image: Buffer;
beforeAll(async () => {
  fake = await startOpenRouterFake({ apiKey: TEST_KEY });
  dir = await mkdtemp(path.join(os.tmpdir(), 'hitline-secrets-'));
  image = await solidImage(200, 300, { r: 200, g: 50, b: 50 });
});
afterAll(async () => {
  await fake.stop();
  await rm(dir, { recursive: true, force: true });
});

const echo = `bad key ${TEST_KEY} was sent`;

function expectKeyFree(err: unknown): void {
  expect(err).toBeInstanceOf(Error);
  const e = err as Error & { hint?: string };
  for (const text of [e.message, e.hint ?? '', e.stack ?? '', String(e), JSON.stringify(e), inspect(e, { depth: 8 })]) {
    expect(text).not.toContain(TEST_KEY);
  }
}

describe('the API key never leaks', () => {
  it('through any client, adapter or doctor failure, its log lines or the ledger', async () => {
    const ledger = openCostLedger(path.join(dir, 'costs.jsonl'));
    const sink = ledger.sink({ runId: 'secret-run' });
    const logLines: string[] = [];
    const { client } = testClient(fake, { maxRetries: 1, timeoutMs: 150, log: (l) => logLines.push(l), referer: 'https://shop.example' });
    const embedder = createOpenRouterEmbedder({ client, onUsage: sink });
    const analyzer = createOpenRouterStyleAnalyzer({ client, onUsage: sink });
    const generator = createOpenRouterImageGenerator({ client, onUsage: sink, maxReferences: 1 });
    const refs = [reference('SKU001', image)];
    const product = newProduct();
    const generate = () =>
      generator.generate({ product, productImage: image, references: refs, brief: fakeBrief('s'), prompt: 'p', aspectRatio: '3:4', sizeTier: '1K', variant: 1 });
    const analyze = () => analyzer.analyze({ product, references: refs });
    const embed = () => embedder.embedImages([image, image]);

    const cases: Array<[string, FakeEndpoint, FakeFault[], () => Promise<unknown>]> = [];
    for (const status of [400, 401, 402, 404, 408, 413, 429, 500, 502, 503, 524, 529]) {
      cases.push([`status ${status}`, 'chat', [{ kind: 'status', status, message: echo, retryAfter: '1' }, { kind: 'status', status, message: echo, retryAfter: '1' }], analyze]);
    }
    cases.push(['403 echoing the key', 'chat', [{ kind: 'status', status: 403, message: echo, metadata: { reasons: ['x'], flagged_input: echo } }], generate]);
    cases.push(['HTML error page', 'embeddings', [{ kind: 'status', status: 502, body: `<p>${echo}</p>` }, { kind: 'status', status: 502, body: `<p>${echo}</p>` }], embed]);
    cases.push(['timeout', 'chat', [{ kind: 'hang' }, { kind: 'hang' }], generate]);
    cases.push(['finish_reason error', 'chat', [{ kind: 'finish-error', message: echo }, { kind: 'finish-error', message: echo }], generate]);
    cases.push(['choice error', 'chat', [{ kind: 'choice-error', code: 400, message: echo }], analyze]);
    cases.push(['top-level error', 'chat', [{ kind: 'top-level-error', code: 502, message: echo }, { kind: 'top-level-error', code: 502, message: echo }], analyze]);
    cases.push(['malformed JSON', 'embeddings', [{ kind: 'malformed-json' }, { kind: 'malformed-json' }], embed]);
    cases.push(['no image', 'chat', [{ kind: 'no-image', text: echo }], generate]);
    cases.push(['empty answer', 'chat', [{ kind: 'empty-content' }, { kind: 'empty-content' }], analyze]);
    cases.push(['invalid brief twice', 'chat', [{ kind: 'text', content: echo }, { kind: 'text', content: `{"scene": "${echo}"}` }], analyze]);
    cases.push(['missing embedding', 'embeddings', [{ kind: 'drop-embedding', index: 1 }], embed]);
    cases.push(['wrong dimension', 'embeddings', [{ kind: 'wrong-dimension', dimension: 3 }], embed]);

    for (const [name, endpoint, faults, run] of cases) {
      fake.reset();
      fake.enqueue(endpoint, ...faults);
      const err = await run().then(
        () => new Error(`${name}: expected a failure`),
        (e) => e,
      );
      expect(err.message, name).not.toMatch(/expected a failure/);
      expectKeyFree(err);
      // The request itself did carry the key (so the test would notice a key-less client).
      expect(fake.requests.every((r) => r.bearerSent && r.keyMatched), name).toBe(true);
    }

    // Unreachable server and no key at all.
    const gone = await startOpenRouterFake();
    const goneUrl = gone.baseUrl;
    await gone.stop();
    expectKeyFree(await testClient(fake, { baseUrl: goneUrl, maxRetries: 0 }).client.chat({ model: 'm', messages: [] }).catch((e) => e));
    // A bad option is refused before sending.
    expectKeyFree(await createOpenRouterImageGenerator({ client, model: OPENROUTER_MODELS.nanoBananaPro }).generate({
      product, productImage: image, references: [], brief: fakeBrief('s'), prompt: 'p', aspectRatio: '8:1', sizeTier: '1K', variant: 1,
    }).catch((e) => e));

    // Doctor reports for a rejected key and for a healthy one.
    fake.reset();
    fake.enqueue('key', { kind: 'status', status: 401, message: echo });
    const report = JSON.stringify(await runOpenRouterDoctor({ client, models: { embedding: OPENROUTER_MODELS.nemotronEmbed } }));
    expect(report).toContain('401');
    expect(report).not.toContain(TEST_KEY);

    await ledger.flush();
    const ledgerText = await readFile(ledger.file, 'utf8');
    expect(ledgerText.length).toBeGreaterThan(0);
    expect(ledgerText).not.toContain(TEST_KEY);
    expect(logLines.length).toBeGreaterThan(10);
    expect(logLines.join('\n')).not.toContain(TEST_KEY);
    // The client object itself holds no readable key.
    expect(JSON.stringify(client)).not.toContain(TEST_KEY);
    expect(inspect(client, { depth: 8 })).not.toContain(TEST_KEY);
  });
});
