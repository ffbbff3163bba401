/**
 * Turns what a store-rules schema refused into one HitlineError naming the subject (the product id, or
 * the search) and the path of each bad field: `product "p1": salesCount must be a whole number >= 0,
 * got 1.5`. Both stores throw exactly these errors, so they refuse with the same words.
 */
import type { z } from 'zod';
import { EmbedderMismatchError, UserInputError, type HitlineError } from '../../core/errors.js';

/**
 * Issues a schema raises itself carry their kind, and their message already says what was found. A
 * `dimension` issue is an embedder mismatch.
 */
export interface IssueParams {
  kind?: 'dimension' | 'zero' | 'non-finite' | 'too-long' | 'condition';
}

/** What to tell the user, by the top-level field that was refused and the issue's kind. */
export type HintFor = (field: string, kind: IssueParams['kind']) => string;

const DIMENSION_HINT = 'Use the embedder the store was filled with, or re-ingest into a new workspace (or with --reindex) to switch embedders.';
const SHOWN_ISSUES = 3;

export function refusal(subject: string, issues: readonly z.core.$ZodIssue[], input: unknown, hintFor: HintFor): HitlineError {
  const described = issues.slice(0, SHOWN_ISSUES).map((issue) => describeIssue(issue, input));
  const more = issues.length > SHOWN_ISSUES ? `; and ${issues.length - SHOWN_ISSUES} more` : '';
  const message = `${subject}: ${described.join('; ')}${more}`;
  if (issues.some((issue) => kindOf(issue) === 'dimension')) return new EmbedderMismatchError(message, { hint: DIMENSION_HINT });
  const first = issues[0];
  return new UserInputError(message, { hint: hintFor(String(first?.path[0] ?? ''), kindOf(first)) });
}

/** `vector[3]`, `attributes.material`, `filter[0].value`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`)).join('');
}

/** A product id as messages show it: quoted, at most 80 characters. */
export function productLabel(id: unknown): string {
  if (id === undefined) return 'a product';
  if (typeof id !== 'string') return `a product with id ${shown(id)}`;
  return `product ${JSON.stringify(id.length > 80 ? `${id.slice(0, 77)}...` : id)}`;
}

function kindOf(issue: z.core.$ZodIssue | undefined): IssueParams['kind'] {
  return issue?.code === 'custom' ? (issue.params as IssueParams | undefined)?.kind : undefined;
}

/** Issues with a kind already say what they found; the others get the value they refused. */
function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const where = fieldPath(issue.path);
  const text = where ? `${where} ${issue.message}` : issue.message;
  return kindOf(issue) ? text : `${text}, got ${shown(valueAt(input, issue.path))}`;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  return value;
}

/** A value as a message shows it: short and on one line. */
function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === null || value === undefined) return String(value);
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  return Array.isArray(value) ? 'a list' : `a ${typeof value}`;
}
