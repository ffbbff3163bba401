/**
 * The most one OpenRouter request can cost, read from the request body just before it is sent, and what
 * an answer says it cost. Both read the JSON text with a few string searches instead of parsing it: the
 * bodies carry megabytes of base64 images, and base64 never contains a quote, so the scalar fields are
 * easy to find once the image payloads are skipped.
 */
import type { SizeTier } from '../../core/output-sizes.js';
import type { PriceTable } from './pricing.js';
import type { ModelInfo } from './wire.js';

/** What the price of a request depends on. */
export interface RequestFacts {
  endpoint: 'chat' | 'embeddings' | 'other';
  model?: string;
  /** Chat requests that ask for an image (modalities includes "image"). */
  wantsImage: boolean;
  imageSize?: string;
  maxTokens?: number;
  /** Images sent (inline data URIs). */
  images: number;
  /** Characters of everything but the image payloads (an upper bound on text tokens: a token covers at least one character). */
  textChars: number;
}

/** Tokens one input image can take: Gemini tiles a 2048 px image into 9 × 258, Qwen3.5 takes ~1,340 at 1024 px. */
export const MAX_TOKENS_PER_INPUT_IMAGE = 2_600;
/** Output allowed for when a chat request names no max_tokens. */
export const DEFAULT_MAX_OUTPUT_TOKENS = 4_096;
/** Text an image model may write beside its image. */
const IMAGE_MODEL_TEXT_TOKENS = 500;
/** Token prices assumed for image models when GET /models was not read (Nano Banana Pro's, the dearest listed). */
const IMAGE_MODEL_FALLBACK = { inputPerMTok: 2, outputPerMTok: 12 };

export function requestFacts(urlPath: string, body: string | undefined): RequestFacts {
  const endpoint = urlPath.endsWith('/chat/completions') ? 'chat' : urlPath.endsWith('/embeddings') ? 'embeddings' : 'other';
  const facts: RequestFacts = { endpoint, wantsImage: false, images: 0, textChars: 0 };
  if (!body) return facts;
  // Skip every base64 payload (each one is an image the adapters send inline); what is left is text.
  let payloadChars = 0;
  let tailStart = 0;
  for (let at = body.indexOf(';base64,'); at !== -1; at = body.indexOf(';base64,', tailStart)) {
    const end = body.indexOf('"', at);
    if (end === -1) break;
    payloadChars += end - at;
    facts.images += 1;
    tailStart = end;
  }
  facts.textChars = body.length - payloadChars;
  // The adapters put "model" first; the search stops at the first match.
  facts.model = stringField(body, 'model', 0);
  const tail = body.slice(tailStart);
  const modalities = /(?<!\\)"modalities":\[([^\]]*)\]/.exec(tail);
  facts.wantsImage = modalities !== null && modalities[1].includes('"image"');
  facts.imageSize = stringField(tail, 'image_size', 0);
  const maxTokens = /(?<!\\)"max_tokens":(\d+)/.exec(tail);
  if (maxTokens) facts.maxTokens = Number(maxTokens[1]);
  return facts;
}

export interface CallPrices {
  table: PriceTable;
  /** Token prices of image models, from GET /models (the price table has only their per-image prices). */
  imageModelTokens?: Record<string, { inputPerMTok: number; outputPerMTok: number }>;
}

/** USD: the most this request can cost, or undefined when a price it needs is unknown. */
export function worstCaseUsd(facts: RequestFacts, prices: CallPrices): number | undefined {
  if (facts.endpoint === 'other') return 0;
  const model = facts.model;
  if (!model) return undefined;
  const inputTokens = facts.images * MAX_TOKENS_PER_INPUT_IMAGE + facts.textChars;
  if (facts.endpoint === 'embeddings') return prices.table.tokenCost(model, inputTokens, 0);
  if (!facts.wantsImage) return prices.table.tokenCost(model, inputTokens, facts.maxTokens ?? DEFAULT_MAX_OUTPUT_TOKENS);
  const image = prices.table.imageCost(model, (facts.imageSize ?? '1K') as SizeTier);
  if (image === undefined) return undefined;
  const p = prices.table.price(model);
  const tokens = prices.imageModelTokens?.[model] ?? {
    inputPerMTok: p?.inputPerMTok ?? IMAGE_MODEL_FALLBACK.inputPerMTok,
    outputPerMTok: p?.outputPerMTok ?? IMAGE_MODEL_FALLBACK.outputPerMTok,
  };
  return roundUp6(image + (inputTokens * tokens.inputPerMTok + IMAGE_MODEL_TEXT_TOKENS * tokens.outputPerMTok) / 1e6);
}

/** Token prices of image-output models from GET /models (USD per token as decimal strings there). */
export function imageModelTokenPrices(models: readonly ModelInfo[]): Record<string, { inputPerMTok: number; outputPerMTok: number }> {
  const out: Record<string, { inputPerMTok: number; outputPerMTok: number }> = {};
  for (const m of models) {
    if (!m.architecture?.output_modalities?.includes('image')) continue;
    const input = Number(m.pricing?.prompt);
    const output = Number(m.pricing?.completion);
    if (Number.isFinite(input) && input >= 0 && Number.isFinite(output) && output >= 0) out[m.id] = { inputPerMTok: input * 1e6, outputPerMTok: output * 1e6 };
  }
  return out;
}

/**
 * `usage.cost` of an answer body, or undefined when it has none. OpenRouter puts `usage` after the
 * choices, so the last `"usage":` key is the top-level one (a quote never appears inside base64).
 */
export function answerCostUsd(text: string): number | undefined {
  const at = text.lastIndexOf('"usage":');
  if (at === -1) return undefined;
  const open = text.indexOf('{', at);
  if (open === -1) return undefined;
  const close = matchingBrace(text, open);
  if (close === -1) return undefined;
  try {
    const usage = JSON.parse(text.slice(open, close + 1)) as { cost?: unknown };
    return typeof usage.cost === 'number' && Number.isFinite(usage.cost) && usage.cost >= 0 ? usage.cost : undefined;
  } catch {
    return undefined;
  }
}

function matchingBrace(text: string, open: number): number {
  let depth = 0;
  let inString = false;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i += 1;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth += 1;
    else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}

function stringField(text: string, key: string, from: number): string | undefined {
  const m = new RegExp(`(?<!\\\\)"${key}":"((?:[^"\\\\]|\\\\.)*)"`).exec(from ? text.slice(from) : text);
  if (!m) return undefined;
  try {
    return JSON.parse(`"${m[1]}"`) as string;
  } catch {
    return undefined;
  }
}

function roundUp6(n: number): number {
  return Math.ceil(n * 1e6 - 1e-6) / 1e6;
}
