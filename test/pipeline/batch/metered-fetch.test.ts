/**
 * The engine's client hooks against the fake OpenRouter, with the real client and the real generator:
 * caps per model and provider, shared backoff after a 429, the budget refusing calls before they are
 * sent, and stops (soft and hard).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ReferenceImage } from '../../../src/ports/style-analyzer.js';
import { createOpenRouterImageGenerator } from '../../../src/adapters/openrouter/image-generator.js';
import { createOpenRouterClient } from '../../../src/adapters/openrouter/client.js';
import { createOpenRouterCallPricing } from '../../../src/adapters/openrouter/call-pricing.js';
import { BudgetGuard, BudgetReachedError } from '../../../src/pipeline/batch/budget.js';
import { LaneGate } from '../../../src/pipeline/batch/lane-gate.js';
import { createMeteredFetch } from '../../../src/pipeline/batch/metered-fetch.js';
import { withPaidCall } from '../../../src/pipeline/batch/paid-call.js';
import { DEFAULT_PROVIDER_LIMITS, type ProviderLimits } from '../../../src/pipeline/batch/provider-limits.js';
import { RunControl, RunStoppedError } from '../../../src/pipeline/batch/run-control.js';
import { fakeBrief } from '../../fakes/openrouter-fake-answers.js';
import { startOpenRouterFake, type OpenRouterFake } from '../../fakes/openrouter-fake.js';
import { TEST_KEY, newProduct, reference, solidImage } from '../../adapters/openrouter/helpers.js';

const NB2 = 'google/gemini-3.1-flash-image-preview';
let fake: OpenRouterFake;
let photo: Buffer;
let refs: ReferenceImage[];

beforeAll(async () => {
  fake = await startOpenRouterFake({ apiKey: TEST_KEY });
  photo = await solidImage(400, 500, { r: 200, g: 30, b: 30 });
  refs = [reference('SKU1', await solidImage(300, 400, { r: 30, g: 30, b: 200 }))];
});
afterAll(() => fake.stop());
afterEach(() => {
  fake.reset();
  fake.configure({ latencyMs: {} });
});

interface Sent {
  at: number;
  status?: number;
  answeredAt?: number;
}

/** Engine pieces around a real client; `sent` records every request that left, `peak` the most at once. */
function engine(options: { budget?: number; limits?: Partial<ProviderLimits> } = {}) {
  const control = new RunControl();
  const budget = new BudgetGuard(options.budget);
  const sent: Sent[] = [];
  const live = { now: 0, peak: 0 };
  const gate = createMeteredFetch({
    gate: new LaneGate(),
    limits: { ...DEFAULT_PROVIDER_LIMITS, backoff: { baseMs: 50, maxMs: 1000 }, ...options.limits },
    stageModels: { generate: NB2 },
    budget,
    pricing: createOpenRouterCallPricing(),
    control,
    fetch: async (input, init) => {
      const record: Sent = { at: Date.now() };
      sent.push(record);
      live.now += 1;
      live.peak = Math.max(live.peak, live.now);
      try {
        const res = await fetch(input, init);
        record.status = res.status;
        record.answeredAt = Date.now();
        return res;
      } finally {
        live.now -= 1;
      }
    },
  });
  const client = createOpenRouterClient({ apiKey: TEST_KEY, baseUrl: fake.baseUrl, timeoutMs: 5000, backoffBaseMs: 10, backoffMaxMs: 20, ...gate.clientHooks }, {});
  const generator = createOpenRouterImageGenerator({ client, maxReferences: 1 });
  const generate = (id: string, worstUsd?: number) =>
    withPaidCall({ stage: 'generate', productId: id, worstUsd }, control.cancelSignal, (signal) =>
      generator.generate({
        product: newProduct({ newId: id, promptHint: `hint ${id}` }), productImage: photo, references: refs, brief: fakeBrief(id),
        prompt: `Image 1 is product ${id}.`, aspectRatio: '1:1', sizeTier: '0.5K', variant: 1, signal,
      }),
    );
  return { control, budget, sent, live, gate, generate };
}

const settle = <T>(p: Promise<T>) => p.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }));

