/**
 * Cloud ImageGenerator: Gemini image models (Nano Banana 2 by default; Pro and first generation
 * selectable) through OpenRouter's POST /chat/completions with `modalities: ["image","text"]`.
 * Sends the product photo first, then the reference hits, then the prompt; options are checked against
 * the model's capability table before anything is paid for; images are read from both places answers
 * put them, and their real pixel size is checked.
 */
import sharp from 'sharp';
import type { GenerateRequest, GenerateResult, GeneratedImage, ImageGenerator } from '../../ports/image-generator.js';
import { outputSize, type AspectRatio, type SizeTier } from '../../core/output-sizes.js';
import { textOf, type OpenRouterClient } from './client.js';
import { OpenRouterBadResponseError, OpenRouterNoImageError, UnsupportedImageOptionError } from './errors.js';
import { clip } from './http-errors.js';
import { decodeDataUri, toJpegDataUri } from './image-data.js';
import { imageModelCapabilities, type ImageModelCapabilities } from './image-models.js';
import { OPENROUTER_MODELS } from './models.js';
import { toUsageReport, type UsageReport, type UsageSink } from './usage.js';
import type { ChatChoice, ContentPart } from './wire.js';
import { UserInputError } from '../../core/errors.js';

export interface OpenRouterImageGeneratorOptions {
  client: OpenRouterClient;
  model?: string;
  /** Reference hit images sent after the product photo, best first. Default 3, at most the model's limit. */
  maxReferences?: number;
  /** Long side of the product photo sent. Default 2048 (the garment's detail matters most). */
  productMaxSide?: number;
  /** Long side of each reference image sent. Default 1024. */
  referenceMaxSide?: number;
  jpegQuality?: number;
  /** Replaces the built-in capability table entry (for models hitline does not know yet). */
  capabilities?: ImageModelCapabilities;
  /** Receives the usage of every answered request (stage "generate"). */
  onUsage?: UsageSink;
}

/** The port plus what the pipeline needs to build a matching prompt ("Images 2..n"). */
export interface OpenRouterImageGenerator extends ImageGenerator {
  /** References actually sent per request (extra ones are dropped, best kept). */
  readonly maxReferences: number;
  readonly capabilities: ImageModelCapabilities;
}

export function createOpenRouterImageGenerator(options: OpenRouterImageGeneratorOptions): OpenRouterImageGenerator {
  const { client, onUsage } = options;
  const model = options.model ?? OPENROUTER_MODELS.nanoBanana2;
  const caps = options.capabilities ?? imageModelCapabilities(model);
  const referenceLimit = caps.maxInputImages - 1;
  const maxReferences = options.maxReferences ?? Math.min(3, referenceLimit);
  const productMaxSide = options.productMaxSide ?? 2048;
  const referenceMaxSide = options.referenceMaxSide ?? 1024;
  const jpegQuality = options.jpegQuality ?? 90;
  if (!Number.isInteger(maxReferences) || maxReferences < 0 || maxReferences > referenceLimit) {
    throw new UnsupportedImageOptionError(
      `${caps.label} (${model}) takes at most ${caps.maxInputImages} input images, so at most ${referenceLimit} reference images beside the product photo; ${maxReferences} were asked for.`,
      { model, option: 'references', supported: [`0-${referenceLimit}`], hint: `Set the reference count to ${referenceLimit} or fewer.` },
    );
  }

  return {
    id: `openrouter/${model}`,
    provider: 'openrouter',
    model,
    paid: true,
    maxReferenceImages: maxReferences,
    compositesRealProduct: false,
    maxReferences,
    capabilities: caps,
    supportedAspectRatios: caps.aspectRatios,
    supportedSizeTiers: caps.sizeTiers,
    async generate(request) {
      checkOptions(caps, request.aspectRatio, request.sizeTier);
      if (!request.prompt.trim()) throw new UserInputError(`The generation prompt for ${request.product.newId} is empty.`);
      const references = request.references.slice(0, maxReferences);
      const [product, ...refs] = await Promise.all([
        toJpegDataUri(request.productImage, { maxSide: productMaxSide, quality: jpegQuality, what: `The product photo of ${request.product.newId}` }),
        ...references.map((r, i) => toJpegDataUri(r.bytes, { maxSide: referenceMaxSide, quality: jpegQuality, what: `Reference image ${i + 1} (${r.product.id})` })),
      ]);
      // Product photo first ("Image 1"), then the references, then the prompt.
      const content: ContentPart[] = [
        { type: 'image_url', image_url: { url: product.uri } },
        ...refs.map((img): ContentPart => ({ type: 'image_url', image_url: { url: img.uri } })),
        { type: 'text', text: request.prompt },
      ];
      const reports: UsageReport[] = [];
      let choice: ChatChoice;
      let generationId: string | undefined;
      try {
        const response = await client.chat(
          {
            model,
            messages: [{ role: 'user', content }],
            modalities: ['image', 'text'],
            image_config: { aspect_ratio: request.aspectRatio, image_size: request.sizeTier },
          },
          {
            signal: request.signal,
            onUsage: (usage, answer) => reports.push(toUsageReport({ stage: 'generate', model, productId: request.product.newId }, usage, answer)),
          },
        );
        choice = response.choices[0];
        generationId = response.id;
      } catch (e) {
        for (const r of reports) onUsage?.({ ...r, images: 0 });
        throw e;
      }
      let result: GenerateResult;
      try {
        result = await readImages(choice, { model, request, caps, generationId, redact: client.redact });
      } finally {
        // The last answer is the one read; earlier ones (failed attempts) made no usable image.
        reports.forEach((r, i) => onUsage?.({ ...r, images: i === reports.length - 1 ? (result?.images.length ?? 0) : 0 }));
      }
      return result;
    },
  };
}

