/**
 * The arguments of every VectorStore call other than upsert: leg and hybrid queries (limits, perLeg,
 * top, rrfK, weights, the query vector, keywords, the filter), ids, scan batch sizes and the embedder
 * a store is opened for. Both stores call these before touching the store, so they refuse the same
 * arguments with the same errors.
 */
import { z } from 'zod';
import { NUMBER_FIELDS, STRING_FIELDS, type Filter } from '../../core/filter.js';
import type { EmbedderInfo, HybridQuery, LegQuery } from '../../ports/vector-store.js';
import { MAX_DIMENSION, MAX_HITS } from './limits.js';
import { refusal, type HintFor, type IssueParams } from './refusal.js';
import { vectorSchema } from './vector-schema.js';

const HITS = `must be a whole number from 0 to ${MAX_HITS}`;
const hitCount = z.number({ error: HITS }).int({ error: HITS }).min(0, { error: HITS }).max(MAX_HITS, { error: HITS });
const RRF_K = 'must be a finite number >= 0';
const WEIGHT = 'must be a finite number >= 0';
const weight = z.number({ error: WEIGHT }).min(0, { error: WEIGHT });

const FIELDS = [...STRING_FIELDS, ...NUMBER_FIELDS] as const;
const TEXT_OPS = ['eq', 'neq', 'in'];
const NUMBER_OPS = ['eq', 'gt', 'gte', 'lt', 'lte'];

/** One condition of core/filter.ts: text fields take eq/neq/in with text, numbers eq/gt/gte/lt/lte with a finite number. */
const condition = z
  .object(
    {
      field: z.enum(FIELDS, { error: `must be one of ${FIELDS.join(', ')}` }),
      op: z.enum(['eq', 'neq', 'in', 'gt', 'gte', 'lt', 'lte'], { error: 'must be one of eq, neq, in, gt, gte, lt, lte' }),
      value: z.unknown().optional(),
      values: z.unknown().optional(),
    },
    { error: 'must be a condition object' },
  )
  .superRefine((c, ctx) => {
    const issue = (path: Array<string | number>, message: string, kind?: IssueParams['kind']) =>
      ctx.addIssue({ code: 'custom', path, message, params: { kind } satisfies IssueParams });
    const isText = (STRING_FIELDS as readonly string[]).includes(c.field);
    const ops = isText ? TEXT_OPS : NUMBER_OPS;
    if (!ops.includes(c.op)) {
      issue(['op'], `"${c.op}" does not apply to ${c.field} (it takes ${ops.join(', ')})`, 'condition');
    } else if (c.op === 'in') {
      if (!Array.isArray(c.values)) issue(['values'], 'must be a list of text values');
      else c.values.forEach((v, i) => typeof v !== 'string' && issue(['values', i], 'must be text'));
    } else if (isText ? typeof c.value !== 'string' : typeof c.value !== 'number' || !Number.isFinite(c.value)) {
      issue(['value'], isText ? 'must be text' : 'must be a finite number');
    }
  });

const filter = z.array(condition, { error: 'must be a list of conditions' });

const legQuery = z.object({ filter, limit: hitCount }, { error: 'must be an object' });

function hybridQuery(embedder: EmbedderInfo) {
  return z.object(
    {
      vector: vectorSchema(embedder),
      keywords: z.string({ error: 'must be text' }),
      filter,
      perLeg: hitCount,
      top: hitCount,
      rrfK: z.number({ error: RRF_K }).min(0, { error: RRF_K }),
      weights: z.object({ dense: weight.optional(), keyword: weight.optional() }, { error: 'must be an object' }).optional(),
    },
    { error: 'must be an object' },
  );
}

const EMBEDDER_ID = 'must be non-empty text';
const DIMENSION = `must be a whole number from 1 to ${MAX_DIMENSION}`;
const embedderInfo = z.object(
  {
    embedderId: z.string({ error: EMBEDDER_ID }).min(1, { error: EMBEDDER_ID }),
    dimension: z.number({ error: DIMENSION }).int({ error: DIMENSION }).min(1, { error: DIMENSION }).max(MAX_DIMENSION, { error: DIMENSION }),
  },
  { error: 'must be an object' },
);

const ids = z.array(z.string({ error: 'must be text' }), { error: 'must be a list of product ids' });
const BATCH = 'must be a whole number >= 1';
const batchSize = z.number({ error: BATCH }).int({ error: BATCH }).min(1, { error: BATCH });

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
  if (!result.success) throw refusal(subject, result.error.issues, input, queryHint);
}

export function checkDenseQuery(vector: Float32Array, query: LegQuery, embedder: EmbedderInfo): void {
  check(legQuery.extend({ vector: vectorSchema(embedder) }), { ...query, vector }, 'dense search');
}

export function checkKeywordQuery(keywords: string, query: LegQuery): void {
  check(legQuery.extend({ keywords: z.string({ error: 'must be text' }) }), { ...query, keywords }, 'keyword search');
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

export function checkBatchSize(value: number): void {
  check(z.object({ batchSize }), { batchSize: value }, 'scan');
}

export function checkEmbedderInfo(value: EmbedderInfo): void {
  check(embedderInfo, value, 'embedder');
}
