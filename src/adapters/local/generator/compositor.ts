/**
 * The offline ImageGenerator: a compositor. It cuts the new product out of its photo, builds a scene from
 * the best-matching reference (its backdrop colour and gradient, or its blurred photo when busy; its light),
 * places the product at a sensible size with a soft shadow, and writes exactly the pixel size the aspect
 * ratio and tier ask for. Anything a reviewer should know (an unreliable cut-out, an unusable reference,
 * a small product photo blown up) is said in `warnings`.
 */
import sharp from 'sharp';
import { productKind } from '../../../search/product-kind.js';
import type { ReferenceImage } from '../../../ports/style-analyzer.js';
import type { StyleBrief } from '../../../core/style-brief.js';
import { type BackgroundModel, fitBackground } from '../../../imaging/background-model.js';
import { colorDistance, luma, parseColor, toHex } from '../../../imaging/color.js';
import { decodeRgb, type RawRgb } from '../../../imaging/decode.js';
import { type ImageStats, measureRgb } from '../../../imaging/image-stats.js';
import { UserInputError } from '../../../core/errors.js';
import type { GenerateRequest, GenerateResult, ImageGenerator } from '../../../ports/image-generator.js';
import { ASPECT_RATIOS, SIZE_TIERS, isAspectRatio, isSizeTier, outputSize } from '../../../core/output-sizes.js';
import { framedCard, type RgbaImage } from './card.js';
import { cutOutProduct } from '../../../imaging/cutout.js';
import { GRAIN_TILE_SIDE, grainTile } from './grain.js';
import { applyLightMatch, lightMatchFor } from './light-match.js';
import { placeProduct } from './placement.js';
import { type SceneLayout, type SceneSource, backdropBrightness, drawBackdrop, lightColorAt, toBytes } from './scene.js';
import { addContactShadow, addDropShadow } from './shadow.js';
import { chooseStaging, type Staging } from './staging.js';
import { variantJitter } from './variant.js';
import { generateStaged } from './staged-composite.js';

export const LOCAL_COMPOSITOR_ID = 'local/compositor@1';

/** Enlarging the product photo more than this makes details soft enough to mention. */
export const MAX_CLEAN_ENLARGEMENT = 3;

/** References looked at, best first, until one makes a usable scene; any after these are ignored. */
const MAX_REFERENCES = 16;

export function createLocalCompositor(): ImageGenerator {
  return {
    id: LOCAL_COMPOSITOR_ID,
    provider: 'local',
    model: 'compositor',
    paid: false,
    supportedAspectRatios: ASPECT_RATIOS,
    supportedSizeTiers: SIZE_TIERS,
    maxReferenceImages: MAX_REFERENCES,
    compositesRealProduct: true,
    generate: composite,
    generateStaged: (request) => generateStaged({ ...request, references: request.references.slice(0, MAX_REFERENCES) }),
  };
}

interface UsableReference {
  reference: ReferenceImage;
  thumbnail: RawRgb;
  model: BackgroundModel;
  stats: Omit<ImageStats, 'width' | 'height' | 'aspect'>;
}