const MIME = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' } as const;

function checkOptions(caps: ImageModelCapabilities, aspect: AspectRatio, tier: SizeTier): void {
  if (!caps.aspectRatios.includes(aspect)) {
    throw new UnsupportedImageOptionError(`${caps.label} (${caps.model}) cannot make ${aspect} images; it supports ${caps.aspectRatios.join(', ')}.`, {
      model: caps.model,
      option: 'aspectRatio',
      supported: caps.aspectRatios,
      hint: `Choose one of those aspect ratios, or Nano Banana 2 (${OPENROUTER_MODELS.nanoBanana2}), which also makes 1:4, 4:1, 1:8 and 8:1.`,
    });
  }
  if (!caps.sizeTiers.includes(tier)) {
    throw new UnsupportedImageOptionError(`${caps.label} (${caps.model}) cannot make ${tier} images; it supports ${caps.sizeTiers.join(', ')}.`, {
      model: caps.model,
      option: 'sizeTier',
      supported: caps.sizeTiers,
      hint: `Choose one of those sizes, or Nano Banana 2 (${OPENROUTER_MODELS.nanoBanana2}), which makes 0.5K to 4K.`,
    });
  }
}

/** Every image URL in a chat answer: `message.images` and `image_url` parts of `message.content`. */
export function imageUrlsOf(choice: ChatChoice): string[] {
  const urls: string[] = [];
  for (const img of choice.message?.images ?? []) if (typeof img?.image_url?.url === 'string') urls.push(img.image_url.url);
  const content = choice.message?.content;
  if (Array.isArray(content)) for (const part of content) if (part?.type === 'image_url' && typeof part.image_url?.url === 'string') urls.push(part.image_url.url);
  return [...new Set(urls)];
}

async function readImages(
  choice: ChatChoice,
  ctx: { model: string; request: GenerateRequest; caps: ImageModelCapabilities; generationId?: string; redact: (text: string) => string },
): Promise<GenerateResult> {
  const { model, request, caps } = ctx;
  // The model's words go into results and errors; make sure no key can ride along.
  const said = textOf(choice.message?.content)?.trim();
  const text = said ? ctx.redact(said) : undefined;
  const expected = outputSize(request.aspectRatio, request.sizeTier);
  const common: string[] = caps.known ? [] : [`hitline has no capability data for ${model}; its options were not checked`];
  const images: GeneratedImage[] = [];
  const skipped: string[] = [];
  for (const url of imageUrlsOf(choice)) {
    const decoded = decodeDataUri(url);
    if (!decoded) {
      skipped.push(`an image came as a link (${clip(url, 60)}), not inline data; it was not downloaded`);
      continue;
    }
    let meta: Awaited<ReturnType<ReturnType<typeof sharp>['metadata']>>;
    try {
      meta = await sharp(decoded.bytes).metadata();
    } catch (e) {
      throw new OpenRouterBadResponseError(`${model} returned an image for ${request.product.newId} that cannot be decoded (${(e as Error).message}).`, {
        model,
        endpoint: 'POST /chat/completions',
        status: 200,
        generationId: ctx.generationId,
        retryable: true,
        hint: 'Run this product again.',
      });
    }
    let bytes = decoded.bytes;
    let mime: GeneratedImage['mime'];
    if (meta.format === 'png' || meta.format === 'jpeg' || meta.format === 'webp') mime = MIME[meta.format];
    else {
      bytes = await sharp(bytes).png().toBuffer();
      mime = 'image/png';
    }
    const width = meta.autoOrient?.width ?? meta.width ?? 0;
    const height = meta.autoOrient?.height ?? meta.height ?? 0;
    const warnings = [...common];
    if (width !== expected.width || height !== expected.height) {
      warnings.push(
        `asked for ${request.aspectRatio} at ${request.sizeTier} (${expected.width}×${expected.height}) but ${model} returned ${width}×${height}; the image will be fitted to size`,
      );
    }
    images.push({ bytes, mime, width, height, warnings });
  }
  if (images.length === 0) {
    const why = [choice.finish_reason ? `finish_reason "${choice.finish_reason}"` : undefined, ...skipped].filter(Boolean).join('; ');
    throw new OpenRouterNoImageError(
      `${model} returned no image for ${request.product.newId}${why ? ` (${why})` : ''}${text ? `; it said: "${clip(text, 300)}"` : '; it gave no text either'}.`,
      {
        model,
        endpoint: 'POST /chat/completions',
        status: 200,
        generationId: ctx.generationId,
        text,
        finishReason: choice.finish_reason ?? undefined,
        modelMessage: text ? clip(text, 300) : undefined,
        hint: "The model's text usually says why (often a safety refusal or a prompt it could not follow): adjust the prompt hint or the product photo, or run again.",
      },
    );
  }
  if (skipped.length) images[0].warnings.push(...skipped);
  return text ? { images, text } : { images };
}
