/**
 * `hitline doctor`'s OpenRouter checks, in plain words: is the service reachable, is the key valid, is
 * there credit left, and does each configured model exist and accept what hitline sends.
 */
import type { OpenRouterClient } from './client.js';
import { OpenRouterError } from './errors.js';
import { imageModelCapabilities } from './image-models.js';
import type { KeyInfo, ModelInfo } from './wire.js';

export interface DoctorCheck {
  check: string;
  ok: boolean;
  detail: string;
  /** What to do when `ok` is false (sometimes a tip when it is true). */
  hint?: string;
}

export interface DoctorModels {
  embedding?: string;
  analyzer?: string;
  generator?: string;
}

/** Whether a model takes `response_format: {type: "json_schema"}` (OpenRouter calls this structured_outputs). */
export function acceptsJsonSchema(model: ModelInfo): boolean {
  return model.supported_parameters?.includes('structured_outputs') ?? false;
}

/** The entry for an id: exact first, then the same model without a ":variant" suffix. */
export function findModel(models: readonly ModelInfo[], id: string): ModelInfo | undefined {
  return models.find((m) => m.id === id) ?? models.find((m) => m.id === id.split(':')[0]);
}

export async function runOpenRouterDoctor(options: { client: OpenRouterClient; models: DoctorModels; signal?: AbortSignal }): Promise<DoctorCheck[]> {
  const { client, models, signal } = options;
  const call = { signal, maxRetries: 1 };
  const checks: DoctorCheck[] = [];

  let catalog: ModelInfo[] | undefined;
  try {
    catalog = await client.listModels(call);
    checks.push({ check: 'OpenRouter reachable', ok: true, detail: `${client.baseUrl} answered and lists ${catalog.length} models.` });
  } catch (e) {
    checks.push(failure('OpenRouter reachable', e, `${client.baseUrl} did not answer GET /models`, 'Check the network connection and OPENROUTER_BASE_URL.'));
  }

  let key: KeyInfo | undefined;
  if (!client.hasApiKey) {
    checks.push({
      check: 'API key',
      ok: false,
      detail: 'OPENROUTER_API_KEY is not set.',
      hint: 'Set OPENROUTER_API_KEY to a key from https://openrouter.ai/settings/keys, or use the offline adapters.',
    });
  } else {
    try {
      key = await client.getKey(call);
      checks.push({ check: 'API key', ok: true, detail: `OpenRouter accepts the key${key.is_free_tier ? ' (free tier: ":free" models allow 50 requests a day)' : ''}.` });
    } catch (e) {
      checks.push(failure('API key', e, 'The key could not be checked', 'Check OPENROUTER_API_KEY.'));
    }
  }
  if (key) checks.push(creditCheck(key));

  if (models.embedding) {
    // Embedding models have their own list; older deployments only had GET /models.
    let list: ModelInfo[] | undefined;
    try {
      list = await client.listEmbeddingModels(call);
    } catch {
      list = undefined;
    }
    const found = (list && findModel(list, models.embedding)) ?? (catalog && findModel(catalog, models.embedding));
    checks.push(
      modelCheck('Embedding model', models.embedding, found, list !== undefined || catalog !== undefined, (m) => {
        if (m.architecture?.input_modalities && !m.architecture.input_modalities.includes('image')) {
          return { ok: false, detail: `${models.embedding} does not take images.`, hint: 'Choose a multimodal embedding model such as nvidia/llama-nemotron-embed-vl-1b-v2.' };
        }
        return { ok: true, detail: `${models.embedding} is available.` };
      }),
    );
  }

  if (models.analyzer) {
    checks.push(
      modelCheck('Style analyzer model', models.analyzer, catalog && findModel(catalog, models.analyzer), catalog !== undefined, (m) => {
        if (!(m.architecture?.input_modalities?.includes('image') ?? true)) {
          return { ok: false, detail: `${models.analyzer} does not take images, so it cannot look at the reference photos.`, hint: 'Choose a vision model such as qwen/qwen3.5-397b-a17b.' };
        }
        return acceptsJsonSchema(m)
          ? { ok: true, detail: `${models.analyzer} takes images and structured output (json_schema).` }
          : {
              ok: true,
              detail: `${models.analyzer} takes images but not structured output; hitline will ask for JSON in the text and check it.`,
              hint: 'Set the analyzer\'s json-schema flag off for this model.',
            };
      }),
    );
  }

  if (models.generator) {
    checks.push(
      modelCheck('Image generator model', models.generator, catalog && findModel(catalog, models.generator), catalog !== undefined, (m) => {
        if (!(m.architecture?.output_modalities?.includes('image') ?? false)) {
          return { ok: false, detail: `${models.generator} does not output images.`, hint: 'Choose an image model such as google/gemini-3.1-flash-image-preview.' };
        }
        const caps = imageModelCapabilities(models.generator!);
        return caps.known
          ? { ok: true, detail: `${models.generator} (${caps.label}) makes images: ${caps.sizeTiers.join('/')}, up to ${caps.maxInputImages} input images.` }
          : {
              ok: true,
              detail: `${models.generator} makes images, but hitline has no capability data for it; aspect ratios and sizes are not checked before sending.`,
              hint: 'Prefer Nano Banana 2, Nano Banana Pro or Nano Banana.',
            };
      }),
    );
  }
  return checks;
}

function creditCheck(key: KeyInfo): DoctorCheck {
  const used = typeof key.usage === 'number' ? `$${key.usage.toFixed(2)} used` : 'usage unknown';
  if (typeof key.limit_remaining === 'number') {
    if (key.limit_remaining <= 0) {
      return {
        check: 'Credits',
        ok: false,
        detail: `No credit left on this key (${used} of a $${key.limit ?? 0} limit).`,
        hint: "Add credits at https://openrouter.ai/settings/credits or raise this key's limit.",
      };
    }
    return { check: 'Credits', ok: true, detail: `$${key.limit_remaining.toFixed(2)} left on this key (${used}).` };
  }
  return { check: 'Credits', ok: true, detail: `No spending limit on this key (${used}); the account balance is not checked here.` };
}

function modelCheck(
  check: string,
  id: string,
  found: ModelInfo | undefined,
  listed: boolean,
  judge: (m: ModelInfo) => Omit<DoctorCheck, 'check'>,
): DoctorCheck {
  if (!listed) return { check, ok: false, detail: `${id} could not be checked: the model list was not available.`, hint: 'Fix the checks above first.' };
  if (!found) return { check, ok: false, detail: `OpenRouter does not list ${id}.`, hint: 'Check the model id at https://openrouter.ai/models; it may have been renamed or retired.' };
  return { check, ...judge(found) };
}

function failure(check: string, e: unknown, what: string, fallbackHint: string): DoctorCheck {
  if (e instanceof OpenRouterError) return { check, ok: false, detail: `${what}: ${e.message}`, hint: e.hint ?? fallbackHint };
  return { check, ok: false, detail: `${what}: ${(e as Error)?.message ?? String(e)}`, hint: fallbackHint };
}
