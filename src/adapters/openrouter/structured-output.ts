/**
 * Structured output for OpenRouter chat calls. A zod schema becomes the `response_format` JSON Schema
 * (z.toJSONSchema), checked against the subset that strict mode accepts, so a schema change strict mode
 * would refuse fails at start-up and in tests instead of as a 400 on a paid call. The answer text is read
 * back as JSON here and then checked by the same zod schema.
 */
import { z } from 'zod';
import type { JsonSchemaResponseFormat } from './wire.js';

/**
 * The keywords hitline sends with `strict: true`: the ones its schemas have always used with OpenRouter,
 * plus enum. Strict mode accepts only a subset of JSON Schema, and which one varies by provider, so any
 * other keyword (minLength, default, format...) is refused here until it is verified; write such rules as
 * zod refinements, which stay out of the JSON Schema.
 */
const STRICT_KEYWORDS = new Set(['type', 'properties', 'required', 'additionalProperties', 'items', 'enum', 'pattern', 'description']);

export interface JsonSchemaNode {
  type?: string;
  description?: string;
  properties?: Record<string, JsonSchemaNode>;
  required?: string[];
  additionalProperties?: boolean;
  items?: JsonSchemaNode;
  [keyword: string]: unknown;
}

/** A JSON Schema strict mode accepts at the root: a closed object with every property required. */
export interface StrictObjectSchema extends JsonSchemaNode {
  type: 'object';
  properties: Record<string, JsonSchemaNode>;
  required: string[];
  additionalProperties: false;
}

/** The `response_format` asking for an answer shaped like `schema`'s output, with strict adherence. */
export function strictResponseFormat(name: string, schema: z.ZodType): JsonSchemaResponseFormat & { json_schema: { schema: StrictObjectSchema } } {
  return { type: 'json_schema', json_schema: { name, strict: true, schema: strictJsonSchema(schema) } };
}

/** The JSON Schema of `schema`'s output, without `$schema`; throws when strict mode would refuse it. */
export function strictJsonSchema(schema: z.ZodType): StrictObjectSchema {
  // io "output" describes the value hitline keeps, so a plain z.object() comes out closed
  // (additionalProperties: false) while parsing still ignores extra fields a model adds.
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io: 'output' }) as JsonSchemaNode;
  const problems = json.type === 'object' ? strictSchemaProblems(json, 'the schema') : ['the schema must be an object'];
  if (problems.length > 0) throw new Error(`cannot send this schema as strict structured output: ${problems.join('; ')}`);
  return json as StrictObjectSchema;
}

/** Why strict mode would refuse `node` (empty when it would not). */
export function strictSchemaProblems(node: JsonSchemaNode, at: string): string[] {
  const problems = Object.keys(node)
    .filter((keyword) => !STRICT_KEYWORDS.has(keyword))
    .map((keyword) => `${at} uses "${keyword}"`);
  if (node.type === 'object') {
    if (node.additionalProperties !== false) problems.push(`${at} does not set additionalProperties: false`);
    const required = new Set(node.required ?? []);
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      if (!required.has(key)) problems.push(`${at}.${key} is not required (strict mode needs every property)`);
      problems.push(...strictSchemaProblems(child, `${at}.${key}`));
    }
  }
  if (node.items) problems.push(...strictSchemaProblems(node.items, `${at}[]`));
  return problems;
}

/**
 * The JSON value in a model answer: inside a ```json fence, else from the first "{" to the last "}", else the
 * whole text. `unwrapped` says when the object had to be taken out of a fence or out of prose around it (a
 * loose answer, worth a warning), so it is absent for an answer that is the JSON alone.
 */
export function answerJson(text: string): { ok: true; value: unknown; unwrapped?: 'fence' | 'prose' } | { ok: false; problem: string } {
  const fenced = /```(?:json|JSON)?\s*([\s\S]*?)```/.exec(text);
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  const json = fenced ? fenced[1].trim() : start !== -1 && end > start ? text.slice(start, end + 1) : text.trim();
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (e) {
    return { ok: false, problem: `the answer is not valid JSON (${(e as Error).message})` };
  }
  const unwrapped = fenced ? 'fence' : json !== text.trim() ? 'prose' : undefined;
  return unwrapped ? { ok: true, value, unwrapped } : { ok: true, value };
}
