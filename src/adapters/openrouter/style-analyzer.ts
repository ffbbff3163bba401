/**
 * Cloud StyleAnalyzer: a vision LLM (Qwen3.5 by default) looks at the top hits and fills the style
 * brief schema. Structured output (response_format json_schema) where the model supports it, else JSON
 * parsed out of the text. A loose but usable answer is normalised (brief-answer.ts), each fix reported as a
 * warning; an unusable one gets one repair request sending the problems back, if the product has not used
 * its one repair yet (repair-allowance.ts), then a typed error.
 */
import type { AnalyzeRequest, StyleAnalyzer } from '../../ports/style-analyzer.js';
import { StyleBriefSchema, type StyleBrief } from '../../core/style-brief.js';
import { parseBrief, type BriefReading } from './brief-answer.js';
import { textOf, type OpenRouterClient } from './client.js';
import { EmptyAnswerError, StyleBriefError } from './errors.js';
import { clip } from './http-errors.js';
import { toJpegDataUri } from './image-data.js';
import { OPENROUTER_MODELS, baseModelId } from './models.js';
import { createRepairAllowance, type RepairAllowance } from './repair-allowance.js';
import { strictResponseFormat } from './structured-output.js';
import { toUsageReport, type UsageSink } from './usage.js';
import type { ChatMessage, ChatRequest, ChatResponse, ContentPart } from './wire.js';
import { UserInputError } from '../../core/errors.js';

type ReasoningEffort = NonNullable<ChatRequest['reasoning']>['effort'];

/** The brief's JSON Schema as models receive it (generated from StyleBriefSchema). */
export const STYLE_BRIEF_RESPONSE_FORMAT = strictResponseFormat('style_brief', StyleBriefSchema);

export interface OpenRouterStyleAnalyzerOptions {
  client: OpenRouterClient;
  model?: string;
  /**
   * Whether the model takes `response_format: json_schema` (GET /models lists "structured_outputs" in
   * supported_parameters). Default: true for Qwen3.5 models, false otherwise.
   */
  supportsJsonSchema?: boolean;
  /** Reference images sent, best match first. Default 3 (the tutorial's top 3). */
  maxReferences?: number;
  /** Long side of each image sent, in px. Default 1024. */
  maxSide?: number;
  jpegQuality?: number;
  /** Default 0.7, as in the tutorial. */
  temperature?: number;
  /** Default 1500: room for the brief even if the model reasons a little. */
  maxTokens?: number;
  /** Qwen3.5 reasons by default, which can eat every token; "none" turns it off. null sends nothing. */
  reasoningEffort?: ReasoningEffort | null;
  /** Receives the usage of every answered request (stage "analyze"). */
  onUsage?: UsageSink;
  /** The products' repair requests, shared with the vision checker; default: one per product for this analyzer. */
  repairs?: RepairAllowance;
}

