/**
 * The optional vision check through OpenRouter: a vision LLM (Qwen3.5 by default, the cloud analyzer's model)
 * sees the product photo and the delivered image and answers four questions as JSON: same product? label or
 * tag visible? extra items? garbled text? Implements the VisionChecker port of quality-checks.ts.
 */
import { textOf, type OpenRouterClient } from './client.js';
import { OpenRouterBadResponseError } from './errors.js';
import { clip } from './http-errors.js';
import { toJpegDataUri } from './image-data.js';
import { OPENROUTER_MODELS, baseModelId } from './models.js';
import { toUsageReport, type UsageSink } from './usage.js';
import type { ChatRequest, ContentPart } from './wire.js';
import type { VisionChecker, VisionCheckRequest, VisionVerdict } from '../../ports/vision-checker.js';

export interface OpenRouterVisionCheckerOptions {
  client: OpenRouterClient;
  model?: string;
  /** Long side of each image sent. Default 1024. */
  maxSide?: number;
  /** Whether the model takes response_format json_schema; default true for Qwen3.5. */
  supportsJsonSchema?: boolean;
  /** Usage is reported as stage "analyze", note "vision-check". */
  onUsage?: UsageSink;
  /** For usage reports. */
  productId?: string;
}

export const VISION_VERDICT_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['sameProduct', 'labelOrTagVisible', 'extraItems', 'garbledText', 'notes'],
  properties: {
    sameProduct: { type: 'boolean', description: 'Image 2 shows the same product as Image 1: same colours, pattern, shape and details' },
    labelOrTagVisible: { type: 'boolean', description: 'A neck label, care label, hang tag or price tag is visible in Image 2' },
    extraItems: { type: 'boolean', description: 'Image 2 shows products or items that are not in Image 1 (props from the scene do not count)' },
    garbledText: { type: 'boolean', description: 'Image 2 has misspelled, garbled or meaningless text or letters (other than the intended copy)' },
    notes: { type: 'string', description: 'One short sentence on what is wrong, or "ok"' },
  },
} as const;

export function createOpenRouterVisionChecker(options: OpenRouterVisionCheckerOptions): VisionChecker {
  const { client, onUsage } = options;
  const model = options.model ?? OPENROUTER_MODELS.qwen35;
  const maxSide = options.maxSide ?? 1024;
  const structured = options.supportsJsonSchema ?? /^qwen\/qwen3\.5/.test(baseModelId(model));
  return {
    id: `openrouter/${model}`,
    provider: 'openrouter',
    model,
    paid: true,
    async check(request: VisionCheckRequest): Promise<VisionVerdict> {
      const [product, output] = await Promise.all([
        toJpegDataUri(request.productImage, { maxSide, quality: 85, what: 'The product photo' }),
        toJpegDataUri(request.output, { maxSide, quality: 85, what: `The ${request.presetId} image` }),
      ]);
      const content: ContentPart[] = [
        { type: 'text', text: visionInstruction(request, structured) },
        { type: 'image_url', image_url: { url: product.uri } },
        { type: 'image_url', image_url: { url: output.uri } },
      ];
      const body: ChatRequest = { model, messages: [{ role: 'user', content }], temperature: 0, max_tokens: 400, reasoning: { effort: 'none' } };
      if (structured) body.response_format = { type: 'json_schema', json_schema: { name: 'vision_check', strict: true, schema: VISION_VERDICT_SCHEMA } };
      const response = await client.chat(body, {
        signal: request.signal,
        onUsage: onUsage && ((usage, answer) => onUsage(toUsageReport({ stage: 'analyze', model, productId: options.productId, note: 'vision-check' }, usage, answer))),
      });
      const text = textOf(response.choices[0]?.message?.content)?.trim() ?? '';
      const verdict = parseVisionVerdict(text);
      if (!verdict) {
        throw new OpenRouterBadResponseError(`${model} did not answer the vision check with the expected JSON; answer began: "${clip(client.redact(text), 160)}"`, {
          model, endpoint: 'POST /chat/completions', status: 200, generationId: response.id, retryable: true,
          hint: 'Run again, or choose another vision model for the check.',
        });
      }
      return verdict;
    },
  };
}

function visionInstruction(request: VisionCheckRequest, structured: boolean): string {
  return [
    'You check e-commerce promo images before they are uploaded. Image 1 is the real product photo; Image 2 is the promo image made from it.',
    'Answer four questions about Image 2:',
    '- sameProduct: is the product the same as in Image 1 (same colours, pattern, shape, details)?',
    '- labelOrTagVisible: is a neck label, care label, hang tag or price tag visible?',
    '- extraItems: are there products or items that are not in Image 1 (scene props do not count)?',
    `- garbledText: is there misspelled, garbled or meaningless text?${request.drawnText.length ? ` This copy was added on purpose and is fine: ${request.drawnText.map((t) => JSON.stringify(t)).join(', ')}.` : ''}`,
    'Also give notes: one short sentence on what is wrong, or "ok".',
    structured ? '' : 'Reply with one JSON object with the keys sameProduct, labelOrTagVisible, extraItems, garbledText (booleans) and notes (string), and nothing else.',
  ].filter(Boolean).join('\n');
}

/** The verdict in a model answer (tolerating ```json fences and prose around the object); undefined when absent or malformed. */
export function parseVisionVerdict(text: string): VisionVerdict | undefined {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text.slice(start, end + 1));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const flags = ['sameProduct', 'labelOrTagVisible', 'extraItems', 'garbledText'] as const;
  if (!flags.every((k) => typeof v[k] === 'boolean')) return undefined;
  return {
    sameProduct: v.sameProduct as boolean,
    labelOrTagVisible: v.labelOrTagVisible as boolean,
    extraItems: v.extraItems as boolean,
    garbledText: v.garbledText as boolean,
    notes: typeof v.notes === 'string' ? clip(v.notes, 200) : '',
  };
}
