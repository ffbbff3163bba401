/** Strict structured output: the JSON Schema generated from a zod schema, and the check that strict mode would accept it. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { answerJson, strictJsonSchema, strictResponseFormat } from '../../../src/adapters/openrouter/structured-output.js';

describe('strict JSON Schema from zod', () => {
  it('closes every object, requires every property and keeps patterns and descriptions', () => {
    const schema = z.object({ name: z.string().describe('The name'), tags: z.array(z.object({ colour: z.string().regex(/^#[0-9a-f]{6}$/) })) });
    expect(strictResponseFormat('thing', schema)).toEqual({
      type: 'json_schema',
      json_schema: {
        name: 'thing',
        strict: true,
        schema: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'tags'],
          properties: {
            name: { type: 'string', description: 'The name' },
            tags: { type: 'array', items: { type: 'object', additionalProperties: false, required: ['colour'], properties: { colour: { type: 'string', pattern: '^#[0-9a-f]{6}$' } } } },
          },
        },
      },
    });
  });

  it('refuses what strict mode refuses: optional fields, open objects, unsupported keywords, a non-object root', () => {
    expect(() => strictJsonSchema(z.object({ a: z.string().optional() }))).toThrow('the schema.a is not required');
    expect(() => strictJsonSchema(z.object({ a: z.looseObject({ b: z.string() }) }))).toThrow('the schema.a does not set additionalProperties: false');
    expect(() => strictJsonSchema(z.object({ a: z.string().min(1) }))).toThrow('the schema.a uses "minLength"');
    expect(() => strictJsonSchema(z.object({ a: z.array(z.number().default(1)) }))).toThrow('the schema.a[] uses "default"');
    expect(() => strictJsonSchema(z.array(z.string()))).toThrow('the schema must be an object');
  });
});

describe('answerJson', () => {
  it('reads plain JSON, a fenced block or the object inside prose, and reports bad JSON', () => {
    expect(answerJson('{"a": 1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(answerJson('```json\n{"a": 1}\n```')).toEqual({ ok: true, value: { a: 1 }, unwrapped: 'fence' });
    expect(answerJson('Sure: {"a": {"b": 2}} done')).toEqual({ ok: true, value: { a: { b: 2 } }, unwrapped: 'prose' });
    expect(answerJson('  {"a": 1}\n')).toEqual({ ok: true, value: { a: 1 } });
    const bad = answerJson('no json here');
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.problem).toMatch(/^the answer is not valid JSON/);
  });
});
