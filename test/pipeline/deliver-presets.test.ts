/**
 * deliverPresets end to end on drawn products with the real offline compositor: every preset at its exact
 * size and name, main images on exact white, copy drawn, metadata written, checks recorded, and the retry
 * ladder when the generator changes the product.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { GenerateRequest, ImageGenerator } from '../../src/ports/image-generator.js';
import { createLocalCompositor } from '../../src/adapters/local/generator/index.js';
import { cutOutProduct } from '../../src/imaging/cutout.js';
import { ASPECT_RATIOS, SIZE_TIERS, outputSize } from '../../src/core/output-sizes.js';
import { deliverPresets } from '../../src/pipeline/deliver-presets.js';
import type { DeliverPresetsRequest, PresetImageRecord } from '../../src/pipeline/delivery-records.js';
import { builtinPresets, selectPresets } from '../../src/presets/index.js';
import { DIGITAL_SOURCE_TYPES } from '../../src/presets/delivery/ai-metadata.js';
import type { VisionChecker } from '../../src/ports/vision-checker.js';
import { compositeIntoScene } from '../../src/adapters/local/generator/staged-composite.js';
import {
  HAS_EXIFTOOL, brief, busyPhoto, exiftool, productRow, recolouringGenerator, referencePhoto, referenceRecord, teeShirtPhoto,
} from '../presets/delivery/preset-fixtures.js';

const COPY_COLUMNS = { title: 'Quick Dry Tee', title_zh: '速干T恤', price: '$19.99', badge: 'NEW' };

async function baseRequest(overrides: Partial<DeliverPresetsRequest> = {}): Promise<DeliverPresetsRequest> {
  return {
    product: productRow(COPY_COLUMNS),
    productImage: await teeShirtPhoto({ color: '#c0392b' }),
    references: [referenceRecord('HIT-1', await referencePhoto())],
    brief: brief(),
    presets: builtinPresets(),
    generator: createLocalCompositor(),
    outputDir: await mkdtemp(path.join(os.tmpdir(), 'hitline-deliver-')),
    ...overrides,
  };
}

const checkNames = (r: PresetImageRecord) => r.checks.map((c) => c.check);

describe('every preset for one product', () => {
  it('writes <preset>-<n>.<ext> at the exact size and format, each with its checks and metadata', async () => {
    const request = await baseRequest();
    const result = await deliverPresets(request);
    expect(result.outputs.map((o) => o.preset)).toEqual(builtinPresets().map((p) => p.id));
    for (const preset of builtinPresets()) {
      const out = result.outputs.find((o) => o.preset === preset.id) as PresetImageRecord;
      expect(out.file).toBe(`${preset.id}-1.jpg`);
      const bytes = await readFile(path.join(request.outputDir, out.file as string));
      const meta = await sharp(bytes).metadata();
      expect([meta.width, meta.height, meta.format], preset.id).toEqual([preset.width, preset.height, 'jpeg']);
      expect(bytes.length).toBeLessThanOrEqual(preset.maxFileBytes);
      expect(out.status, `${preset.id}: ${JSON.stringify(out.checks.filter((c) => !c.passed))}`).toBe('passed');
      expect(checkNames(out)).toEqual(expect.arrayContaining(['size', 'aspect', 'format', 'file-size', 'metadata']));
      if (preset.source === 'cutout') {
        expect(checkNames(out)).toEqual(expect.arrayContaining(['white-background', 'fill']));
        expect(out.sourceType).toBe('algorithmicallyEnhanced');
        expect(out.attempts).toHaveLength(1);
      } else {
        expect(checkNames(out)).toContain('product-colour');
        expect(out.sourceType).toBe('compositeSynthetic');
        expect(out.attempts[0].aspectRatio).toBe(preset.aspect);
      }
      // Copy only where the preset allows text; never on main images or thumbnails.
      if (preset.text === 'allowed') expect(out.text.map((t) => t.role).sort(), preset.id).toEqual(['badge', 'price', 'title', 'titleZh']);
      if (preset.text === 'none') expect(out.text, preset.id).toEqual([]);
      if (preset.text === 'sparingly') expect(out.text.map((t) => t.role)).toEqual(['badge']);
      if (out.text.length) expect(checkNames(out)).toContain('text-contrast');
      if (HAS_EXIFTOOL) {
        const tags = exiftool(path.join(request.outputDir, out.file as string), ['XMP-iptcExt:DigitalSourceType']);
        expect(tags?.DigitalSourceType, preset.id).toBe(DIGITAL_SOURCE_TYPES[out.sourceType as keyof typeof DIGITAL_SOURCE_TYPES]);
      }
    }
  }, 300_000);

  it('asks once for presets that need the same ratio, tier and variant (amazon-secondary and shopify-square)', async () => {
    const counting = recolouringGenerator(createLocalCompositor(), 0, 'local/compositor@1');
    const request = await baseRequest({ presets: selectPresets(builtinPresets(), ['amazon-secondary', 'shopify-square', 'thumb-512']), generator: counting, variants: 2 });
    const result = await deliverPresets(request);
    expect(result.outputs.map((o) => o.file)).toEqual([
      'amazon-secondary-1.jpg', 'amazon-secondary-2.jpg', 'shopify-square-1.jpg', 'shopify-square-2.jpg', 'thumb-512-1.jpg', 'thumb-512-2.jpg',
    ]);
    // 1:1 2K for variants 1 and 2, 1:1 0.5K for variants 1 and 2.
    expect(counting.calls.map((c) => `${c.aspectRatio} ${c.sizeTier} v${c.variant}`)).toEqual(['1:1 2K v1', '1:1 2K v2', '1:1 0.5K v1', '1:1 0.5K v2']);
  }, 120_000);
});

describe('the retry ladder', () => {
  const presets = selectPresets(builtinPresets(), ['amazon-secondary']);

  it('a recoloured product fails fidelity, and the retry with strengthened constraints is kept', async () => {
    const generator = recolouringGenerator(createLocalCompositor(), 1, 'local/compositor@1');
    const request = await baseRequest({ presets, generator });
    const [out] = (await deliverPresets(request)).outputs;
    expect(out.attempts.map((a) => [a.attempt, a.strengthened, a.failed])).toEqual([
      [1, false, ['product-colour']],
      [2, true, []],
    ]);
    expect(out.status).toBe('passed');
    expect(generator.calls[0].prompt).not.toMatch(/STRICT/);
    expect(generator.calls[1].prompt).toMatch(/STRICT: the product must match Image 1 exactly/);
    expect(generator.calls[1].variant).not.toBe(generator.calls[0].variant);
    expect(out.warnings).toContain('kept attempt 2 of 2');
  }, 120_000);

  it('then the escalation generator (the Pro model) when allowed', async () => {
    const generator = recolouringGenerator(createLocalCompositor(), 99, 'local/compositor@1');
    const pro = recolouringGenerator(createLocalCompositor(), 0, 'local/compositor@1+pro');
    const [out] = (await deliverPresets(await baseRequest({ presets, generator, escalationGenerator: pro }))).outputs;
    expect(out.attempts.map((a) => [a.generator, a.strengthened, a.failed.length > 0])).toEqual([
      ['local/compositor@1', false, true],
      ['local/compositor@1', true, true],
      ['local/compositor@1+pro', true, false],
    ]);
    expect(out.status).toBe('passed');
    expect(pro.calls).toHaveLength(1);
  }, 120_000);

  it('and otherwise keeps the image, marked failed-review with the failed checks, never passed', async () => {
    const generator = recolouringGenerator(createLocalCompositor(), 99, 'local/compositor@1');
    const request = await baseRequest({ presets, generator });
    const [out] = (await deliverPresets(request)).outputs;
    expect(out.status).toBe('failed-review');
    expect(out.attempts).toHaveLength(2);
    expect(out.checks.find((c) => c.check === 'product-colour')?.passed).toBe(false);
    expect(out.reason).toMatch(/failed product-colour after 2 attempts/);
    expect(out.hint).toMatch(/Pro model/);
    expect(existsSync(path.join(request.outputDir, 'amazon-secondary-1.jpg'))).toBe(true);
  }, 120_000);

  it('a vision check that sees a label fails the image and sends it up the ladder', async () => {
    const verdicts = [
      { sameProduct: true, labelOrTagVisible: true, extraItems: false, garbledText: false, notes: 'neck label visible' },
      { sameProduct: true, labelOrTagVisible: false, extraItems: false, garbledText: false, notes: 'ok' },
    ];
    const seen: string[][] = [];
    const visionChecker: VisionChecker = { id: 'vision/test', provider: 'test', model: 'test', paid: false, check: async (r) => (seen.push([...r.drawnText]), verdicts[seen.length - 1]) };
    const [out] = (await deliverPresets(await baseRequest({ presets, visionChecker }))).outputs;
    expect(out.attempts.map((a) => a.failed)).toEqual([['vision'], []]);
    expect(out.status).toBe('passed');
    expect(seen[0]).toEqual(expect.arrayContaining(['Quick Dry Tee', '速干T恤', '$19.99', 'NEW']));
    expect(out.checks.find((c) => c.check === 'vision')?.detail).toBe('vision/test: same product, no label, extra item or garbled text (ok)');
  }, 120_000);

  it('a vision check that cannot run leaves the image unverified: failed-review, not passed', async () => {
    const visionChecker: VisionChecker = { id: 'vision/down', provider: 'test', model: 'test', paid: false, check: async () => Promise.reject(new Error('503 from the provider')) };
    const [out] = (await deliverPresets(await baseRequest({ presets, visionChecker }))).outputs;
    expect(out.status).toBe('failed-review');
    expect(out.checks.find((c) => c.check === 'vision')).toMatchObject({ passed: false, value: 'error' });
  }, 120_000);

  it('records a generator error as an attempt and goes on to the next rung', async () => {
    const local = createLocalCompositor();
    let calls = 0;
    const flaky: ImageGenerator = { ...local, id: 'local/flaky', generate: async (r) => (++calls === 1 ? Promise.reject(new Error('upstream 503')) : local.generate(r)) };
    const [out] = (await deliverPresets(await baseRequest({ presets, generator: flaky }))).outputs;
    expect(out.attempts[0].error).toBe('upstream 503');
    expect(out.status).toBe('passed');
  }, 120_000);
});

describe('main images from an unusable photo', () => {
  it('are refused with the reasons while the generated presets are still delivered', async () => {
    const request = await baseRequest({ productImage: await busyPhoto(), presets: selectPresets(builtinPresets(), ['amazon-main', 'tiktok-feed']) });
    const result = await deliverPresets(request);
    const [main, feed] = result.outputs;
    expect(main.status).toBe('refused');
    expect(main.file).toBeNull();
    expect(main.reason).toMatch(/cannot be cut out reliably/);
    expect(main.hint).toMatch(/plain/);
    expect(existsSync(path.join(request.outputDir, 'amazon-main-1.jpg'))).toBe(false);
    expect(feed.file).toBe('tiktok-feed-1.jpg');
    expect(result.warnings.join(' ')).toMatch(/fidelity is measured against the whole photo/);
  }, 120_000);
});

describe('staged generation', () => {
  it('offline: the scene is drawn first, then the real cut-out is composited into it', async () => {
    const request = await baseRequest({ presets: selectPresets(builtinPresets(), ['banner-4x1', 'independent-3x4']), staged: true });
    const result = await deliverPresets(request);
    for (const out of result.outputs) {
      expect(out.source).toBe('staged');
      expect(out.sourceType).toBe('compositeSynthetic');
      expect(out.status, JSON.stringify(out.checks.filter((c) => !c.passed))).toBe('passed');
      expect(out.attempts[0].operations[0]).toMatch(/^staged: scene \d+×\d+ drawn from the references, then the real cut-out composited into it/);
    }
  }, 120_000);

  it('cloud: the model makes the scene without the product, then gets product and scene together', async () => {
    const photo = await teeShirtPhoto({ color: '#c0392b' });
    const cutout = await cutOutProduct(photo);
    const calls: GenerateRequest[] = [];
    // A stand-in for the cloud model: a plain scene for stage 1; for stage 2, the product placed into the scene it was given.
    const cloud: ImageGenerator = {
      id: 'test/cloud-image-model', provider: 'test', model: 'cloud-image-model', paid: false, supportedAspectRatios: ASPECT_RATIOS, supportedSizeTiers: SIZE_TIERS,
      maxReferenceImages: 13, compositesRealProduct: false,
      async generate(req) {
        calls.push(req);
        const { width, height } = outputSize(req.aspectRatio, req.sizeTier);
        const bytes = req.references[0]?.product.id === 'staged-scene'
          ? (await compositeIntoScene(req.references[0].bytes, cutout, { category: 'tshirts', variant: 1 })).bytes
          : await sharp({ create: { width, height, channels: 3, background: '#d8e2dc' } }).png().toBuffer();
        return { images: [{ bytes, mime: 'image/png', width, height, warnings: [] }] };
      },
    };
    const request = await baseRequest({
      productImage: photo, presets: selectPresets(builtinPresets(), ['tiktok-feed']), generator: cloud, staged: true,
      brief: brief({ pose: 'a model wearing the shirt, relaxed stance' }),
    });
    const [out] = (await deliverPresets(request)).outputs;
    expect(calls).toHaveLength(2);
    expect(calls[0].prompt).toMatch(/Do NOT draw the product/);
    expect(calls[1].references).toHaveLength(1);
    expect(calls[1].prompt).toMatch(/Place the product from Image 1 into the scene of Image 2/);
    expect(out.source).toBe('staged');
    expect(out.sourceType).toBe('trainedAlgorithmicMedia');
    expect(out.syntheticPerformer).toBe(true);
    expect(out.status, JSON.stringify(out.checks.filter((c) => !c.passed))).toBe('passed');
    if (HAS_EXIFTOOL) {
      const tags = exiftool(path.join(request.outputDir, out.file as string), ['XMP-iptcExt:DigitalSourceType', 'XMP-dc:Subject']);
      expect(tags).toMatchObject({ DigitalSourceType: DIGITAL_SOURCE_TYPES.trainedAlgorithmicMedia, Subject: ['contains-synthetic-performer'] });
    }
  }, 120_000);
});
