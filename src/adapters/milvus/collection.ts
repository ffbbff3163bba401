/**
 * The collection's lifecycle: read it (its layout and the embedder it records), create it (trying the
 * keyword legs the server may accept, best first), make sure its indexes exist and that it is loaded.
 */
import type { DescribeCollectionResponse, MilvusClient } from '@zilliz/milvus2-sdk-node';
import { HitlineError } from '../../core/errors.js';
import type { EmbedderInfo } from '../../ports/vector-store.js';
import { displayAddress, type ResolvedMilvusConfig } from './config.js';
import {
  MilvusAuthError,
  MilvusRequestError,
  callMilvus,
  checkStatus,
  isSuccessStatus,
  statusError,
  toMilvusError,
  type MilvusStatusLike,
} from './errors.js';
import { keywordLegCandidates } from './keyword-leg.js';
import { describeKeywordLeg, type Analyzer, type CollectionLayout } from './layout.js';
import { FIELD, collectionFields, collectionFunctions, indexSpecs, requiredFieldTypes } from './schema.js';
import { STAMP_PROPERTY, readStamp, stampJson, type CollectionStamp } from './stamp.js';

function isMissingCollection(status: MilvusStatusLike): boolean {
  return (
    status.error_code === 'CollectionNotExists' ||
    status.code === 100 ||
    /collection not found|can't find collection|collection .*(does not|doesn't|not) exist/i.test(status.reason ?? '')
  );
}

function isMissingIndex(status: MilvusStatusLike): boolean {
  return status.error_code === 'IndexNotExist' || status.code === 700 || /index not (found|exist)|index doesn't exist|no index on/i.test(status.reason ?? '');
}

/** The collection as Milvus describes it, or null when it does not exist. */
export async function describeCollection(client: MilvusClient, config: ResolvedMilvusConfig): Promise<DescribeCollectionResponse | null> {
  let res: DescribeCollectionResponse;
  try {
    res = await client.describeCollection({ collection_name: config.collection, cache: false });
  } catch (err) {
    throw toMilvusError(err, config, `reading collection "${config.collection}"`);
  }
  if (isSuccessStatus(res.status)) return res;
  if (isMissingCollection(res.status)) return null;
  throw statusError(res.status, config, `reading collection "${config.collection}"`);
}

/** The layout the server reports for a collection (layout.ts): its schema decides, nothing else. */
export function layoutOf(desc: DescribeCollectionResponse): CollectionLayout {
  const fields = desc.schema?.fields ?? [];
  const bm25 = (desc.schema?.functions ?? []).some(
    (f) => String(f.type) === 'BM25' && f.input_field_names?.includes(FIELD.keywords) && f.output_field_names?.includes(FIELD.sparse),
  );
  const keywords = fields.find((f) => f.name === FIELD.keywords);
  return {
    keywordLeg: bm25 ? { kind: 'bm25', analyzer: analyzerOf(keywords?.type_params ?? []) } : { kind: 'sparse' },
    tenantScoped: Boolean(fields.find((f) => f.name === FIELD.tenant)?.is_partition_key),
  };
}

function analyzerOf(typeParams: ReadonlyArray<{ key: string; value: unknown }>): Analyzer {
  const raw = typeParams.find((p) => p.key === 'analyzer_params')?.value;
  let params: Record<string, unknown> = {};
  try {
    params = typeof raw === 'string' ? (JSON.parse(raw) as Record<string, unknown>) : ((raw as Record<string, unknown>) ?? {});
  } catch {
    // an analyzer hitline cannot read is still the server's to apply
  }
  const tokenizer = params.tokenizer ?? params.type;
  const name = typeof tokenizer === 'string' ? tokenizer : String((tokenizer as { type?: unknown } | undefined)?.type ?? 'standard');
  return { name, params };
}

/**
 * The embedder stamp and layout of a hitline collection, after checking that every field hitline needs
 * is there with its type, and that it is shared by tenants exactly when this store has a tenant. A
 * collection made by someone else is refused rather than written into.
 */
