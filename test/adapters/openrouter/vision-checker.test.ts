/** The vision check through OpenRouter, against the local fake server (no network). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenRouterBadResponseError } from '../../../src/adapters/openrouter/errors.js';
import { createOpenRouterVisionChecker, parseVisionVerdict } from '../../../src/adapters/openrouter/vision-checker.js';
import { startOpenRouterFake, type OpenRouterFake } from '../../fakes/openrouter-fake.js';
import { solidImage, testClient } from './helpers.js';

let fake: OpenRouterFake;
beforeAll(async () => {
  fake = await startOpenRouterFake();
});
afterAll(async () => {
  await fake.stop();
});

describe('OpenRouter vision checker', () => {
  it('sends the product photo and the output with the four questions, and reads the verdict', async () => {
    fake.reset();
    fake.enqueue('chat', { kind: 'text', content: '{"sameProduct": true, "labelOrTagVisible": true, "extraItems": false, "garbledText": false, "notes": "white neck label visible"}' });
    const usage: unknown[] = [];
    const checker = createOpenRouterVisionChecker({ client: testClient(fake).client, onUsage: (u) => usage.push(u), productId: 'NEW-001' });
    const verdict = await checker.check({
      productImage: await solidImage(300, 400, { r: 200, g: 40, b: 40 }), output: await solidImage(400, 400, { r: 180, g: 60, b: 50 }),
      presetId: 'amazon-secondary', drawnText: ['Quick Dry Tee', '$19.99'],
    });
    expect(verdict).toEqual({ sameProduct: true, labelOrTagVisible: true, extraItems: false, garbledText: false, notes: 'white neck label visible' });
    const [request] = fake.requestsTo('chat');
    const parts = request.body.messages[0].content as Array<{ type: string; text?: string }>;
    expect(parts.map((p) => p.type)).toEqual(['text', 'image_url', 'image_url']);
    expect(parts[0].text).toMatch(/labelOrTagVisible/);
    expect(parts[0].text).toContain('"Quick Dry Tee"');
    expect(request.body.response_format?.json_schema?.name).toBe('vision_check');
    expect(request.body.response_format?.json_schema?.strict).toBe(true);
    const schema = request.body.response_format?.json_schema?.schema;
    expect(schema).toMatchObject({ type: 'object', additionalProperties: false, required: ['sameProduct', 'labelOrTagVisible', 'extraItems', 'garbledText', 'notes'] });
    expect(schema.properties.sameProduct).toEqual({ type: 'boolean', description: 'Image 2 shows the same product as Image 1: same colours, pattern, shape and details' });
    expect(schema.properties.notes).toEqual({ type: 'string', description: 'One short sentence on what is wrong, or "ok"' });
    expect(usage).toHaveLength(1);
    expect(usage[0]).toMatchObject({ stage: 'analyze', note: 'vision-check', productId: 'NEW-001' });
  });

  it('throws a typed, retryable error when the answer is not the verdict, even after its one repair', async () => {
    fake.reset();
    fake.enqueue('chat', { kind: 'text', content: 'Looks fine to me!' }, { kind: 'text', content: 'Still fine!' });
    const checker = createOpenRouterVisionChecker({ client: testClient(fake).client });
    const error = await checker
      .check({ productImage: await solidImage(100, 100, { r: 1, g: 2, b: 3 }), output: await solidImage(100, 100, { r: 1, g: 2, b: 3 }), presetId: 'x', drawnText: [] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenRouterBadResponseError);
    expect((error as OpenRouterBadResponseError).retryable).toBe(true);
    expect((error as Error).message).toMatch(/not valid JSON/);
    expect((error as Error).message).toContain('even after one repair attempt');
    expect(fake.requestsTo('chat')).toHaveLength(2);
  });

  it('says which field of the verdict is wrong', async () => {
    fake.reset();
    const yes = { kind: 'text' as const, content: '{"sameProduct": "yes", "labelOrTagVisible": false, "extraItems": false, "garbledText": false, "notes": "ok"}' };
    fake.enqueue('chat', yes, yes);
    const checker = createOpenRouterVisionChecker({ client: testClient(fake).client });
    const error = await checker
      .check({ productImage: await solidImage(100, 100, { r: 1, g: 2, b: 3 }), output: await solidImage(100, 100, { r: 1, g: 2, b: 3 }), presetId: 'x', drawnText: [] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenRouterBadResponseError);
    expect((error as Error).message).toContain('"sameProduct" must be true or false');
  });

  it('parses verdicts in fences and refuses partial ones, naming each bad field', () => {
    expect(parseVisionVerdict('```json\n{"sameProduct":false,"labelOrTagVisible":false,"extraItems":true,"garbledText":false,"notes":"a second bag"}\n```').verdict)
      .toMatchObject({ sameProduct: false, extraItems: true, notes: 'a second bag' });
    const partial = parseVisionVerdict('{"sameProduct": "yes", "extraItems": false}');
    expect(partial.verdict).toBeUndefined();
    // A missing "notes" is defaulted (not a problem); a flag is never guessed.
    expect(partial.problems).toEqual(['"sameProduct" must be true or false', '"labelOrTagVisible" must be true or false', '"garbledText" must be true or false']);
    expect(parseVisionVerdict('{"sameProduct": true, "labelOrTagVisible": false, "extraItems": false, "garbledText": false, "notes": 7}').problems).toEqual(['"notes" must be a string']);
  });

  it('keeps long notes to one clipped line', () => {
    const notes = `a second bag\n${'and more '.repeat(40)}`;
    const { verdict } = parseVisionVerdict(JSON.stringify({ sameProduct: true, labelOrTagVisible: false, extraItems: true, garbledText: false, notes }));
    expect(verdict?.notes).toMatch(/^a second bag and more/);
    expect(verdict?.notes.length).toBeLessThanOrEqual(201);
    expect(verdict?.notes).not.toContain('\n');
  });
});
