/**
 * Making one preset image: a plain generation, or staged mode (the scene first, without the product; then the
 * real cut-out composited into it by a generator that can, or scene and product sent to the model together).
 * Generations are shared between presets asking for the same ratio, tier, prompt and variant.
 */
import { createHash } from 'node:crypto';
import type { ReferenceImage } from '../ports/style-analyzer.js';
import type { StyleBrief } from '../core/style-brief.js';
import type { NewProduct } from '../core/product.js';
import type { GenerateRequest, GenerateResult, GeneratedImage, ImageGenerator } from '../ports/image-generator.js';
import type { FractionBox } from '../core/geometry.js';
import type { Preset } from '../presets/preset.js';
import type { DigitalSourceTypeName } from '../presets/delivery/ai-metadata.js';
import type { GenerationSize } from '../presets/delivery/fit-to-preset.js';
import type { ProductRecord } from '../ports/vector-store.js';
import { HitlineError } from '../core/errors.js';
import { buildGenerationPrompt, oneLine } from './generation-prompt.js';
import type { AttemptRecord, DeliveryContext } from './delivery-records.js';

/** One rung of the retry ladder: which generator, and whether the prompt's constraints are strengthened. */
export interface Rung {
  generator: ImageGenerator;
  strengthened: boolean;
}

export interface MadeImage {
  image: GeneratedImage;
  sourceType: DigitalSourceTypeName;
  source: 'generated' | 'staged';
  /** Known exactly when hitline placed the product itself. */
  productBox?: FractionBox;
}

export async function generatedImage(ctx: DeliveryContext, rung: Rung, size: GenerationSize, requestVariant: number, record: AttemptRecord): Promise<MadeImage> {
  const { request } = ctx;
  const prompt = buildGenerationPrompt({
    product: request.product, brief: request.brief, referenceCount: request.references.length,
    options: { strengthenedConstraints: rung.strengthened, aspectRatio: size.aspectRatio },
  });
  const result = await generate(ctx, rung.generator, {
    product: request.product, productImage: request.productImage, references: request.references, brief: request.brief, prompt,
    aspectRatio: size.aspectRatio, sizeTier: size.sizeTier, variant: requestVariant, signal: request.signal,
  });
  record.operations.push(`generated ${size.aspectRatio} at ${size.sizeTier} by ${rung.generator.id}`);
  return { image: firstImage(result, rung.generator), sourceType: rung.generator.compositesRealProduct ? 'compositeSynthetic' : 'trainedAlgorithmicMedia', source: 'generated' };
}

/**
 * Staged: the scene first, without the product. Offline, hitline draws the scene from the references and
 * composites the real cut-out into it; with a cloud model, the model makes the scene, then gets the product
 * photo and that scene together for the final image.
 */
export async function stagedImage(ctx: DeliveryContext, preset: Preset, rung: Rung, size: GenerationSize, requestVariant: number, record: AttemptRecord): Promise<MadeImage> {
  const { request, cutout } = ctx;
  if (rung.generator.generateStaged) {
    if (!cutout.reliable) {
      record.operations.push('staged mode needs a reliable cut-out; generated in one step instead');
      const made = await generatedImage(ctx, rung, size, requestVariant, record);
      made.image.warnings.push(`staged mode was skipped: the product cut-out is unreliable (${cutout.reasons.join('; ')})`);
      return made;
    }
    // hitline draws this scene itself, so it is drawn at the preset's own pixels: no model size to fit from.
    delete record.aspectRatio;
    delete record.sizeTier;
    const staged = await rung.generator.generateStaged({
      product: request.product, productImage: request.productImage, references: request.references, brief: request.brief,
      width: preset.width, height: preset.height, variant: requestVariant, signal: request.signal,
    });
    record.operations.push(`staged: scene ${preset.width}×${preset.height} drawn from the references, then the real cut-out composited into it`);
    return { image: staged.image, sourceType: 'compositeSynthetic', source: 'staged', productBox: staged.productBox };
  }
  const sceneResult = await generate(ctx, rung.generator, {
    product: request.product, productImage: request.productImage, references: request.references, brief: request.brief,
    prompt: buildScenePrompt(request.brief, size.aspectRatio), aspectRatio: size.aspectRatio, sizeTier: size.sizeTier, variant: requestVariant, signal: request.signal,
  });
  const scene = firstImage(sceneResult, rung.generator);
  const sceneReference: ReferenceImage = { product: sceneRecord(scene.bytes), bytes: scene.bytes };
  const finalResult = await generate(ctx, rung.generator, {
    product: request.product, productImage: request.productImage, references: [sceneReference], brief: request.brief,
    prompt: buildStagedPlacementPrompt(request.product, rung.strengthened),
    aspectRatio: size.aspectRatio, sizeTier: size.sizeTier, variant: requestVariant, signal: request.signal,
  });
  record.operations.push(`staged: scene by ${rung.generator.id}, then product and scene to ${rung.generator.id}`);
  const image = firstImage(finalResult, rung.generator);
  image.warnings.unshift(...scene.warnings);
  return { image, sourceType: 'trainedAlgorithmicMedia', source: 'staged' };
}