export function readCollection(desc: DescribeCollectionResponse, config: ResolvedMilvusConfig): { stamp: CollectionStamp; layout: CollectionLayout } {
  const where = `Milvus collection "${config.collection}" at ${displayAddress(config)}`;
  const stamp = readStamp(desc);
  if (!stamp) {
    throw new HitlineError(`${where} was not created by hitline (it records no embedder: no "${STAMP_PROPERTY}" property)`, {
      hint: 'Set MILVUS_COLLECTION to another name, or drop that collection if it is a leftover.',
    });
  }
  const layout = layoutOf(desc);
  const fields = new Map(desc.schema.fields.map((f) => [f.name, f]));
  for (const [name, type] of Object.entries(requiredFieldTypes(layout))) {
    const field = fields.get(name);
    if (!field || String(field.data_type) !== type) {
      throw new HitlineError(`${where} has no ${type} field "${name}"; it was made by another version of hitline`, {
        hint: 'Use a new MILVUS_COLLECTION and move the data with `hitline migrate`.',
      });
    }
  }
  if (layout.tenantScoped !== (config.tenant !== undefined)) {
    throw new HitlineError(
      layout.tenantScoped
        ? `${where} is shared by tenants, and this store has no tenant`
        : `${where} belongs to a single catalog, and this store is scoped to tenant "${config.tenant}"`,
      { hint: 'A collection is either shared by tenants (every store on it names its tenant) or not: use another collection for the other kind.' },
    );
  }
  const dim = Number(fields.get(FIELD.dense)?.type_params?.find((p) => p.key === 'dim')?.value ?? stamp.dimension);
  if (dim !== stamp.dimension) {
    throw new HitlineError(`${where} records ${stamp.dimension}-d vectors but its dense field has dimension ${dim}`, {
      hint: 'The collection was changed outside hitline; use a new MILVUS_COLLECTION.',
    });
  }
  return { stamp, layout };
}

/** Pause before asking a second time when a candidate's refusal says another attempt may succeed. */
const RETRY_REFUSED_AFTER_MS = 1000;

/**
 * Creates the collection with the best keyword leg the server accepts (keyword-leg.ts): each candidate
 * is tried until the server creates the collection, so a server without the BM25 function or without
 * jieba gets the next one. A refusal marked retryable is asked once more before moving on (a server that
 * is still starting must not leave a collection with a lesser keyword leg for good). Failures no other
 * schema can fix (credentials, an unreachable server) stop at once. Returns what each refused candidate
 * was told, for the record.
 */
export async function createCollection(client: MilvusClient, config: ResolvedMilvusConfig, embedder: EmbedderInfo): Promise<string[]> {
  const refusals: string[] = [];
  let last: unknown;
  for (const keywordLeg of keywordLegCandidates(config.keywordLeg)) {
    const layout: CollectionLayout = { keywordLeg, tenantScoped: config.tenant !== undefined };
    for (let attempt = 1; attempt <= 2; attempt++) {
      try {
        await createWithLayout(client, config, embedder, layout);
        return refusals;
      } catch (err) {
        if (err instanceof MilvusAuthError || !(err instanceof MilvusRequestError)) throw err;
        last = err;
        if (!err.retryable) break;
        if (attempt === 1) await new Promise((resolve) => setTimeout(resolve, RETRY_REFUSED_AFTER_MS));
      }
    }
    refusals.push(`${describeKeywordLeg(keywordLeg)}: ${(last as Error).message}`);
  }
  throw last;
}

