/** Reading 200 answers: the documented shapes, and the failures that arrive with status 200. */
import { isRetryableStatus } from './backoff.js';
import { OpenRouterBadResponseError, OpenRouterGenerationError } from './errors.js';
import { clip } from './http-errors.js';
import type { ChatResponse, EmbeddingsResponse, ModelInfo } from './wire.js';

/** A chat answer with at least one choice; a choice that failed (200 with an error) throws. */
export function readChatAnswer(json: unknown, { endpoint, model, redact }: { endpoint: string; model?: string; redact: (t: string) => string }): ChatResponse {
  const body = json as ChatResponse;
  const choice = Array.isArray(body.choices) ? body.choices[0] : undefined;
  if (!choice) {
    throw new OpenRouterBadResponseError(`OpenRouter answered ${endpoint} without any choice${model ? ` for ${model}` : ''}.`, {
      status: 200,
      endpoint,
      model,
      generationId: body.id,
      retryable: true,
      hint: 'Usually temporary: run again.',
    });
  }
  if (choice.error || choice.finish_reason === 'error') {
    const code = choice.error?.code;
    const retryable = typeof code === 'number' ? isRetryableStatus(code) : true;
    // Redact before clipping, so a clip cannot cut a key in half and let the rest through.
    const said = clip(redact(choice.error?.message ?? textOf(choice.message?.content) ?? 'no message'));
    const errorType = (choice.error?.metadata as { error_type?: unknown } | undefined)?.error_type;
    throw new OpenRouterGenerationError(`${model ?? 'The model'} failed while answering (200 with ${choice.error ? 'an error on the choice' : 'finish_reason "error"'}): ${said}`, {
      status: 200,
      code,
      errorType: typeof errorType === 'string' ? errorType : undefined,
      modelMessage: said,
      endpoint,
      model,
      generationId: body.id,
      retryable,
      hint: retryable ? 'The provider failed mid-answer; this is usually temporary, run again.' : 'Read the model\'s message; the request may need changing.',
    });
  }
  return body;
}

/** An embeddings answer with a `data` list (its contents are checked by the embedder). */
export function readEmbeddingsAnswer(json: unknown, { endpoint, model }: { endpoint: string; model?: string }): EmbeddingsResponse {
  const body = json as EmbeddingsResponse;
  if (!Array.isArray(body.data)) {
    throw new OpenRouterBadResponseError(`OpenRouter answered ${endpoint} without a "data" list${model ? ` for ${model}` : ''}.`, {
      status: 200,
      endpoint,
      model,
      retryable: true,
      hint: 'Usually temporary: run again.',
    });
  }
  return body;
}

/** GET /models and GET /embeddings/models: `{data: [...]}`. */
export function readModelList(json: unknown, { endpoint }: { endpoint: string }): ModelInfo[] {
  const data = (json as { data?: unknown }).data;
  if (!Array.isArray(data)) {
    throw new OpenRouterBadResponseError(`OpenRouter answered ${endpoint} without a "data" list.`, { status: 200, endpoint, retryable: true });
  }
  return data as ModelInfo[];
}

/** The text of a message's content, whether a string or a list of parts. */
export function textOf(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    const texts = content.filter((p) => p && typeof p === 'object' && p.type === 'text' && typeof p.text === 'string').map((p) => p.text as string);
    return texts.length ? texts.join('\n') : undefined;
  }
  return undefined;
}