/** Stage 1 prompt: the setting only. Image 1 is attached for scale and colour harmony, and must not be drawn. */
function buildScenePrompt(brief: StyleBrief, aspectRatio: string): string {
  return [
    `Create a photorealistic, empty e-commerce photo setting in a ${aspectRatio} frame: the backdrop and surroundings only.`,
    'Image 1 shows the product that will be placed into this scene later: use it only for scale and colour harmony. Do NOT draw the product, any garment, person or mannequin.',
    `Scene: ${oneLine(brief.scene)}. Background: ${oneLine(brief.background)}. Lighting: ${oneLine(brief.lighting)}. Colour tone: ${oneLine(brief.colorTone)}.`,
    `Composition: leave clear, well-lit space in the centre where the product will stand. Mood: ${oneLine(brief.mood)}.`,
    'No text, letters, numbers, logos or watermarks anywhere.',
  ].join('\n');
}

/** Stage 2 prompt (cloud): the real product from Image 1 into the scene of Image 2. */
function buildStagedPlacementPrompt(product: NewProduct, strengthened: boolean): string {
  const lines = [
    'Image 1 is the product. Image 2 is the finished scene. Place the product from Image 1 into the scene of Image 2.',
    `Reproduce the product (${oneLine(product.category) || 'product'}) exactly: same colours, pattern, shape, proportions and details. Keep the scene as it is.`,
    'Match the scene\'s lighting, perspective and shadows so the product does not look pasted on.',
    'No labels or tags, no extra items, no text, letters, numbers or watermarks.',
  ];
  if (strengthened) {
    lines.push('STRICT: no hue or brightness shift on the product; exactly one product; no neck label or hang tag; small details stay sharp.');
  }
  return lines.join('\n');
}

/** A made-up catalog record for the scene image passed as a reference (it is no catalog product). */
function sceneRecord(bytes: Buffer): ProductRecord {
  return {
    id: 'staged-scene', category: '', color: '', style: '', season: '', salesCount: 0, price: null, description: 'the scene made in stage 1',
    imagePath: '', imageHash: createHash('sha256').update(bytes).digest('hex'), attributes: {}, keywords: '',
  };
}

async function generate(ctx: DeliveryContext, generator: ImageGenerator, req: GenerateRequest): Promise<GenerateResult> {
  const key = JSON.stringify([generator.id, req.prompt, req.aspectRatio, req.sizeTier, req.variant, req.references.map((r) => r.product.imageHash || r.product.id)]);
  let pending = ctx.memo.get(key);
  if (!pending) {
    pending = ctx.request.generateWith ? ctx.request.generateWith(generator, req) : generator.generate(req);
    ctx.memo.set(key, pending);
    pending.catch(() => ctx.memo.delete(key));
  }
  const result = await pending;
  // Each caller gets its own warning lists (they are appended to).
  return { ...result, images: result.images.map((img) => ({ ...img, warnings: [...img.warnings] })) };
}

function firstImage(result: GenerateResult, generator: ImageGenerator): GeneratedImage {
  const image = result.images[0];
  if (!image) throw new HitlineError(`${generator.id} returned no image`, { hint: 'Run the product again.' });
  return image;
}
