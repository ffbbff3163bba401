/**
 * Loose but usable model answers are normalised, not failed or paid for again: the JSON in a fence or in
 * prose, colours by name or rgb(), a prompt over its word limit, fields nobody asked for, a missing list, a
 * missing vision note. Each fix is a warning. A repair request goes out only for an unusable answer, and a
 * product sends at most one, counted across the style analyzer and the vision checker (from the fake's log).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseBrief } from '../../../src/adapters/openrouter/brief-answer.js';
import { colourAsHex, trimToWords } from '../../../src/adapters/openrouter/loose-answers.js';
import { createRepairAllowance } from '../../../src/adapters/openrouter/repair-allowance.js';
import { createOpenRouterStyleAnalyzer } from '../../../src/adapters/openrouter/style-analyzer.js';
import { createOpenRouterVisionChecker } from '../../../src/adapters/openrouter/vision-checker.js';
import { OpenRouterBadResponseError, StyleBriefError } from '../../../src/adapters/openrouter/errors.js';
import { BRIEF_PROMPT_MAX_WORDS, styleBriefProblems, wordCount } from '../../../src/core/style-brief.js';
import type { ReferenceImage } from '../../../src/ports/style-analyzer.js';
import { fakeBrief } from '../../fakes/openrouter-fake-answers.js';
import { startOpenRouterFake, type FakeRequestLog, type OpenRouterFake } from '../../fakes/openrouter-fake.js';
import { TEST_KEY, newProduct, reference, solidImage, testClient } from './helpers.js';

let fake: OpenRouterFake;
let refs: ReferenceImage[];
beforeAll(async () => {
  fake = await startOpenRouterFake({ apiKey: TEST_KEY });
  refs = [reference('SKU001', await solidImage(400, 500, { r: 200, g: 40, b: 40 }))];
});
afterAll(() => fake.stop());
afterEach(() => {
  fake.reset();
  fake.configure({ answers: 'strict' });
});

/** Requests that carry an earlier answer back to the model: repair requests. */
const repairs = (log: FakeRequestLog[]) => log.filter((r) => r.body.messages.some((m: { role: string }) => m.role === 'assistant'));

describe('colours and prompts as models write them', () => {
  it.each([
    ['navy', '#000080'],
    ['Navy Blue', '#000080'],
    ['light grey', '#d3d3d3'],
    ['off-white', '#ffffff'],
    ['rgb(200, 40, 40)', '#c82828'],
    ['hsl(0, 100%, 50%)', '#ff0000'],
    ['#FFF', '#ffffff'],
    ['#ff000080', '#ff0000'],
    ['1f2a44', '#1f2a44'],
    ['deep navy (#1F2A44)', '#1f2a44'],
  ])('reads %s as %s', (written, hex) => {
    expect(colourAsHex(written)).toBe(hex);
  });

  it('leaves what is not a colour unread', () => {
    for (const text of ['sunset-ish', 'the colour of the sea', '#12345', 'transparent']) expect(colourAsHex(text)).toBeUndefined();
  });

  it('cuts a long prompt at the end of a sentence, or at a word boundary when sentences would lose too much', () => {
    const sentence = 'A model in soft window light wears the dress with the fabric crisp and true to life.'; // 17 words
    const long = Array.from({ length: 8 }, () => sentence).join(' ');
    const bySentence = trimToWords(long, 100);
    expect(bySentence).toEqual({ text: Array.from({ length: 5 }, () => sentence).join(' '), at: 'sentence' });
    const oneRunOn = `${'word, '.repeat(120)}end`;
    const byWord = trimToWords(oneRunOn, 100);
    expect(byWord.at).toBe('word');
    expect(wordCount(byWord.text)).toBe(100);
    expect(byWord.text.endsWith('word')).toBe(true);
  });
});

describe('parseBrief normalises a loose answer', () => {
  const good = fakeBrief('seed');

  it('reads the JSON out of a fence or prose, saying so', () => {
    expect(parseBrief(JSON.stringify(good))).toEqual({ brief: good, problems: [], warnings: [] });
    expect(parseBrief('```json\n' + JSON.stringify(good) + '\n```').warnings).toEqual(['style brief: the JSON came inside a Markdown code fence; it was read from the fence']);
    expect(parseBrief('Sure! ' + JSON.stringify(good) + ' Hope this helps.').warnings).toEqual(['style brief: the JSON came with text around it; the object was read out of it']);
  });

  it('reads colour names and rgb() as hex, drops unknown fields, defaults missing lists and cuts a long prompt', () => {
    const { props: _props, negatives: _negatives, ...rest } = good;
    const longPrompt = `${good.prompt} ${'Soft light falls across the fabric and the model looks calm. '.repeat(10)}`.trim();
    const reading = parseBrief(JSON.stringify({ ...rest, negatives: null, palette: ['navy blue', 'rgb(200, 40, 40)', '#A0b1C2'], confidence: 0.9, notes: 'x', prompt: longPrompt }));
    expect(reading.problems).toEqual([]);
    expect(reading.brief).toMatchObject({ palette: ['#000080', '#c82828', '#A0b1C2'], props: [], negatives: [] });
    expect(reading.brief).not.toHaveProperty('confidence');
    expect(wordCount(reading.brief!.prompt)).toBeLessThanOrEqual(BRIEF_PROMPT_MAX_WORDS);
    expect(reading.brief!.prompt).toMatch(/^Full-body photo .*calm\.$/);
    expect(reading.warnings).toEqual([
      'style brief: fields nobody asked for "confidence", "notes" were ignored',
      'style brief: "props" was missing; taken as an empty list',
      'style brief: "negatives" was missing; taken as an empty list',
      'style brief: palette colour "navy blue" was read as #000080',
      'style brief: palette colour "rgb(200, 40, 40)" was read as #c82828',
      `style brief: "prompt" had ${wordCount(longPrompt)} words, over the 100 allowed; it was cut to ${wordCount(reading.brief!.prompt)} at the end of a sentence`,
    ]);
  });

  it('still reports what cannot be normalised', () => {
    const reading = parseBrief(JSON.stringify({ ...good, palette: ['navy', 'sunset-ish'], lighting: '' }));
    expect(reading.brief).toBeUndefined();
    expect(reading.problems).toEqual(['"lighting" must be a non-empty string', 'palette colour "sunset-ish" is not #rrggbb']);
  });
});

