/**
 * Staged generation's offline half (the tutorial's own remedy for the pasted-on look): the scene is made
 * first, without the product, and the real cut-out is then placed into it with a shadow and a light match,
 * so the product's pixels are the photo's own. Reuses the offline compositor's placement, backdrop, shadow
 * and light-match pieces (src/adapters/local/generator/) rather than a second implementation.
 */
import sharp from 'sharp';
import { productKind } from '../../../search/product-kind.js';
import type { ReferenceImage } from '../../../ports/style-analyzer.js';
import type { StyleBrief } from '../../../core/style-brief.js';
import type { CutOut } from '../../../imaging/cutout.js';
import { applyLightMatch, lightMatchFor } from './light-match.js';
import { placeProduct, type ProductBox } from './placement.js';
import { drawBackdrop, lightColorAt, toBytes, backdropBrightness, type DrawBuffer, type SceneLayout, type SceneSource } from './scene.js';
import { addContactShadow, addDropShadow } from './shadow.js';
import { chooseStaging } from './staging.js';
import { variantJitter } from './variant.js';
import type { FractionBox } from '../../../core/geometry.js';
import { fitBackground } from '../../../imaging/background-model.js';
import { luma, parseColor } from '../../../imaging/color.js';
import { decodeRgb } from '../../../imaging/decode.js';
import { measureRgb } from '../../../imaging/image-stats.js';
import { cutOutProduct } from '../../../imaging/cutout.js';
import { UserInputError } from '../../../core/errors.js';
import type { StagedGenerateRequest, StagedGenerateResult } from '../../../ports/image-generator.js';

/**
 * The port's staged mode: the scene drawn from the references at the exact pixels asked, then the real
 * cut-out composited into it. The caller has checked that the cut-out is reliable; the same photo's cut-out
 * is computed once however many presets ask for it.
 */
export async function generateStaged(request: StagedGenerateRequest): Promise<StagedGenerateResult> {
  const cutout = await cutoutOf(request.productImage);
  if (!cutout.reliable) {
    throw new UserInputError(`staged mode needs a reliable cut-out of ${request.product.newId}'s photo: ${cutout.reasons.join('; ')}`, {
      hint: 'Run without --staged, or use a product photo on a plain background.',
    });
  }
  request.signal?.throwIfAborted();
  const scene = await renderOfflineScene({
    references: request.references, brief: request.brief, width: request.width, height: request.height,
    cutout, category: request.product.category, variant: request.variant,
  });
  request.signal?.throwIfAborted();
  const composite = await compositeIntoScene(scene, cutout, { category: request.product.category, variant: request.variant });
  request.signal?.throwIfAborted();
  return {
    image: { bytes: composite.bytes, mime: 'image/png', width: request.width, height: request.height, warnings: [] },
    productBox: composite.productBox,
  };
}

const cutouts = new WeakMap<Buffer, Promise<CutOut>>();
function cutoutOf(photo: Buffer): Promise<CutOut> {
  let pending = cutouts.get(photo);
  if (!pending) {
    pending = cutOutProduct(photo);
    cutouts.set(photo, pending);
  }
  return pending;
}

export interface SceneRequest {
  references: readonly ReferenceImage[];
  brief: StyleBrief;
  width: number;
  height: number;
  cutout: CutOut;
  category: string;
  variant: number;
}

/** Stage 1, offline: the empty scene (the best reference's backdrop and light), as PNG at width × height. */
export async function renderOfflineScene(r: SceneRequest): Promise<Buffer> {
  const layout = await layoutFor(r.width, r.height, r.cutout, r.category, r.variant, r.references);
  const source = await sceneSource(r.references, r.brief);
  const backdrop = await drawBackdrop(source, layout);
  return sharp(toBytes(backdrop), { raw: { width: backdrop.width, height: backdrop.height, channels: 3 } })
    .resize(r.width, r.height, { fit: 'fill', kernel: 'cubic' })
    .png({ compressionLevel: 6 })
    .toBuffer();
}

export interface StagedComposite {
  /** PNG at the scene's size. */
  bytes: Buffer;
  productBox: FractionBox;
}