describe('OpenRouter gate', () => {
  it('keeps each model within its in-flight cap', async () => {
    fake.configure({ latencyMs: { chat: 40 } });
    const e = engine({ limits: { models: { [NB2]: { maxInFlight: 2 } } } });
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => e.generate(`P${i}`)));
    expect(results.every((r) => r.images.length === 1)).toBe(true);
    expect(e.live.peak).toBe(2);
    expect(e.gate.stats.attempts.generate).toBe(6);
  });

  it('a 429 pauses every call to the provider for its Retry-After, not just the one that got it', async () => {
    fake.configure({ latencyMs: { chat: 30 } });
    fake.enqueue('chat', { kind: 'status', status: 429, retryAfter: '0.3', message: 'slow down' });
    const e = engine({ limits: { models: { [NB2]: { maxInFlight: 1 } } } });
    const results = await Promise.all(['A', 'B', 'C'].map((id) => e.generate(id)));
    expect(results).toHaveLength(3);
    const limited = e.sent.find((s) => s.status === 429)!;
    const after = e.sent.filter((s) => s.at > limited.at);
    expect(after.length).toBe(3); // the retry and the two other products
    for (const s of after) expect(s.at - limited.answeredAt!).toBeGreaterThanOrEqual(290);
    expect(e.gate.stats.rateLimited).toBe(1);
  });

  it('refuses a call whose worst case would pass the budget before sending it, and starts no paid call after that', async () => {
    fake.configure({ latencyMs: { chat: 20 } });
    const e = engine({ budget: 0.2, limits: { models: { [NB2]: { maxInFlight: 2 } } } });
    const outcomes = await Promise.all(Array.from({ length: 8 }, (_, i) => settle(e.generate(`P${i}`))));
    const delivered = outcomes.filter((o) => o.ok).length;
    const refused = outcomes.filter((o) => !o.ok);
    expect(delivered).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);
    // The call that did not fit is refused as over budget; the ones after it find the run stopped for the budget.
    const errors = refused.map((r) => (r as { error: unknown }).error);
    expect(errors.filter((e) => e instanceof BudgetReachedError).length).toBeGreaterThan(0);
    for (const e of errors) expect(e instanceof BudgetReachedError || (e instanceof RunStoppedError && e.reason === 'budget')).toBe(true);
    // Every request that reached the server was delivered: refused calls were never sent, and never retried.
    expect(fake.requestsTo('chat')).toHaveLength(delivered);
    expect(e.budget.spent).toBeCloseTo(delivered * 0.045, 9); // the fake bills Nano Banana 2 at 0.5K list price
    expect(e.budget.spent).toBeLessThanOrEqual(0.2);
    expect(e.control.stopReason).toBe('budget');
    expect(e.gate.stats.refused).toBeGreaterThan(0);
  });

  it('a call reserved at an estimate is refused before sending when its exact worst case does not fit, at no cost', async () => {
    const e = engine({ budget: 0.05 });
    const r = await settle(e.generate('A', 0.01));
    expect(r.ok).toBe(false);
    expect((r as { error: unknown }).error).toBeInstanceOf(BudgetReachedError);
    expect(fake.requestsTo('chat')).toHaveLength(0);
    expect(e.budget.spent).toBe(0);
    expect(e.budget.reserved).toBe(0);
    // An estimate that is too high is shrunk to the exact worst case once the request is built.
    const roomy = engine({ budget: 1 });
    expect((await settle(roomy.generate('B', 0.9))).ok).toBe(true);
    expect(roomy.budget.spent).toBeCloseTo(0.045, 9);
    expect(roomy.budget.reserved).toBe(0);
  });

  it('after a soft stop, calls in flight finish and nothing new is sent', async () => {
    fake.configure({ latencyMs: { chat: 150 } });
    const e = engine({ limits: { models: { [NB2]: { maxInFlight: 1 } } } });
    const calls = ['A', 'B', 'C'].map((id) => settle(e.generate(id)));
    while (fake.requestsTo('chat').length === 0) await new Promise((r) => setTimeout(r, 5));
    e.control.stop('interrupted', 'stopped by Ctrl-C');
    const results = await Promise.all(calls);
    // Whichever call reached the provider first finishes; the two still waiting for its slot never start.
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    for (const r of results.filter((x) => !x.ok)) expect((r as { error: unknown }).error).toBeInstanceOf(RunStoppedError);
    expect(fake.requestsTo('chat')).toHaveLength(1);
  });

  it('a hard cancel aborts calls in flight at once', async () => {
    fake.configure({ latencyMs: { chat: 5000 } });
    const e = engine();
    const call = settle(e.generate('A'));
    while (fake.requestsTo('chat').length === 0) await new Promise((r) => setTimeout(r, 5));
    const t0 = Date.now();
    e.control.cancel();
    const r = await call;
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(r.ok).toBe(false);
    expect((r as { error: unknown }).error).toBeInstanceOf(RunStoppedError);
    // Cut off after sending: counted at its worst case, since the provider may bill it.
    expect(e.budget.spent).toBeGreaterThan(0.045);
  });
});
