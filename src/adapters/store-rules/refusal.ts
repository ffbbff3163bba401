/**
 * Turns what a store-rules schema refused into one HitlineError naming the subject (the product id, or
 * the search) and the path of each bad field: `product "p1": salesCount must be a whole number >= 0,
 * got 1.5`. Both stores throw exactly these errors, so they refuse with the same words. Every schema
 * words its own messages, the value found included (`worded`, or a custom issue's own message).
 */
import type { z } from 'zod';
import { EmbedderMismatchError, UserInputError, type HitlineError } from '../../core/errors.js';
import { schemaProblems, shownValue } from '../../util/schema-problems.js';

/** What a custom issue raised by a schema is about; a `dimension` issue is an embedder mismatch. */
export interface IssueParams {
  kind?: 'dimension' | 'zero' | 'non-finite' | 'too-long';
}

/** What to tell the user, by the top-level field that was refused and the issue's kind. */
export type HintFor = (field: string, kind: IssueParams['kind']) => string;

const DIMENSION_HINT = 'Use the embedder the store was filled with, or re-ingest into a new workspace (or with --reindex) to switch embedders.';
const SHOWN_PROBLEMS = 3;

/** A zod `error` option that words the rule and shows the value it refused: "must be text, got 3". */
export function worded(rule: string) {
  return { error: (issue: { input?: unknown }) => `${rule}, got ${shownValue(issue.input)}` };
}

export function refusal(subject: string, error: z.ZodError, hintFor: HintFor): HitlineError {
  const problems = schemaProblems(error);
  const described = problems.slice(0, SHOWN_PROBLEMS).map((p) => (p.path.length ? `${fieldPath(p.path)} ${p.message}` : p.message));
  const more = problems.length > SHOWN_PROBLEMS ? `; and ${problems.length - SHOWN_PROBLEMS} more` : '';
  const message = `${subject}: ${described.join('; ')}${more}`;
  if (error.issues.some((issue) => kindOf(issue) === 'dimension')) return new EmbedderMismatchError(message, { hint: DIMENSION_HINT });
  const first = error.issues[0];
  return new UserInputError(message, { hint: hintFor(String(first?.path[0] ?? ''), kindOf(first)) });
}

/** `vector[3]`, `attributes.material`, `filter[0].value`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`)).join('');
}

/** A product id as messages show it: quoted, at most 80 characters. */
export function productLabel(id: unknown): string {
  if (id === undefined) return 'a product';
  if (typeof id !== 'string') return `a product with id ${shownValue(id)}`;
  return `product ${JSON.stringify(id.length > 80 ? `${id.slice(0, 77)}...` : id)}`;
}

function kindOf(issue: z.core.$ZodIssue | undefined): IssueParams['kind'] {
  return issue?.code === 'custom' ? (issue.params as IssueParams | undefined)?.kind : undefined;
}