/** Stage 2, offline: the real cut-out placed into a scene image (made by any generator), with shadow and light match. */
export async function compositeIntoScene(scene: Buffer, cutout: CutOut, options: { category: string; variant: number }): Promise<StagedComposite> {
  const { data, info } = await sharp(scene).rotate().flatten({ background: '#ffffff' }).toColourspace('srgb').removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const W = info.width;
  const H = info.height;
  const layout = await layoutFor(W, H, cutout, options.category, options.variant, []);
  // Full-resolution float buffer (scale 1) so the scene keeps its detail; the shadow is drawn into it.
  const buf: DrawBuffer = { data: Float32Array.from(data), width: W, height: H, scale: 1 };
  const alpha = { data: Buffer.alloc(cutout.width * cutout.height), width: cutout.width, height: cutout.height };
  for (let i = 0; i < alpha.data.length; i++) alpha.data[i] = cutout.rgba[i * 4 + 3];
  const darkness = 0.5 + 0.5 * backdropBrightness(buf);
  if (layout.staging === 'standing') await addContactShadow(buf, layout.box, alpha, darkness);
  else if (layout.staging === 'flat') await addDropShadow(buf, layout.box, alpha, darkness);
  const pixels = Buffer.from(cutout.rgba);
  applyLightMatch(pixels, lightMatchFor(lightColorAt(buf, layout)));
  const placed = await sharp(pixels, { raw: { width: cutout.width, height: cutout.height, channels: 4 } })
    .resize(layout.box.width, layout.box.height, { fit: 'fill', kernel: 'lanczos3' })
    .raw()
    .toBuffer();
  const bytes = await sharp(toBytes(buf), { raw: { width: W, height: H, channels: 3 } })
    .composite([{ input: placed, raw: { width: layout.box.width, height: layout.box.height, channels: 4 }, left: layout.box.left, top: layout.box.top }])
    .png({ compressionLevel: 6 })
    .toBuffer();
  const b = layout.box;
  return { bytes, productBox: { x: b.left / W, y: b.top / H, width: b.width / W, height: b.height / H } };
}

async function layoutFor(W: number, H: number, cutout: CutOut, category: string, variant: number, references: readonly ReferenceImage[]): Promise<SceneLayout> {
  const staging = chooseStaging(productKind(category), cutout.measurements.edgeContact.bottom);
  const jitter = variantJitter(variant);
  let subject: ReturnType<typeof measureRgb>['subject'] = null;
  if (references[0]) subject = measureRgb(await decodeRgb(references[0].bytes, 256)).subject;
  const box: ProductBox = placeProduct({
    frameWidth: W, frameHeight: H, productWidth: cutout.width, productHeight: cutout.height, staging,
    referenceFill: subject?.bbox.height, referenceCenter: subject?.center, jitter,
  });
  return { frameWidth: W, frameHeight: H, box, staging, jitter };
}

/** The best reference that decodes: its backdrop model when plain, its blurred photo when busy; else the brief's lightest colour. */
async function sceneSource(references: readonly ReferenceImage[], brief: StyleBrief): Promise<SceneSource> {
  for (const ref of references) {
    try {
      const thumbnail = await decodeRgb(ref.bytes, 256);
      const stats = measureRgb(thumbnail);
      if (stats.background.kind === 'busy') return { kind: 'photo', thumbnail, brightness: stats.brightness };
      return { kind: 'studio', model: fitBackground(thumbnail), accent: null, brightness: stats.brightness };
    } catch {
      // An unreadable reference: try the next one.
    }
  }
  const colors = brief.palette.filter((h) => /^#[0-9a-f]{6}$/i.test(h)).map(parseColor);
  const lightest = colors.sort((a, b) => luma(...b) - luma(...a))[0] ?? [240, 240, 240];
  const flat = (c: number) => [c, 0, 0, 0, 0, 0];
  return { kind: 'studio', model: { coef: [flat(lightest[0]), flat(lightest[1]), flat(lightest[2])] }, accent: null, brightness: luma(...lightest) / 255 };
}
