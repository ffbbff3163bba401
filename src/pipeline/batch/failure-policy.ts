/**
 * What the batch does when a stage call fails, after the adapter's own retries. It reads only the neutral
 * HitlineError fields (`retryable`, `stopsRun`) every adapter maps its failures onto:
 * - `retry`: another attempt of the stage can succeed (the model gave no image, an invalid or empty brief,
 *   a provider or store failure that outlasted the adapter's own retries);
 * - `fail`: this product cannot succeed as it is (moderation, a bad request, an option the model lacks);
 *   it is marked failed with the reason and the others go on;
 * - `stop`: no product can succeed (no credits, a rejected key): the run stops taking new work and this
 *   product is left for a resume;
 * - `leave`: the run was told to stop (budget, Ctrl-C); the product is left for a resume.
 */
import { HitlineError } from '../../core/errors.js';
import { BudgetReachedError } from './budget.js';
import { RunStoppedError, type StopReason } from './run-control.js';

export type FailureAction = { action: 'retry' } | { action: 'fail' } | { action: 'leave' } | { action: 'stop'; reason: StopReason };

export function failureAction(err: unknown): FailureAction {
  if (err instanceof RunStoppedError || err instanceof BudgetReachedError) return { action: 'leave' };
  if (!(err instanceof HitlineError)) return { action: 'fail' };
  if (err.stopsRun) return { action: 'stop', reason: err.stopsRun };
  return err.retryable ? { action: 'retry' } : { action: 'fail' };
}
