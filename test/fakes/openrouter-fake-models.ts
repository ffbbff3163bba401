/** The fake's GET /models, GET /embeddings/models and GET /key answers (documented shapes, 2026 prices). */
import type { KeyInfo, ModelInfo } from '../../src/adapters/openrouter/wire.js';

const chatParams = ['max_tokens', 'temperature', 'top_p', 'stop', 'seed', 'reasoning', 'include_reasoning', 'response_format', 'structured_outputs', 'tools'];
const imageParams = ['max_tokens', 'temperature', 'top_p', 'seed', 'response_format'];

export const FAKE_MODELS: ModelInfo[] = [
  {
    id: 'qwen/qwen3.5-397b-a17b',
    name: 'Qwen: Qwen3.5 397B A17B',
    architecture: { input_modalities: ['text', 'image'], output_modalities: ['text'] },
    pricing: { prompt: '0.0000006', completion: '0.0000036', request: '0', image: '0' },
    supported_parameters: chatParams,
    context_length: 262144,
  },
  {
    id: 'qwen/qwen3.5-flash-02-23',
    name: 'Qwen: Qwen3.5 Flash',
    architecture: { input_modalities: ['text', 'image'], output_modalities: ['text'] },
    pricing: { prompt: '0.0000001', completion: '0.0000004', request: '0', image: '0' },
    supported_parameters: chatParams,
    context_length: 262144,
  },
  {
    id: 'google/gemini-3.1-flash-image-preview',
    name: 'Google: Nano Banana 2 (Gemini 3.1 Flash Image Preview)',
    architecture: { input_modalities: ['image', 'text'], output_modalities: ['image', 'text'] },
    pricing: { prompt: '0.0000005', completion: '0.000003', image: '0' },
    supported_parameters: imageParams,
  },
  {
    id: 'google/gemini-3-pro-image-preview',
    name: 'Google: Nano Banana Pro (Gemini 3 Pro Image Preview)',
    architecture: { input_modalities: ['image', 'text'], output_modalities: ['image', 'text'] },
    pricing: { prompt: '0.000002', completion: '0.000012', image: '0' },
    supported_parameters: imageParams,
  },
  {
    id: 'google/gemini-2.5-flash-image',
    name: 'Google: Nano Banana (Gemini 2.5 Flash Image)',
    architecture: { input_modalities: ['image', 'text'], output_modalities: ['image', 'text'] },
    pricing: { prompt: '0.0000003', completion: '0.0000025', image: '0.001238' },
    supported_parameters: imageParams,
  },
  {
    id: 'mistralai/text-only-model',
    name: 'A text-only chat model',
    architecture: { input_modalities: ['text'], output_modalities: ['text'] },
    pricing: { prompt: '0.0000001', completion: '0.0000001' },
    supported_parameters: ['max_tokens', 'temperature'],
  },
];

export const FAKE_EMBEDDING_MODELS: ModelInfo[] = [
  {
    id: 'nvidia/llama-nemotron-embed-vl-1b-v2',
    name: 'NVIDIA: Llama Nemotron Embed VL 1B V2',
    architecture: { input_modalities: ['text', 'image'], output_modalities: ['embeddings'] },
    pricing: { prompt: '0', completion: '0' },
  },
  {
    id: 'nvidia/llama-nemotron-embed-vl-1b-v2:free',
    name: 'NVIDIA: Llama Nemotron Embed VL 1B V2 (free)',
    architecture: { input_modalities: ['text', 'image'], output_modalities: ['embeddings'] },
    pricing: { prompt: '0', completion: '0' },
  },
];

export const FAKE_KEY: KeyInfo = { label: 'hitline-test', limit: 20, usage: 1.5, limit_remaining: 18.5, is_free_tier: false };
