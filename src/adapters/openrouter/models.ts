/** The OpenRouter model ids hitline uses by default (from the tutorial; see reference/seed-pipeline.md). */
export const OPENROUTER_MODELS = {
  /** 2048-d image + text embeddings in one space. */
  nemotronEmbed: 'nvidia/llama-nemotron-embed-vl-1b-v2',
  /** Vision LLM for style analysis. */
  qwen35: 'qwen/qwen3.5-397b-a17b',
  /** Cheaper sibling of qwen35. */
  qwen35Flash: 'qwen/qwen3.5-flash-02-23',
  /** Nano Banana 2 (Gemini 3.1 Flash Image). */
  nanoBanana2: 'google/gemini-3.1-flash-image-preview',
  /** Nano Banana Pro (Gemini 3 Pro Image). */
  nanoBananaPro: 'google/gemini-3-pro-image-preview',
  /** First-generation Nano Banana (Gemini 2.5 Flash Image). */
  nanoBanana: 'google/gemini-2.5-flash-image',
} as const;

/** "vendor/model:free" → "vendor/model": variants such as ":free" serve the same weights. */
export function baseModelId(model: string): string {
  const colon = model.indexOf(':');
  return colon === -1 ? model : model.slice(0, colon);
}
