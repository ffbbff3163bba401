/**
 * Cloud Embedder: nvidia/llama-nemotron-embed-vl-1b-v2 through OpenRouter's POST /embeddings.
 * Images are downscaled (≤512 px long side, JPEG q85, as in the tutorial) and sent as data URIs in the
 * multimodal `input` format, several per request. Every input must come back with the right dimension,
 * or the whole batch fails: nothing is skipped, so vectors and rows never fall out of step.
 */
import type { EmbedOptions, Embedder } from '../../ports/embedder.js';
import type { OpenRouterClient } from './client.js';
import { EmbeddingResponseError } from './errors.js';
import { toJpegDataUri } from './image-data.js';
import { OPENROUTER_MODELS, baseModelId } from './models.js';
import { toUsageReport, type UsageSink } from './usage.js';
import type { EmbeddingInputItem, EmbeddingsResponse } from './wire.js';
import { UserInputError } from '../../core/errors.js';

export interface OpenRouterEmbedderOptions {
  client: OpenRouterClient;
  model?: string;
  /** The model's vector length; every answer is checked against it. */
  dimension?: number;
  /** Inputs per request. */
  batchSize?: number;
  /** Long side of the image sent, in px. */
  maxSide?: number;
  jpegQuality?: number;
  /** Receives the usage of every answered request (stage "embed"). */
  onUsage?: UsageSink;
}

export function createOpenRouterEmbedder(options: OpenRouterEmbedderOptions): Embedder {
  const { client, onUsage } = options;
  const model = options.model ?? OPENROUTER_MODELS.nemotronEmbed;
  const dimension = options.dimension ?? 2048;
  const batchSize = options.batchSize ?? 5;
  const maxSide = options.maxSide ?? 512;
  const jpegQuality = options.jpegQuality ?? 85;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new UserInputError(`Embedding batch size must be a whole number ≥ 1, got ${batchSize}.`);
  if (!Number.isInteger(dimension) || dimension < 1) throw new UserInputError(`Embedding dimension must be a whole number ≥ 1, got ${dimension}.`);

  async function embedBatch(items: EmbeddingInputItem[], firstIndex: number, signal?: AbortSignal): Promise<Float32Array[]> {
    const response = await client.embeddings(
      { model, input: items, encoding_format: 'float' },
      { signal, onUsage: onUsage && ((usage, answer) => onUsage(toUsageReport({ stage: 'embed', model }, usage, answer))) },
    );
    return vectorsFromResponse(response, { count: items.length, dimension, model, firstIndex });
  }

  async function embedAll<T>(inputs: readonly T[], toItem: (input: T, index: number) => Promise<EmbeddingInputItem>, opts?: EmbedOptions): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let start = 0; start < inputs.length; start += batchSize) {
      opts?.signal?.throwIfAborted();
      const batch = inputs.slice(start, start + batchSize);
      const items = await Promise.all(batch.map((input, i) => toItem(input, start + i)));
      out.push(...(await embedBatch(items, start, opts?.signal)));
    }
    return out;
  }

  return {
    // ":free" serves the same weights, so it shares the id (and the store) with the paid variant.
    id: `openrouter/${baseModelId(model)}`,
    provider: 'openrouter',
    model,
    paid: true,
    dimension,
    supportsText: true,
    embedImages: (images, opts) =>
      embedAll(
        images,
        async (bytes, i) => {
          const { uri } = await toJpegDataUri(bytes, { maxSide, quality: jpegQuality, what: `Image ${i + 1} of ${images.length}` });
          return { content: [{ type: 'image_url', image_url: { url: uri } }] };
        },
        opts,
      ),
    embedTexts: (texts, opts) =>
      embedAll(
        texts,
        async (text, i) => {
          if (!text.trim()) throw new UserInputError(`Text ${i + 1} of ${texts.length} is empty; there is nothing to embed.`);
          return { content: [{ type: 'text', text }] };
        },
        opts,
      ),
  };
}

/**
 * Checks an embeddings answer: exactly one vector per input (placed by `index`), each of the expected
 * dimension with finite numbers; returns them L2-normalised in input order. Throws otherwise.
 */
export function vectorsFromResponse(
  response: EmbeddingsResponse,
  expected: { count: number; dimension: number; model: string; firstIndex?: number },
): Float32Array[] {
  const { count, dimension, model } = expected;
  const offset = expected.firstIndex ?? 0;
  const where = (i: number) => `input ${offset + i + 1}`;
  const fail = (what: string, hint: string, retryable = true) =>
    new EmbeddingResponseError(`${model} answered an embeddings request badly: ${what}. The whole batch was rejected; nothing was stored.`, {
      model,
      endpoint: 'POST /embeddings',
      status: 200,
      hint,
      retryable,
    });
  const data = response.data;
  const slots: Array<number[] | undefined> = new Array(count).fill(undefined);
  const allIndexed = data.every((d) => typeof d?.index === 'number');
  const noneIndexed = data.every((d) => d?.index === undefined);
  if (!allIndexed && !(noneIndexed && data.length === count)) {
    throw fail('some items have no "index"', 'Run again; if it keeps happening, report the model answer.');
  }
  data.forEach((d, position) => {
    const i = allIndexed ? d.index : position;
    if (!Number.isInteger(i) || i < 0 || i >= count) throw fail(`an item has index ${i}, but only ${count} inputs were sent`, 'Run again.');
    if (slots[i] !== undefined) throw fail(`${where(i)} came back twice`, 'Run again.');
    slots[i] = d.embedding;
  });
  const missing = slots.flatMap((s, i) => (s === undefined ? [where(i)] : []));
  if (missing.length) {
    throw fail(`${count - missing.length} of ${count} vectors came back (missing: ${missing.join(', ')})`, 'Run again; if it keeps happening, lower the embedding batch size.');
  }
  return slots.map((v, i) => {
    if (!Array.isArray(v) || v.length !== dimension) {
      const got = Array.isArray(v) ? `${v.length} numbers` : `no number list (encoding_format must be "float")`;
      throw fail(`the vector for ${where(i)} has ${got}, expected ${dimension}`, `Check the embedding model and its dimension setting (${dimension}); a store keeps one dimension.`, false);
    }
    return l2Normalised(v, () => fail(`the vector for ${where(i)} is zero or not made of finite numbers`, 'Run again; if it keeps happening, check the image.'));
  });
}

function l2Normalised(values: number[], onBad: () => Error): Float32Array {
  let sum = 0;
  for (const x of values) {
    if (typeof x !== 'number' || !Number.isFinite(x)) throw onBad();
    sum += x * x;
  }
  if (sum === 0) throw onBad();
  const norm = Math.sqrt(sum);
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i] / norm;
  return out;
}
