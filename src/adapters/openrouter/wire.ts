/**
 * OpenRouter's wire format, as much of it as hitline sends and reads (see
 * ../shared/reference/openrouter.md). Field names are the wire's own (snake_case).
 */

export interface TextPart {
  type: 'text';
  text: string;
}

export interface ImageUrlPart {
  type: 'image_url';
  image_url: { url: string };
}

export type ContentPart = TextPart | ImageUrlPart;

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string | ContentPart[];
}

export interface JsonSchemaResponseFormat {
  type: 'json_schema';
  json_schema: { name: string; strict?: boolean; schema: unknown };
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  temperature?: number;
  max_tokens?: number;
  response_format?: JsonSchemaResponseFormat | { type: 'json_object' };
  reasoning?: { effort?: 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh'; max_tokens?: number; exclude?: boolean };
  modalities?: Array<'image' | 'text'>;
  image_config?: { aspect_ratio?: string; image_size?: string };
  stream?: false;
}

export interface WireUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
  /** USD credits charged for this call. */
  cost?: number;
  cost_details?: Record<string, unknown>;
  prompt_tokens_details?: Record<string, unknown>;
  completion_tokens_details?: { reasoning_tokens?: number; image_tokens?: number; [k: string]: unknown };
}

export interface WireErrorObject {
  code?: number | string;
  message?: string;
  metadata?: Record<string, unknown>;
}

export interface ChatChoice {
  index?: number;
  finish_reason?: string | null;
  native_finish_reason?: string | null;
  message?: {
    role?: string;
    content?: string | ContentPart[] | null;
    reasoning?: string | null;
    images?: ImageUrlPart[];
  };
  error?: WireErrorObject;
}

export interface ChatResponse {
  id?: string;
  model?: string;
  provider?: string;
  choices: ChatChoice[];
  usage?: WireUsage;
}

export interface EmbeddingInputItem {
  content: ContentPart[];
}

export interface EmbeddingsRequest {
  model: string;
  input: string | string[] | EmbeddingInputItem[];
  encoding_format: 'float';
  dimensions?: number;
  input_type?: string;
}

export interface EmbeddingsResponse {
  id?: string;
  object?: 'list';
  data: Array<{ object?: 'embedding'; index: number; embedding: number[] }>;
  model?: string;
  usage?: WireUsage;
}

export interface ModelInfo {
  id: string;
  name?: string;
  architecture?: { input_modalities?: string[]; output_modalities?: string[]; modality?: string };
  /** USD per token (or per unit), as decimal strings. */
  pricing?: Record<string, string | number | undefined>;
  supported_parameters?: string[];
  context_length?: number;
}

export interface KeyInfo {
  label?: string;
  /** USD credit limit of the key; null means no limit on the key. */
  limit?: number | null;
  limit_remaining?: number | null;
  usage?: number;
  is_free_tier?: boolean;
}
