/**
 * The optional vision check through OpenRouter: a vision LLM (Qwen3.5 by default, the cloud analyzer's model)
 * sees the product photo and the delivered image and answers four questions as JSON: same product? label or
 * tag visible? extra items? garbled text? Implements the VisionChecker port of quality-checks.ts.
 * A loose but usable answer is normalised (a fence or prose around the object, fields nobody asked for, no
 * notes), each fix a warning; an unusable one gets one repair request if the product still has its one
 * repair (shared with the style analyzer, repair-allowance.ts), else a retryable error.
 */
import { z } from 'zod';
import { textOf, type OpenRouterClient } from './client.js';
import { OpenRouterBadResponseError } from './errors.js';
import { clip } from './http-errors.js';
import { toJpegDataUri } from './image-data.js';
import { asRecord, defaultMissing, dropUnknownFields, unwrappedWarning } from './loose-answers.js';
import { OPENROUTER_MODELS, baseModelId } from './models.js';
import { createRepairAllowance, type RepairAllowance } from './repair-allowance.js';
import { answerJson, strictResponseFormat } from './structured-output.js';
import { toUsageReport, type UsageSink } from './usage.js';
import type { ChatMessage, ChatRequest, ChatResponse, ContentPart } from './wire.js';
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
  /** For usage reports, and whose repair request an unusable answer may use. */
  productId?: string;
  /** The products' repair requests, shared with the style analyzer; default: one per product for this checker. */
  repairs?: RepairAllowance;
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
  const repairs = options.repairs ?? createRepairAllowance();
  const productId = options.productId ?? '';
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
      const ask = async (messages: ChatMessage[], note: string): Promise<{ response: ChatResponse; text: string }> => {
        const body: ChatRequest = { model, messages, temperature: 0, max_tokens: 400, reasoning: { effort: 'none' } };
        if (structured) body.response_format = VISION_VERDICT_RESPONSE_FORMAT;
        const response = await client.chat(body, {
          signal: request.signal,
          onUsage: onUsage && ((usage, answer) => onUsage(toUsageReport({ stage: 'analyze', model, productId: options.productId, note }, usage, answer))),
        });
        return { response, text: textOf(response.choices[0]?.message?.content)?.trim() ?? '' };
      };
      const unusable = (answer: { response: ChatResponse; text: string }, problems: string[], why: string) =>
        new OpenRouterBadResponseError(`${model} did not answer the vision check with the expected JSON${why} (${problems.join('; ')}); answer began: "${clip(client.redact(answer.text), 160)}"`, {
          model, endpoint: 'POST /chat/completions', status: 200, generationId: answer.response.id, retryable: true,
          hint: 'Run again, or choose another vision model for the check.',
        });

      const accept = (reading: VerdictReading, notes: string[] = []): VisionVerdict => {
        for (const warning of [...notes, ...reading.warnings]) request.onWarning?.(warning);
        return reading.verdict!;
      };

      const messages: ChatMessage[] = [{ role: 'user', content }];
      const first = await ask(messages, 'vision-check');
      const reading = parseVisionVerdict(first.text);
      if (reading.verdict) return accept(reading);
      if (!repairs.take(productId)) throw unusable(first, reading.problems, '');
      const repair: ChatMessage[] = [
        ...messages,
        { role: 'assistant', content: first.text },
        { role: 'user', content: ['That answer is not the verdict asked for:', ...reading.problems.map((p) => `- ${p}`), 'Answer again with only the corrected JSON object.'].join('\n') },
      ];
      const second = await ask(repair, 'vision-check repair');
      const repaired = parseVisionVerdict(second.text);
      if (repaired.verdict) return accept(repaired, [`vision check: the first answer was not usable (${reading.problems.join('; ')}); one repair request was sent`]);
      throw unusable(second, repaired.problems, ', even after one repair attempt');
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

export interface VerdictReading {
  verdict?: VisionVerdict;
  /** What is wrong with the answer (empty when it gave a verdict). */
  problems: string[];
  /** What was normalised to read it, each starting "vision check: ". */
  warnings: string[];
}

/**
 * The verdict in a model answer, or what is wrong with it. Normalised: a fence or prose around the object,
 * fields nobody asked for (dropped), no notes (left empty). A flag that is not true or false is not guessed.
 */
export function parseVisionVerdict(text: string): VerdictReading {
  const json = answerJson(text);
  if (!json.ok) return { problems: [json.problem], warnings: [] };
  const record = asRecord(json.value);
  const warnings = [
    json.unwrapped && unwrappedWarning(json.unwrapped),
    record && dropUnknownFields(record, Object.keys(VisionVerdictSchema.shape)),
    record && defaultMissing(record, 'notes', '', 'left empty'),
  ].filter((w): w is string => Boolean(w)).map((w) => `vision check: ${w}`);
  const result = VisionVerdictSchema.safeParse(record ?? json.value);
  return result.success
    ? { verdict: result.data, problems: [], warnings }
    : { problems: [...new Set(result.error.issues.map((issue) => issue.message))], warnings };
}