async function createWithLayout(client: MilvusClient, config: ResolvedMilvusConfig, embedder: EmbedderInfo, layout: CollectionLayout): Promise<void> {
  const action = `creating collection "${config.collection}"`;
  try {
    const res = await client.createCollection({
      collection_name: config.collection,
      description: stampJson(embedder),
      properties: { [STAMP_PROPERTY]: stampJson(embedder) },
      fields: collectionFields(embedder.dimension, layout),
      functions: collectionFunctions(layout),
      // Read-your-writes: a search right after an upsert sees it (Milvus's default, Bounded, may not).
      consistency_level: 'Strong',
      enable_dynamic_field: false,
    });
    checkStatus(res, config, action);
  } catch (err) {
    // Another process created it between our describe and create: fine, the caller re-reads it.
    const reason = String((err as MilvusStatusLike)?.reason ?? (err as Error)?.message ?? '');
    if (/already exist/i.test(reason)) return;
    throw toMilvusError(err, config, action);
  }
}

/**
 * Creates the indexes of schema.ts that are missing; existing ones are kept as they are. One
 * DescribeIndex for the whole collection: Milvus filters DescribeIndex by index name only, so asking
 * per field would report any index as present.
 */
export async function ensureIndexes(client: MilvusClient, config: ResolvedMilvusConfig, layout: CollectionLayout): Promise<void> {
  const action = `reading the indexes of "${config.collection}"`;
  let described;
  try {
    described = await client.describeIndex({ collection_name: config.collection });
  } catch (err) {
    throw toMilvusError(err, config, action);
  }
  if (!isSuccessStatus(described.status) && !isMissingIndex(described.status)) throw statusError(described.status, config, action);
  const indexed = new Set(isSuccessStatus(described.status) ? described.index_descriptions.map((d) => d.field_name) : []);
  for (const spec of indexSpecs(config, layout)) {
    if (indexed.has(spec.field_name)) continue;
    const creating = `creating the ${spec.index_type} index on "${spec.field_name}"`;
    try {
      const res = await client.createIndex({ collection_name: config.collection, ...spec });
      checkStatus(res, config, creating);
    } catch (err) {
      throw toMilvusError(err, config, creating);
    }
  }
}

/** How long open() waits for Milvus to load the collection into memory. */
const LOAD_WAIT_MS = 10 * 60_000;

/** Loads the collection into memory (searches and queries need it) unless it already is, and waits for it. */
export async function ensureLoaded(client: MilvusClient, config: ResolvedMilvusConfig): Promise<void> {
  const action = `loading collection "${config.collection}"`;
  try {
    const state = await client.getLoadState({ collection_name: config.collection });
    checkStatus(state.status, config, action);
    if (String(state.state) === 'LoadStateLoaded') return;
    checkStatus(await client.loadCollectionAsync({ collection_name: config.collection }), config, action);
    // Poll quickly at first (a small collection loads in milliseconds), then back off to once a second.
    const deadline = Date.now() + LOAD_WAIT_MS;
    for (let wait = 25; ; wait = Math.min(wait * 2, 1000)) {
      const now = await client.getLoadState({ collection_name: config.collection });
      checkStatus(now.status, config, action);
      if (String(now.state) === 'LoadStateLoaded') return;
      if (Date.now() > deadline) {
        throw new HitlineError(`Milvus at ${displayAddress(config)} is still ${action} after ${LOAD_WAIT_MS / 60_000} minutes`, {
          hint: 'Check the Milvus query nodes (memory, logs) and try again.',
        });
      }
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  } catch (err) {
    throw toMilvusError(err, config, action);
  }
}

/**
 * Seals what was written (Milvus then builds the indexes on the sealed segments in the background),
 * creates missing indexes, and loads the collection. Milvus limits flushes per collection (0.1/s by
 * default); a refused flush only delays sealing, so it is not an error.
 */
export async function sealAndIndex(client: MilvusClient, config: ResolvedMilvusConfig, layout: CollectionLayout): Promise<void> {
  const res = await callMilvus(config, 'flushing', () => client.flush({ collection_names: [config.collection] }));
  if (!isSuccessStatus(res.status) && !/rate limit/i.test(res.status.reason ?? '')) throw statusError(res.status, config, 'flushing');
  await ensureIndexes(client, config, layout);
  await ensureLoaded(client, config);
}