export function createOpenRouterStyleAnalyzer(options: OpenRouterStyleAnalyzerOptions): StyleAnalyzer {
  const { client, onUsage } = options;
  const model = options.model ?? OPENROUTER_MODELS.qwen35;
  const supportsJsonSchema = options.supportsJsonSchema ?? /^qwen\/qwen3\.5/.test(baseModelId(model));
  const maxReferences = options.maxReferences ?? 3;
  const maxSide = options.maxSide ?? 1024;
  const jpegQuality = options.jpegQuality ?? 85;
  const temperature = options.temperature ?? 0.7;
  const maxTokens = options.maxTokens ?? 1500;
  const reasoningEffort = options.reasoningEffort === undefined ? 'none' : options.reasoningEffort;
  const repairs = options.repairs ?? createRepairAllowance();

  /** One chat call; an empty answer is asked once more before it becomes an error. */
  async function ask(messages: ChatMessage[], request: AnalyzeRequest, note?: string): Promise<{ text: string; finishReason?: string }> {
    const body: ChatRequest = { model, messages, temperature, max_tokens: maxTokens };
    if (reasoningEffort) body.reasoning = { effort: reasoningEffort };
    if (supportsJsonSchema) body.response_format = STYLE_BRIEF_RESPONSE_FORMAT;
    let last: ChatResponse | undefined;
    for (const attemptNote of [note, 'empty-retry']) {
      last = await client.chat(body, {
        signal: request.signal,
        onUsage: onUsage && ((usage, answer) => onUsage(toUsageReport({ stage: 'analyze', model, productId: request.product.newId, note: attemptNote }, usage, answer))),
      });
      const choice = last.choices[0];
      const text = textOf(choice.message?.content)?.trim();
      if (text) return { text, finishReason: choice.finish_reason ?? undefined };
    }
    const choice = last!.choices[0];
    const reasoningTokens = last!.usage?.completion_tokens_details?.reasoning_tokens;
    throw new EmptyAnswerError(
      `${model} answered the style analysis for ${request.product.newId} with empty content twice (finish_reason "${choice.finish_reason ?? 'unknown'}"${
        reasoningTokens ? `, ${reasoningTokens} tokens spent reasoning` : ''
      }).`,
      {
        model,
        endpoint: 'POST /chat/completions',
        status: 200,
        generationId: last!.id,
        hint: 'The model likely spent its tokens reasoning: keep reasoning effort "none" or raise the analyzer max tokens, or choose another analyzer model.',
      },
    );
  }

  return {
    id: `openrouter/${model}`,
    provider: 'openrouter',
    model,
    paid: true,
    async analyze(request) {
      const references = request.references.slice(0, maxReferences);
      if (references.length === 0) {
        throw new UserInputError(`There are no reference images to analyze for ${request.product.newId}.`, {
          hint: 'Ingest the catalog first, or loosen the match filter so some hits are found.',
        });
      }
      const images = await Promise.all(
        references.map((r, i) => toJpegDataUri(r.bytes, { maxSide, quality: jpegQuality, what: `Reference image ${i + 1} (${r.product.id})` })),
      );
      // OpenRouter recommends the text first, then the images.
      const content: ContentPart[] = [
        { type: 'text', text: instruction(request, references.length, supportsJsonSchema) },
        ...images.map((img): ContentPart => ({ type: 'image_url', image_url: { url: img.uri } })),
      ];
      const messages: ChatMessage[] = [{ role: 'user', content }];
      const productId = request.product.newId;
      const accept = (reading: BriefReading, notes: string[] = []): StyleBrief => {
        for (const warning of [...notes, ...reading.warnings]) request.onWarning?.(warning);
        return reading.brief!;
      };
      const first = await ask(messages, request);
      const parsed = parseBrief(first.text);
      if (parsed.brief) return accept(parsed);
      if (!repairs.take(productId)) throw unusable(productId, parsed, first, 'and the one repair request a product may send was already used');

      const repair: ChatMessage[] = [
        ...messages,
        { role: 'assistant', content: first.text },
        { role: 'user', content: repairInstruction(parsed.problems, first.finishReason) },
      ];
      const second = await ask(repair, request, 'repair');
      const reparsed = parseBrief(second.text);
      if (reparsed.brief) return accept(reparsed, [`style brief: the first answer was not usable (${parsed.problems.join('; ')}); one repair request was sent`]);
      throw unusable(productId, reparsed, second, 'even after one repair attempt');
    },
  };

  /** The typed error for an answer that is not a brief; `why` completes "did not return a valid style brief for X, …". */
  function unusable(productId: string, reading: BriefReading, answer: { text: string; finishReason?: string }, why: string): StyleBriefError {
    const text = client.redact(answer.text);
    return new StyleBriefError(
      `${model} did not return a valid style brief for ${productId}, ${why}: ${reading.problems.join('; ')}.${
        answer.finishReason === 'length' ? ' The answer was cut off at the token limit.' : ''
      } Answer began: "${clip(text, 160)}"`,
      {
        model,
        endpoint: 'POST /chat/completions',
        status: 200,
        problems: reading.problems.map(client.redact),
        modelMessage: clip(text, 300),
        hint: 'Run this product again, or choose another analyzer model (or the offline analyzer).',
      },
    );
  }
}

function instruction(request: AnalyzeRequest, count: number, structured: boolean): string {
  const p = request.product;
  const fields = Object.entries(STYLE_BRIEF_RESPONSE_FORMAT.json_schema.schema.properties)
    .map(([name, spec]) => `- ${name}: ${spec.description ?? name}${spec.type === 'array' ? ' (list of strings)' : ''}`)
    .join('\n');
  const refs = request.references
    .slice(0, count)
    .map((r, i) => `Image ${i + 1}: ${[r.product.category, r.product.color, r.product.style, r.product.season].filter(Boolean).join(', ')}${r.product.description ? ` — ${clip(r.product.description, 200)}` : ''}`)
    .join('\n');
  return [
    `You are a fashion photography art director. The ${count} images after this text are best-selling product photos of one shop (Image 1 is the closest match).`,
    'Describe the photographic style they share: scene and background, lighting and colour tone, dominant colours, composition and framing, model pose, mood, props, and what must be kept out.',
    'Then write one image-generation prompt of at most 100 words for a new photo, in that same style, of a model wearing the new product described below.',
    '',
    `New product: ${[p.category, p.style, p.season].filter(Boolean).join(', ')}${p.promptHint ? `. Notes: ${p.promptHint}` : ''}`,
    'Reference photos:',
    refs,
    '',
    'Answer with one JSON object with exactly these fields:',
    fields,
    structured ? '' : 'Reply with the JSON object only, no other text.',
  ]
    .join('\n')
    .trim();
}

function repairInstruction(problems: string[], finishReason?: string): string {
  return [
    'That answer is not a valid style brief:',
    ...problems.map((p) => `- ${p}`),
    finishReason === 'length' ? '- it was cut off at the token limit; be more concise' : '',
    'Answer again with only the corrected JSON object.',
  ]
    .filter(Boolean)
    .join('\n');
}
