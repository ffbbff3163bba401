import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createOpenRouterStyleAnalyzer } from '../../../src/adapters/openrouter/style-analyzer.js';
import { parseBrief } from '../../../src/adapters/openrouter/brief-answer.js';
import { styleBriefProblems } from '../../../src/core/style-brief.js';
import type { ReferenceImage } from '../../../src/ports/style-analyzer.js';
import { EmptyAnswerError, StyleBriefError } from '../../../src/adapters/openrouter/errors.js';
import type { UsageReport } from '../../../src/adapters/openrouter/usage.js';
import { fakeBrief } from '../../fakes/openrouter-fake-answers.js';
import { startOpenRouterFake, type OpenRouterFake } from '../../fakes/openrouter-fake.js';
import { TEST_KEY, dataUriBytes, meanColour, newProduct, reference, solidImage, testClient } from './helpers.js';

let fake: OpenRouterFake;
let refs: ReferenceImage[];
const colours = [
  { r: 220, g: 30, b: 30 },
  { r: 30, g: 200, b: 40 },
  { r: 30, g: 40, b: 210 },
  { r: 200, g: 200, b: 20 },
];
beforeAll(async () => {
  fake = await startOpenRouterFake({ apiKey: TEST_KEY });
  refs = await Promise.all(colours.map(async (c, i) => reference(`SKU00${i + 1}`, await solidImage(i === 0 ? 3000 : 800, i === 0 ? 2000 : 1000, c))));
});
afterAll(() => fake.stop());
afterEach(() => fake.reset());

const product = newProduct();

