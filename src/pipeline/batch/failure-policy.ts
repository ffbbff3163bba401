/**
 * What the batch does when a stage call fails, after the client's own retries:
 * - `retry`: another attempt of the stage can succeed (the model gave no image, an invalid or empty brief,
 *   a provider failure that outlasted the client's retries);
 * - `fail`: this product cannot succeed as it is (moderation, a bad request, an option the model lacks);
 *   it is marked failed with the reason and the others go on;
 * - `stop`: no product can succeed (no credits, a rejected key): the run stops taking new work and this
 *   product is left for a resume;
 * - `leave`: the run was told to stop (budget, Ctrl-C); the product is left for a resume.
 */
import {
  EmbeddingResponseError,
  EmptyAnswerError,
  NoImageGeneratedError,
  OpenRouterAuthError,
  OpenRouterCreditsError,
  OpenRouterError,
  StyleBriefError,
} from '../../adapters/openrouter/errors.js';
import { BudgetReachedError } from './budget.js';
import { RunStoppedError, type StopReason } from './run-control.js';

export type FailureAction = { action: 'retry' } | { action: 'fail' } | { action: 'leave' } | { action: 'stop'; reason: StopReason };

export function failureAction(err: unknown): FailureAction {
  if (err instanceof RunStoppedError || err instanceof BudgetReachedError) return { action: 'leave' };
  if (err instanceof OpenRouterCreditsError) return { action: 'stop', reason: 'credits' };
  if (err instanceof OpenRouterAuthError) return { action: 'stop', reason: 'auth' };
  if (err instanceof NoImageGeneratedError || err instanceof EmptyAnswerError || err instanceof StyleBriefError || err instanceof EmbeddingResponseError) {
    return { action: 'retry' };
  }
  if (err instanceof OpenRouterError && err.retryable) return { action: 'retry' };
  return { action: 'fail' };
}
