/**
 * What the service refuses, as kinds the HTTP layer maps to status codes (and a worker or the CLI to its
 * own words). Each is a HitlineError: a message and a hint a user can act on.
 */
import { HitlineError, UserInputError } from '../core/errors.js';

/** No such thing for this tenant (another tenant's ids land here too: existence is never revealed). */
export class NotFoundError extends HitlineError {}

/** The request contradicts the state of what it names (an Idempotency-Key reused with another body, a run still running). */
export class ConflictError extends HitlineError {}

/** An upload over a size or count limit. */
export class TooLargeError extends UserInputError {}

/** The tenant's monthly budget is spent. */
export class BudgetExhaustedError extends HitlineError {}

export function notFound(what: string): NotFoundError {
  return new NotFoundError(`${what} was not found`, { hint: 'Check the id; ids are only visible to the tenant that made them.' });
}

/** The tenant's catalog has no products yet (nothing to match or search against). */
export class EmptyCatalogError extends ConflictError {
  constructor() {
    super('the catalog is empty: there are no hit products to match against', { hint: 'Upload products.csv and its images first (POST /api/catalog/imports), then wait for the import to finish.' });
  }
}