describe('OpenRouter style analyzer', () => {
  it('sends the instruction text first, then the top references as JPEG ≤1024 px, best first', async () => {
    const { client } = testClient(fake);
    const analyzer = createOpenRouterStyleAnalyzer({ client });
    const brief = await analyzer.analyze({ product, references: refs });
    expect(styleBriefProblems(brief)).toEqual([]);
    const [req] = fake.requestsTo('chat');
    const body = req.body;
    expect(body.model).toBe('qwen/qwen3.5-397b-a17b');
    expect(body.temperature).toBe(0.7);
    expect(body.reasoning).toEqual({ effort: 'none' });
    expect(body.max_tokens).toBeGreaterThanOrEqual(512);
    expect(body.modalities).toBeUndefined();
    expect(body.messages).toHaveLength(1);
    const parts = body.messages[0].content;
    expect(body.messages[0].role).toBe('user');
    // Text first, then exactly 3 images (the default top 3 of 4 given).
    expect(parts.map((p: { type: string }) => p.type)).toEqual(['text', 'image_url', 'image_url', 'image_url']);
    expect(parts[0].text).toContain('midi_dress');
    expect(parts[0].text).toContain(product.promptHint);
    expect(parts[0].text).toContain('at most 100 words');
    for (let i = 1; i <= 3; i++) {
      const { mime, bytes } = dataUriBytes(parts[i].image_url.url);
      expect(mime).toBe('image/jpeg');
      const meta = await sharp(bytes).metadata();
      expect(Math.max(meta.width!, meta.height!)).toBeLessThanOrEqual(1024);
      // Order kept: image i is reference i (checked by colour).
      const c = await meanColour(bytes);
      expect(Math.abs(c.r - colours[i - 1].r)).toBeLessThan(12);
      expect(Math.abs(c.b - colours[i - 1].b)).toBeLessThan(12);
    }
    const first = await sharp(dataUriBytes(parts[1].image_url.url).bytes).metadata();
    expect([first.width, first.height]).toEqual([1024, 683]);
  });

  it('asks for structured output with the style brief JSON schema generated from the zod schema', async () => {
    const { client } = testClient(fake);
    await createOpenRouterStyleAnalyzer({ client }).analyze({ product, references: refs });
    const rf = fake.requestsTo('chat')[0].body.response_format;
    expect(rf.type).toBe('json_schema');
    expect(rf.json_schema.name).toBe('style_brief');
    expect(rf.json_schema.strict).toBe(true);
    // What strict structured output needs: a closed object, every property required, the #rrggbb pattern,
    // the descriptions the model reads, and no keyword strict mode refuses (no minLength, no $schema).
    const text = { type: 'string' };
    const list = { type: 'array', items: { type: 'string' } };
    expect(rf.json_schema.schema).toEqual({
      type: 'object',
      additionalProperties: false,
      required: ['scene', 'background', 'lighting', 'colorTone', 'palette', 'composition', 'pose', 'mood', 'props', 'negatives', 'prompt'],
      properties: {
        scene: { ...text, description: 'Setting of the photos' },
        background: { ...text, description: 'Background: plain, textured, outdoor...' },
        lighting: { ...text, description: 'Light direction, softness, contrast' },
        colorTone: { ...text, description: 'Warm/neutral/cool and saturation' },
        palette: { type: 'array', items: { type: 'string', pattern: '^#[0-9a-fA-F]{6}$' }, description: 'Dominant colours as #rrggbb' },
        composition: { ...text, description: 'Framing, camera distance, subject placement' },
        pose: { ...text, description: 'Model pose or product arrangement' },
        mood: text,
        props: list,
        negatives: { ...list, description: 'What must not appear' },
        prompt: { ...text, description: 'Generation prompt, at most 100 words' },
      },
    });
    // The instruction lists the same fields with their descriptions.
    expect(fake.requestsTo('chat')[0].body.messages[0].content[0].text).toContain('- palette: Dominant colours as #rrggbb (list of strings)');
  });

  it('without structured output, parses the JSON out of a fenced answer', async () => {
    const { client } = testClient(fake);
    const brief = await createOpenRouterStyleAnalyzer({ client, supportsJsonSchema: false }).analyze({ product, references: refs });
    const req = fake.requestsTo('chat')[0];
    expect(req.body.response_format).toBeUndefined();
    expect(req.body.messages[0].content[0].text).toContain('JSON object only');
    expect(styleBriefProblems(brief)).toEqual([]);
  });

  it('sends the problems back once and accepts the repaired brief', async () => {
    const { client } = testClient(fake);
    const reports: UsageReport[] = [];
    const bad = { ...fakeBrief('x'), palette: ['sunset-ish'], prompt: '' };
    fake.enqueue('chat', { kind: 'text', content: JSON.stringify(bad) });
    const brief = await createOpenRouterStyleAnalyzer({ client, onUsage: (r) => reports.push(r) }).analyze({ product, references: refs });
    expect(styleBriefProblems(brief)).toEqual([]);
    const reqs = fake.requestsTo('chat');
    expect(reqs).toHaveLength(2);
    const repair = reqs[1].body.messages;
    expect(repair.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(repair[1].content).toBe(JSON.stringify(bad));
    expect(repair[2].content).toContain('palette colour "sunset-ish" is not #rrggbb');
    expect(repair[2].content).toContain('"prompt" must be a non-empty string');
    expect(repair[2].content.split('\n').filter((line: string) => line.startsWith('- '))).toHaveLength(2);
    expect(reports.map((r) => [r.stage, r.productId, r.note])).toEqual([
      ['analyze', 'NEW001', undefined],
      ['analyze', 'NEW001', 'repair'],
    ]);
  });

  it('fails with a typed error listing the problems when the repair is also invalid', async () => {
    const { client } = testClient(fake);
    fake.enqueue('chat', { kind: 'text', content: 'I think the photos are lovely.' }, { kind: 'text', content: '{"scene": "studio"}' });
    const err = await createOpenRouterStyleAnalyzer({ client })
      .analyze({ product, references: refs })
      .catch((e) => e);
    expect(err).toBeInstanceOf(StyleBriefError);
    expect(err.problems).toContain('"lighting" must be a non-empty string');
    expect(err.message).toContain('NEW001');
    expect(err.message).toContain('after one repair attempt');
    expect(err.hint).toBeTruthy();
    expect(fake.requestsTo('chat')).toHaveLength(2);
  });

  it('asks once more after an empty answer (reasoning used the tokens)', async () => {
    const { client } = testClient(fake);
    fake.enqueue('chat', { kind: 'empty-content' });
    const brief = await createOpenRouterStyleAnalyzer({ client }).analyze({ product, references: refs });
    expect(styleBriefProblems(brief)).toEqual([]);
    expect(fake.requestsTo('chat')).toHaveLength(2);
  });

  it('gives a clear typed error when the answer is empty twice', async () => {
    const { client } = testClient(fake);
    fake.enqueue('chat', { kind: 'empty-content' }, { kind: 'empty-content' });
    const err = await createOpenRouterStyleAnalyzer({ client, maxTokens: 600 })
      .analyze({ product, references: refs })
      .catch((e) => e);
    expect(err).toBeInstanceOf(EmptyAnswerError);
    expect(err.message).toContain('empty content twice');
    expect(err.message).toContain('finish_reason "length"');
    expect(err.message).toContain('600 tokens spent reasoning');
    expect(err.hint).toMatch(/reasoning/);
    expect(fake.requestsTo('chat')).toHaveLength(2);
  });

  it('can leave reasoning settings out and limits references to the configured count', async () => {
    const { client } = testClient(fake);
    await createOpenRouterStyleAnalyzer({ client, reasoningEffort: null, maxReferences: 1 }).analyze({ product, references: refs });
    const body = fake.requestsTo('chat')[0].body;
    expect(body.reasoning).toBeUndefined();
    expect(body.messages[0].content.filter((p: { type: string }) => p.type === 'image_url')).toHaveLength(1);
  });
});

describe('parseBrief', () => {
  const good = fakeBrief('seed');
  it('reads plain JSON, fenced JSON and JSON wrapped in prose', () => {
    expect(parseBrief(JSON.stringify(good)).brief).toEqual(good);
    expect(parseBrief('```json\n' + JSON.stringify(good) + '\n```').brief).toEqual(good);
    expect(parseBrief('Sure! ' + JSON.stringify(good) + ' Hope this helps.').brief).toEqual(good);
  });
  it('drops fields outside the schema and reports bad JSON', () => {
    expect(parseBrief(JSON.stringify({ ...good, extra: 1 })).brief).toEqual(good);
    expect(parseBrief('{"scene": ').problems[0]).toMatch(/not valid JSON/);
  });
  it('trims strings and drops empty list entries', () => {
    const padded = { ...good, scene: `  ${good.scene}\n`, props: [' bag ', '', '  '], palette: ['#A0b1C2'] };
    expect(parseBrief(JSON.stringify(padded)).brief).toEqual({ ...good, props: ['bag'], palette: ['#A0b1C2'] });
  });
  it('names every bad field in words a model can act on', () => {
    const { lighting: _missing, ...rest } = good;
    const bad = { ...rest, scene: '   ', mood: 3, props: 'bag', negatives: ['ok', 7], palette: ['#12345', '#abcdef'], prompt: '' };
    expect(parseBrief(JSON.stringify(bad)).problems).toEqual([
      '"scene" must be a non-empty string',
      '"lighting" must be a non-empty string',
      'palette colour "#12345" is not #rrggbb',
      '"mood" must be a non-empty string',
      '"props" must be a list of strings',
      '"negatives" must be a list of strings',
      '"prompt" must be a non-empty string',
    ]);
    expect(parseBrief('[1, 2]').problems).toEqual(['the brief must be a JSON object']);
  });
});
