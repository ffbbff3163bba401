/**
 * A run's review log, `review.jsonl` in its run folder: every review action with its time and actor (the
 * key prefix), appended and never rewritten. An output's review state is its last approve or reject.
 */
import { appendFile } from 'node:fs/promises';
import path from 'node:path';
import { readJsonLines } from '../../util/json-lines.js';

const REVIEW_FILE = 'review.jsonl';

export type ReviewAction = 'approve' | 'reject' | 'regenerate' | 'regenerated' | 'regenerate-failed';

export interface ReviewEntry {
  time: string;
  actor: string;
  action: ReviewAction;
  outputId: string;
  /** Why it was rejected, or why a regeneration failed. */
  reason?: string;
  /** Part of a bulk approval. */
  bulk?: boolean;
  /** regenerate: with the escalation model. */
  escalate?: boolean;
  /** regenerated: the output the new one replaces. */
  replaces?: string;
}

export interface ReviewState {
  state: 'pending' | 'approved' | 'rejected';
  reason?: string;
  actor?: string;
  at?: string;
}

export async function appendReviews(runDir: string, entries: readonly ReviewEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await appendFile(path.join(runDir, REVIEW_FILE), entries.map((e) => `\n${JSON.stringify(e)}`).join(''));
}

export function readReviews(runDir: string): Promise<ReviewEntry[]> {
  return readJsonLines<ReviewEntry>(path.join(runDir, REVIEW_FILE));
}

/** Each output's current review state, and which output each regenerated one replaces. */
export function reviewStates(entries: readonly ReviewEntry[]): { states: Map<string, ReviewState>; replaces: Map<string, string> } {
  const states = new Map<string, ReviewState>();
  const replaces = new Map<string, string>();
  for (const e of entries) {
    if (e.action === 'approve') states.set(e.outputId, { state: 'approved', actor: e.actor, at: e.time });
    else if (e.action === 'reject') states.set(e.outputId, { state: 'rejected', reason: e.reason, actor: e.actor, at: e.time });
    else if (e.action === 'regenerated' && e.replaces) replaces.set(e.outputId, e.replaces);
  }
  return { states, replaces };
}
