/**
 * Turns a zod error into problems a user can act on, each with the path of the bad field. Every schema
 * words its own messages (zod's `error` option); the caller formats the path its own way (a config key,
 * a preset field, a CSV column). Shared by the config, preset, catalog and model-answer schemas.
 */
import type { z } from 'zod';

export interface SchemaProblem {
  /** Keys from the parsed value's root to the bad field; [] for the value itself. */
  path: PropertyKey[];
  message: string;
}

/**
 * One problem per bad field and message: an unknown-keys issue becomes one problem per key (its path ends
 * with the key), and a message repeated for the same path (a value failing two checks worded alike) once.
 */
export function schemaProblems(error: z.ZodError): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const seen = new Set<string>();
  for (const issue of error.issues) {
    const paths = issue.code === 'unrecognized_keys' ? issue.keys.map((key) => [...issue.path, key]) : [issue.path];
    for (const path of paths) {
      const id = JSON.stringify([path.map(String), issue.message]);
      if (seen.has(id)) continue;
      seen.add(id);
      problems.push({ path, message: issue.message });
    }
  }
  return problems;
}

/** A user's value shown in a message: a string quoted on one line (clipped), anything else by its kind. */
export function shownValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}…` : value);
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/** "a", "a or b", "a, b or c". */
export function orList(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}
