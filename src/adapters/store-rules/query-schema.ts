/**
 * The arguments of every VectorStore call other than upsert: leg and hybrid queries (limits, perLeg,
 * top, rrfK, weights, the query vector, keywords, the filter), ids, scan batch sizes and the embedder
 * a store is opened for. Both stores call these before touching the store, so they refuse the same
 * arguments with the same errors.
 */
import { z } from 'zod';
import { NUMBER_FIELDS, STRING_FIELDS, type Filter } from '../../core/filter.js';
import type { EmbedderInfo, HybridQuery, LegQuery } from '../../ports/vector-store.js';
import { shownValue } from '../../util/schema-problems.js';
import { MAX_DIMENSION, MAX_HITS } from './limits.js';
import { refusal, worded, type HintFor } from './refusal.js';
import { vectorSchema } from './vector-schema.js';

const HITS = worded(`must be a whole number from 0 to ${MAX_HITS}`);
const hitCount = z.number(HITS).int(HITS).min(0, HITS).max(MAX_HITS, HITS);
const NON_NEGATIVE = worded('must be a finite number >= 0');
const weight = z.number(NON_NEGATIVE).min(0, NON_NEGATIVE);
const TEXT = worded('must be text');
const OBJECT = worded('must be an object');

const FIELDS = [...STRING_FIELDS, ...NUMBER_FIELDS] as const;
const TEXT_OPS = ['eq', 'neq', 'in'];
const NUMBER_OPS = ['eq', 'gt', 'gte', 'lt', 'lte'];

/** One condition of core/filter.ts: text fields take eq/neq/in with text, numbers eq/gt/gte/lt/lte with a finite number. */
const condition = z
  .object(
    {
      field: z.enum(FIELDS, worded(`must be one of ${FIELDS.join(', ')}`)),
      op: z.enum(['eq', 'neq', 'in', 'gt', 'gte', 'lt', 'lte'], worded('must be one of eq, neq, in, gt, gte, lt, lte')),
      value: z.unknown().optional(),
      values: z.unknown().optional(),
    },
    worded('must be a condition object'),
  )
  .superRefine((c, ctx) => {
    const issue = (path: Array<string | number>, message: string) => ctx.addIssue({ code: 'custom', path, message });
    const got = (value: unknown) => `got ${shownValue(value)}`;
    const isText = (STRING_FIELDS as readonly string[]).includes(c.field);
    const ops = isText ? TEXT_OPS : NUMBER_OPS;
    if (!ops.includes(c.op)) {
      issue(['op'], `"${c.op}" does not apply to ${c.field} (it takes ${ops.join(', ')})`);
    } else if (c.op === 'in') {
      if (!Array.isArray(c.values)) issue(['values'], `must be a list of text values, ${got(c.values)}`);
      else c.values.forEach((v, i) => typeof v !== 'string' && issue(['values', i], `must be text, ${got(v)}`));
    } else if (isText ? typeof c.value !== 'string' : typeof c.value !== 'number' || !Number.isFinite(c.value)) {
      issue(['value'], `${isText ? 'must be text' : 'must be a finite number'}, ${got(c.value)}`);
    }
  });

const filter = z.array(condition, worded('must be a list of conditions'));

const legQuery = z.object({ filter, limit: hitCount }, OBJECT);

function hybridQuery(embedder: EmbedderInfo) {
  return z.object(
    {
      vector: vectorSchema(embedder),
      keywords: z.string(TEXT),
      filter,
      perLeg: hitCount,
      top: hitCount,
      rrfK: z.number(NON_NEGATIVE).min(0, NON_NEGATIVE),
      weights: z.object({ dense: weight.optional(), keyword: weight.optional() }, OBJECT).optional(),
    },
    OBJECT,
  );
}

const EMBEDDER_ID = worded('must be non-empty text');
const DIMENSION = worded(`must be a whole number from 1 to ${MAX_DIMENSION}`);
const embedderInfo = z.object(
  {
    embedderId: z.string(EMBEDDER_ID).min(1, EMBEDDER_ID),
    dimension: z.number(DIMENSION).int(DIMENSION).min(1, DIMENSION).max(MAX_DIMENSION, DIMENSION),
  },
  OBJECT,
);

const ids = z.array(z.string(TEXT), worded('must be a list of product ids'));
const terms = z.array(z.string(TEXT), worded('must be a list of keyword terms'));
const BATCH = worded('must be a whole number >= 1');
const batchSize = z.number(BATCH).int(BATCH).min(1, BATCH);

const FILTER_HINT =
  'Filters compare id, category, color, style or season with eq, neq or in (text), and salesCount or price with eq, gt, gte, lt or lte (a finite number).';
const QUERY_HINTS: Record<string, string> = {
  limit: `Ask for 0 to ${MAX_HITS} hits.`,
  perLeg: `Ask for 0 to ${MAX_HITS} hits per leg.`,
  top: `Ask for 0 to ${MAX_HITS} fused hits.`,
  rrfK: 'RRF k is a finite number of 0 or more (60 is the usual value).',
  weights: 'Leg weights are finite numbers of 0 or more (1 is the default).',
  keywords: 'Pass the keyword query as text (space-joined tokens).',
  filter: FILTER_HINT,
  ids: 'Product ids are text.',
  terms: 'Keyword terms are text (tokens of search/tokenize.ts).',
  batchSize: 'Ask for batches of 1 row or more.',
  embedderId: `An embedder reports a non-empty id and a dimension from 1 to ${MAX_DIMENSION}.`,
  dimension: `An embedder reports a non-empty id and a dimension from 1 to ${MAX_DIMENSION}.`,
};

const queryHint: HintFor = (field, kind) => {
  if (kind === 'zero') return 'The query vector is all zeros: check the query image, the embedder found nothing in it.';
  if (kind === 'non-finite') return 'The embedder produced a broken query vector; embed the query again.';
  return QUERY_HINTS[field] ?? 'Fix the search arguments.';
};

function check(schema: z.ZodType, input: unknown, subject: string): void {
  const result = schema.safeParse(input);
  if (!result.success) throw refusal(subject, result.error, queryHint);
}

export function checkDenseQuery(vector: Float32Array, query: LegQuery, embedder: EmbedderInfo): void {
  check(legQuery.extend({ vector: vectorSchema(embedder) }), { ...query, vector }, 'dense search');
}

export function checkKeywordQuery(keywords: string, query: LegQuery): void {
  check(legQuery.extend({ keywords: z.string(TEXT) }), { ...query, keywords }, 'keyword search');
}

export function checkHybridQuery(query: HybridQuery, embedder: EmbedderInfo): void {
  check(hybridQuery(embedder), query, 'hybrid search');
}

/** True when a valid hybrid query asks for no hits: the answer is empty without asking the store. */
export function asksForNothing(query: HybridQuery): boolean {
  return query.perLeg === 0 || query.top === 0;
}

export function checkFilter(value: Filter, subject: string): void {
  check(z.object({ filter }), { filter: value }, subject);
}

export function checkIds(value: readonly string[], subject: string): void {
  check(z.object({ ids }), { ids: value }, subject);
}

export function checkTerms(value: readonly string[]): void {
  check(z.object({ terms }), { terms: value }, 'keyword statistics');
}

export function checkBatchSize(value: number): void {
  check(z.object({ batchSize }), { batchSize: value }, 'scan');
}

export function checkEmbedderInfo(value: EmbedderInfo): void {
  check(embedderInfo, value, 'embedder');
}