async function composite(request: GenerateRequest): Promise<GenerateResult> {
  const { product, aspectRatio, sizeTier, variant, signal } = request;
  if (!isAspectRatio(aspectRatio)) throw new UserInputError(`unsupported aspect ratio "${String(aspectRatio)}"`, { hint: `Use one of ${ASPECT_RATIOS.join(', ')}.` });
  if (!isSizeTier(sizeTier)) throw new UserInputError(`unsupported size tier "${String(sizeTier)}"`, { hint: `Use one of ${SIZE_TIERS.join(', ')}.` });
  if (!Number.isInteger(variant) || variant < 1) throw new UserInputError(`variant must be a whole number from 1, got ${variant}`, { hint: 'Number variants 1, 2, 3 …' });
  const { width: W, height: H } = outputSize(aspectRatio, sizeTier);
  const warnings: string[] = [];

  // 1. The product: a cut-out when it is reliable, the whole photo as a framed card when not.
  const cut = await cutOutProduct(request.productImage).catch((error: unknown) => {
    throw new UserInputError(`the photo of new product "${product.newId}" (${product.imagePath}) could not be read: ${(error as Error).message}`, {
      hint: 'Replace the product photo with a readable JPEG, PNG or WebP.',
      cause: error,
    });
  });
  signal?.throwIfAborted();
  let item: RgbaImage;
  let staging: Staging;
  /** Item pixels per pixel of the original photo. */
  let itemScale = 1;
  if (cut.reliable) {
    item = cut;
    itemScale = cut.sourceScale;
    staging = chooseStaging(productKind(product.category), cut.measurements.edgeContact.bottom);
  } else {
    item = await framedCard(request.productImage);
    staging = 'flat';
    warnings.push(`product cut-out unreliable (${cut.reasons.join('; ')}); the whole product photo was placed as a framed card instead`);
  }

  // 2. The scene's source: the best-ranked reference that decodes.
  const ref = await firstUsableReference(request.references.slice(0, MAX_REFERENCES), warnings);
  signal?.throwIfAborted();
  const source = ref ? sceneSourceFrom(ref) : fallbackSource(request.brief, warnings);

  // 3. Layout, backdrop, shadow.
  const jitter = variantJitter(variant);
  const box = placeProduct({
    frameWidth: W,
    frameHeight: H,
    productWidth: item.width,
    productHeight: item.height,
    staging,
    referenceFill: ref?.stats.subject?.bbox.height,
    referenceCenter: ref?.stats.subject?.center,
    jitter,
  });
  const layout: SceneLayout = { frameWidth: W, frameHeight: H, box, staging, jitter };
  const backdrop = await drawBackdrop(source, layout);
  const shadowDarkness = 0.5 + 0.5 * backdropBrightness(backdrop);
  if (staging === 'standing') await addContactShadow(backdrop, box, alphaOf(item), shadowDarkness);
  if (staging === 'flat') await addDropShadow(backdrop, box, alphaOf(item), shadowDarkness);
  signal?.throwIfAborted();

  // 4. The product, nudged toward the scene's light and scaled into its box.
  const enlargement = box.height / (item.height / itemScale);
  if (enlargement > MAX_CLEAN_ENLARGEMENT) {
    warnings.push(`the product photo was enlarged ${enlargement.toFixed(1)}× to fill a ${W}×${H} frame; fine details may look soft (a larger product photo avoids this)`);
  }
  const productPixels = Buffer.from(item.rgba);
  applyLightMatch(productPixels, lightMatchFor(lightColorAt(backdrop, layout)));
  const placed = await sharp(productPixels, { raw: { width: item.width, height: item.height, channels: 4 } })
    .resize(box.width, box.height, { fit: 'fill', kernel: 'lanczos3' })
    .raw()
    .toBuffer();

  // 5. Everything at the output size: backdrop upscaled, grain, product on top.
  const bytes = await sharp(toBytes(backdrop), { raw: { width: backdrop.width, height: backdrop.height, channels: 3 } })
    .resize(W, H, { fit: 'fill', kernel: 'cubic' })
    .composite([
      { input: grainTile(jitter.grainSeed), raw: { width: GRAIN_TILE_SIDE, height: GRAIN_TILE_SIDE, channels: 3 }, tile: true, blend: 'soft-light' },
      { input: placed, raw: { width: box.width, height: box.height, channels: 4 }, left: box.left, top: box.top },
    ])
    .png({ compressionLevel: 6 })
    .toBuffer();
  signal?.throwIfAborted();

  const refNote = ref ? `scene from reference "${ref.reference.product.id}" (${ref.stats.background.kind} backdrop)` : 'scene from the brief palette';
  return {
    images: [{ bytes, mime: 'image/png', width: W, height: H, warnings }],
    text: `local compositor: ${cut.reliable ? `cut-out (${cut.method})` : 'framed card'}, ${staging} staging, ${refNote}, variant ${variant}`,
  };
}

async function firstUsableReference(references: readonly ReferenceImage[], warnings: string[]): Promise<UsableReference | null> {
  for (const reference of references) {
    try {
      const thumbnail = await decodeRgb(reference.bytes, 256);
      return { reference, thumbnail, model: fitBackground(thumbnail), stats: measureRgb(thumbnail) };
    } catch (error) {
      warnings.push(`reference image of catalog product "${reference.product.id}" could not be used (${(error as Error).message}); tried the next one`);
    }
  }
  return null;
}

function sceneSourceFrom(ref: UsableReference): SceneSource {
  const { stats } = ref;
  if (stats.background.kind === 'busy') return { kind: 'photo', thumbnail: ref.thumbnail, brightness: stats.brightness };
  return { kind: 'studio', model: ref.model, accent: accentColor(stats), brightness: stats.brightness };
}

/** The reference's most colourful palette entry that is not its backdrop (at least 3% of the photo). */
function accentColor(stats: Pick<ImageStats, 'palette' | 'background'>): [number, number, number] | null {
  const bg = parseColor(stats.background.color);
  let best: [number, number, number] | null = null;
  let bestChroma = 40;
  for (const p of stats.palette) {
    const c = parseColor(p.hex);
    const chroma = Math.max(...c) - Math.min(...c);
    if (p.share >= 0.03 && colorDistance(c, bg) > 60 && chroma > bestChroma) [best, bestChroma] = [c, chroma];
  }
  return best;
}

/** No reference decoded: a plain backdrop in the lightest colour of the brief's palette. */
function fallbackSource(brief: StyleBrief, warnings: string[]): SceneSource {
  const colors = brief.palette.filter((h) => /^#[0-9a-f]{6}$/i.test(h)).map(parseColor);
  const lightest = colors.sort((a, b) => luma(...b) - luma(...a))[0] ?? [240, 240, 240];
  warnings.push(
    colors.length
      ? `no reference image was usable; the backdrop is a plain ${toHex(lightest)} from the style brief's palette`
      : 'no reference image was usable and the style brief has no palette; the backdrop is a neutral light grey',
  );
  const flat = (c: number) => [c, 0, 0, 0, 0, 0];
  return { kind: 'studio', model: { coef: [flat(lightest[0]), flat(lightest[1]), flat(lightest[2])] }, accent: null, brightness: luma(...lightest) / 255 };
}

function alphaOf(img: RgbaImage): { data: Buffer; width: number; height: number } {
  const data = Buffer.alloc(img.width * img.height);
  for (let i = 0; i < data.length; i++) data[i] = img.rgba[i * 4 + 3];
  return { data, width: img.width, height: img.height };
}


