/** The OpenRouter layer's public surface: one client, typed errors, prices, model limits, doctor checks. */
export { createOpenRouterClient, textOf, type CallOptions, type OpenRouterClient, type UsageAnswerInfo } from './client.js';
export { resolveOpenRouterConfig, abortableSleep, DEFAULT_OPENROUTER_BASE_URL, type OpenRouterConfig, type OpenRouterConfigInput, type RetryInfo, type AttemptInfo } from './config.js';
export * from './errors.js';
export { parseRetryAfter } from '../../util/retry-after.js';
export { backoffDelay, isRetryableStatus } from './backoff.js';
export { createRateLimitGate, type RateLimitGate } from './rate-limit-gate.js';
export { createPriceTable, pricesFromModels, PRICES_2026, type ModelPrice, type PriceTable } from './pricing.js';
export { imageModelCapabilities, IMAGE_MODEL_CAPABILITIES, type ImageModelCapabilities } from './image-models.js';
export { OPENROUTER_MODELS, baseModelId } from './models.js';
export { runOpenRouterDoctor, acceptsJsonSchema, findModel, type DoctorCheck, type DoctorModels } from './doctor.js';
export { toUsageReport, type PaidStage, type UsageReport, type UsageSink } from './usage.js';
export type * from './wire.js';