describe('the cloud adapters against a fake that answers loosely', () => {
  it('the analyzer normalises the answer without a repair and reports each fix as a warning', async () => {
    fake.configure({ answers: 'loose' });
    const warnings: string[] = [];
    for (const supportsJsonSchema of [true, false]) {
      const analyzer = createOpenRouterStyleAnalyzer({ client: testClient(fake).client, supportsJsonSchema });
      const brief = await analyzer.analyze({ product: newProduct(), references: refs, onWarning: (w) => warnings.push(w) });
      expect(styleBriefProblems(brief)).toEqual([]);
      expect(brief.palette).toEqual(['#000080', '#c82828', '#d3d3d3', '#F5F5DC']);
      expect(brief.props).toEqual([]);
    }
    expect(fake.requestsTo('chat')).toHaveLength(2); // one per analysis, no repair
    expect(warnings.filter((w) => w.includes('Markdown code fence'))).toHaveLength(2);
    expect(warnings).toContain('style brief: palette colour "navy blue" was read as #000080');
    expect(warnings).toContain('style brief: field nobody asked for "confidence" was ignored');
    expect(warnings).toContain('style brief: "props" was missing; taken as an empty list');
    expect(warnings.some((w) => /^style brief: "prompt" had 1\d\d words, over the 100 allowed; it was cut to \d+ at the end of a sentence$/.test(w))).toBe(true);
  });

  it('the vision checker normalises a fenced verdict with an extra field and no notes', async () => {
    fake.configure({ answers: 'loose' });
    const warnings: string[] = [];
    const checker = createOpenRouterVisionChecker({ client: testClient(fake).client, productId: 'NEW001' });
    const image = await solidImage(100, 100, { r: 1, g: 2, b: 3 });
    const verdict = await checker.check({ productImage: image, output: image, presetId: 'thumb-512', drawnText: [], onWarning: (w) => warnings.push(w) });
    expect(verdict).toEqual({ sameProduct: true, labelOrTagVisible: false, extraItems: false, garbledText: false, notes: '' });
    expect(fake.requestsTo('chat')).toHaveLength(1);
    expect(warnings).toEqual([
      'vision check: the JSON came inside a Markdown code fence; it was read from the fence',
      'vision check: field nobody asked for "confidence" was ignored',
      'vision check: "notes" was missing; left empty',
    ]);
  });
});

describe('at most one paid repair per product, across the analyzer and the vision checker', () => {
  it('a product whose brief needed its repair gets none for its vision check; another product still has its own', async () => {
    const allowance = createRepairAllowance();
    const { client } = testClient(fake);
    const analyzer = createOpenRouterStyleAnalyzer({ client, repairs: allowance });
    const checkerFor = (productId: string) => createOpenRouterVisionChecker({ client, productId, repairs: allowance });
    const image = await solidImage(100, 100, { r: 1, g: 2, b: 3 });
    const check = { productImage: image, output: image, presetId: 'thumb-512', drawnText: [] };

    // NEW001: an unusable brief (a colour nothing reads) is repaired once; the warnings say so.
    const warnings: string[] = [];
    fake.enqueue('chat', { kind: 'text', content: JSON.stringify({ ...fakeBrief('x'), palette: ['sunset-ish'] }) });
    await analyzer.analyze({ product: newProduct(), references: refs, onWarning: (w) => warnings.push(w) });
    expect(warnings).toEqual(['style brief: the first answer was not usable (palette colour "sunset-ish" is not #rrggbb); one repair request was sent']);
    // Its vision check answers unusably: no second repair, a retryable error instead.
    fake.enqueue('chat', { kind: 'text', content: 'Looks fine to me!' });
    const error = await checkerFor('NEW001').check(check).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenRouterBadResponseError);
    expect((error as OpenRouterBadResponseError).retryable).toBe(true);
    // A retried analysis of NEW001 that is unusable again fails without a repair.
    fake.enqueue('chat', { kind: 'text', content: '{"scene": "studio"}' });
    const briefError = await analyzer.analyze({ product: newProduct(), references: refs }).catch((e: unknown) => e);
    expect(briefError).toBeInstanceOf(StyleBriefError);
    expect((briefError as Error).message).toContain('and the one repair request a product may send was already used');

    const log = fake.requestsTo('chat');
    expect(log).toHaveLength(4); // brief, its repair, vision check, brief again
    expect(repairs(log)).toHaveLength(1);

    // NEW002 still has its repair, for its vision check.
    fake.reset();
    fake.enqueue('chat', { kind: 'text', content: 'Looks fine to me!' });
    const verdict = await checkerFor('NEW002').check(check);
    expect(verdict.sameProduct).toBe(true);
    expect(repairs(fake.requestsTo('chat'))).toHaveLength(1);
    expect(fake.requestsTo('chat')[1].body.messages.at(-1).content).toContain('not valid JSON');
  });
});
