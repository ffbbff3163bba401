/**
 * Hooks a paid adapter's HTTP client runs around every attempt, so the batch engine can hold each call to
 * the provider's caps and the run's budget without knowing the provider.
 */
export interface HttpAttemptInfo {
  /** The request path, e.g. "/chat/completions". */
  path: string;
  /** Counting from 1. */
  attempt: number;
  signal?: AbortSignal;
}

export interface HttpCallHooks {
  /** Runs before every attempt (retries included) and before the attempt's timeout starts: waits for a slot. */
  beforeAttempt: (info: HttpAttemptInfo) => Promise<void> | void;
  /** The fetch every attempt goes through (reserves and settles the budget, frees the slot, backs off on 429). */
  fetch: typeof fetch;
}
