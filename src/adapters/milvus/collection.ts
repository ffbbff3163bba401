/**
 * The collection's lifecycle: read it (and the embedder it records), create it, make sure its indexes
 * exist and that it is loaded.
 */
import type { DescribeCollectionResponse, MilvusClient } from '@zilliz/milvus2-sdk-node';
import { HitlineError } from '../../core/errors.js';
import { displayAddress, type ResolvedMilvusConfig } from './config.js';
import { checkStatus, isSuccessStatus, statusError, toMilvusError, type MilvusStatusLike } from './errors.js';
import {
  FIELD,
  collectionDescription,
  collectionFields,
  indexSpecs,
  parseCollectionDescription,
  requiredFieldTypes,
  type CollectionStamp,
} from './schema.js';
import type { EmbedderInfo } from '../../ports/vector-store.js';

function isMissingCollection(status: MilvusStatusLike): boolean {
  return (
    status.error_code === 'CollectionNotExists' ||
    status.code === 100 ||
    /collection not found|can't find collection|collection .*(does not|doesn't|not) exist/i.test(status.reason ?? '')
  );
}

function isMissingIndex(status: MilvusStatusLike): boolean {
  return status.error_code === 'IndexNotExist' || status.code === 700 || /index not (found|exist)|index doesn't exist/i.test(status.reason ?? '');
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

/**
 * The embedder stamp of a hitline collection, after checking that every field hitline needs is there
 * with its type. A collection made by someone else is refused rather than written into.
 */
export function stampOf(desc: DescribeCollectionResponse, config: ResolvedMilvusConfig): CollectionStamp {
  const where = `Milvus collection "${config.collection}" at ${displayAddress(config)}`;
  const stamp = parseCollectionDescription(desc.schema?.description);
  if (!stamp) {
    throw new HitlineError(`${where} was not created by hitline (its description records no embedder)`, {
      hint: 'Set MILVUS_COLLECTION to another name, or drop that collection if it is a leftover.',
    });
  }
  const fields = new Map(desc.schema.fields.map((f) => [f.name, f]));
  for (const [name, type] of Object.entries(requiredFieldTypes())) {
    const field = fields.get(name);
    if (!field || String(field.data_type) !== type) {
      throw new HitlineError(`${where} has no ${type} field "${name}"; it was made by another version of hitline`, {
        hint: 'Use a new MILVUS_COLLECTION and move the data with `hitline migrate`.',
      });
    }
  }
  const dim = Number(fields.get(FIELD.dense)?.type_params?.find((p) => p.key === 'dim')?.value ?? stamp.dimension);
  if (dim !== stamp.dimension) {
    throw new HitlineError(`${where} records ${stamp.dimension}-d vectors but its dense field has dimension ${dim}`, {
      hint: 'The collection was changed outside hitline; use a new MILVUS_COLLECTION.',
    });
  }
  return stamp;
}

export async function createCollection(client: MilvusClient, config: ResolvedMilvusConfig, embedder: EmbedderInfo): Promise<void> {
  const action = `creating collection "${config.collection}"`;
  try {
    const res = await client.createCollection({
      collection_name: config.collection,
      description: collectionDescription(embedder),
      fields: collectionFields(embedder.dimension),
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
export async function ensureIndexes(client: MilvusClient, config: ResolvedMilvusConfig): Promise<void> {
  const action = `reading the indexes of "${config.collection}"`;
  let described;
  try {
    described = await client.describeIndex({ collection_name: config.collection });
  } catch (err) {
    throw toMilvusError(err, config, action);
  }
  if (!isSuccessStatus(described.status) && !isMissingIndex(described.status)) throw statusError(described.status, config, action);
  const indexed = new Set(isSuccessStatus(described.status) ? described.index_descriptions.map((d) => d.field_name) : []);
  for (const spec of indexSpecs(config)) {
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
