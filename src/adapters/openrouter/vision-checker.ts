/**
 * The optional vision check through OpenRouter: a vision LLM (Qwen3.5 by default, the cloud analyzer's model)
 * sees the product photo and the delivered image and answers four questions as JSON: same product? label or
 * tag visible? extra items? garbled text? Implements the VisionChecker port of quality-checks.ts.
 */
import { z } from 'zod';
import { textOf, type OpenRouterClient } from './client.js';
import { OpenRouterBadResponseError } from './errors.js';
import { clip } from './http-errors.js';
import { toJpegDataUri } from './image-data.js';
import { OPENROUTER_MODELS, baseModelId } from './models.js';
import { answerJson, strictResponseFormat } from './structured-output.js';
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

const flag = (field: string, description: string) => z.boolean({ error: `"${field}" must be true or false` }).describe(description);

/** The verdict a model answers with; the port's VisionVerdict, with the notes clipped to one line of 200 characters. */
export const VisionVerdictSchema = z.object(
  {
    sameProduct: flag('sameProduct', 'Image 2 shows the same product as Image 1: same colours, pattern, shape and details'),
    labelOrTagVisible: flag('labelOrTagVisible', 'A neck label, care label, hang tag or price tag is visible in Image 2'),
    extraItems: flag('extraItems', 'Image 2 shows products or items that are not in Image 1 (props from the scene do not count)'),
    garbledText: flag('garbledText', 'Image 2 has misspelled, garbled or meaningless text or letters (other than the intended copy)'),
    notes: z
      .string({ error: '"notes" must be a string' })
      .overwrite((notes) => clip(notes, 200))
      .describe('One short sentence on what is wrong, or "ok"'),
  },
  { error: 'the answer must be a JSON object' },
) satisfies z.ZodType<VisionVerdict>;

/** The verdict's JSON Schema as models receive it (generated from VisionVerdictSchema). */
export const VISION_VERDICT_RESPONSE_FORMAT = strictResponseFormat('vision_check', VisionVerdictSchema);

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
      if (structured) body.response_format = VISION_VERDICT_RESPONSE_FORMAT;
      const response = await client.chat(body, {
        signal: request.signal,
        onUsage: onUsage && ((usage, answer) => onUsage(toUsageReport({ stage: 'analyze', model, productId: options.productId, note: 'vision-check' }, usage, answer))),
      });
      const text = textOf(response.choices[0]?.message?.content)?.trim() ?? '';
      const { verdict, problems } = parseVisionVerdict(text);
      if (!verdict) {
        throw new OpenRouterBadResponseError(`${model} did not answer the vision check with the expected JSON (${problems.join('; ')}); answer began: "${clip(client.redact(text), 160)}"`, {
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

/** The verdict in a model answer (tolerating ```json fences and prose around the object), or what is wrong with it. */
export function parseVisionVerdict(text: string): { verdict?: VisionVerdict; problems: string[] } {
  const json = answerJson(text);
  if (!json.ok) return { problems: [json.problem] };
  const result = VisionVerdictSchema.safeParse(json.value);
  return result.success ? { verdict: result.data, problems: [] } : { problems: [...new Set(result.error.issues.map((issue) => issue.message))] };
}
