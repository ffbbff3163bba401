/**
 * The recorder's answers: a small in-memory emulation of Milvus's MilvusService (collections and their
 * properties, indexes, load state, rows, exact search, the RRF ranker) so the adapter's handling of
 * answers is exercised with plausible data. It checks our requests, not Milvus's behaviour. It has no
 * BM25 function, as Milvus 2.4: a schema's functions are dropped without a word (a 2.4 server does not
 * know the field), so the adapter must notice from the described schema and fill `sparse` itself. The
 * BM25 path runs against Milvus Lite (test/adapters/milvus/lite-*.test.ts).
 */
import { FakeCollection, type FieldDataMessage, type Row } from './milvus-fake-collection.js';
import { decodeCollectionSchema, decodePlaceholderGroup, keyValues, type AnyRequest } from './milvus-proto.js';

export interface MilvusStatusObject {
  code: number;
  reason: string;
  error_code?: string;
}

export const OK: MilvusStatusObject & { error_code: string } = { code: 0, error_code: 'Success', reason: '' };

export class MilvusEmulation {
  readonly collections = new Map<string, FakeCollection>();
  private nextCollectionId = 1000;

  /** `version` is what Connect and GetVersion report. */
  constructor(public version: string) {}

  private collection(name: string): FakeCollection {
    const c = this.collections.get(name);
    if (!c) throw new Error(`collection not found[collection=${name}]`);
    return c;
  }

  private requireLoaded(c: FakeCollection): void {
    if (!c.loaded) throw new Error(`collection not loaded[collection=${c.name}]`);
  }

  /** The emulated answer, or undefined for a plain success. */
  answer(method: string, req: AnyRequest): AnyRequest | undefined {
    switch (method) {
      case 'Connect':
        return { status: OK, server_info: { build_tags: this.version, deploy_mode: 'STANDALONE' }, identifier: '424242' };
      case 'GetVersion':
        return { status: OK, version: this.version };
      case 'CheckHealth':
        return { status: OK, isHealthy: true };
      case 'CreateCollection': {
        if (this.collections.has(req.collection_name)) return { code: 65535, error_code: 'UnexpectedError', reason: `collection already exists: ${req.collection_name}` };
        const schema = decodeCollectionSchema(req.schema);
        schema.functions = [];
        for (const field of schema.fields) field.is_function_output = false;
        const id = String(this.nextCollectionId++);
        const collection = new FakeCollection(req.collection_name, id, schema, req.consistency_level);
        collection.properties = req.properties ?? [];
        this.collections.set(req.collection_name, collection);
        return undefined;
      }
      case 'DescribeCollection': {
        const c = this.collections.get(req.collection_name);
        if (!c) {
          return {
            status: { code: 100, error_code: 'CollectionNotExists', reason: `can't find collection[database=default][collection=${req.collection_name}]` },
          };
        }
        return {
          status: OK,
          schema: c.schema,
          collectionID: c.id,
          collection_name: c.name,
          consistency_level: c.consistencyLevel,
          shards_num: 1,
          db_name: 'default',
          created_timestamp: '1',
          update_timestamp: '1',
          update_timestamp_str: '1',
          properties: c.properties,
        };
      }
      case 'HasCollection':
        return { status: OK, value: this.collections.has(req.collection_name) };
      case 'ShowCollections':
        return { status: OK, collection_names: [...this.collections.keys()] };
      case 'DropCollection':
        this.collections.delete(req.collection_name);
        return undefined;
      case 'CreateIndex': {
        const c = this.collection(req.collection_name);
        c.indexes.push({ field_name: req.field_name, index_name: req.index_name || req.field_name, params: req.extra_params });
        return undefined;
      }
      case 'DescribeIndex': {
        const c = this.collection(req.collection_name);
        // Like Milvus, DescribeIndex filters by index name only; field_name is ignored.
        const found = c.indexes.filter((i) => !req.index_name || i.index_name === req.index_name);
        if (found.length === 0) return { status: { code: 700, error_code: 'IndexNotExist', reason: `index not found[collection=${c.name}]` }, index_descriptions: [] };
        return {
          status: OK,
          index_descriptions: found.map((i) => ({ index_name: i.index_name, field_name: i.field_name, params: i.params, state: 'Finished', indexed_rows: String(c.rows.size), total_rows: String(c.rows.size) })),
        };
      }
      case 'LoadCollection':
        this.collection(req.collection_name).loaded = true;
        return undefined;
      case 'ReleaseCollection':
        this.collection(req.collection_name).loaded = false;
        return undefined;
      case 'GetLoadingProgress':
        return { status: OK, progress: this.collection(req.collection_name).loaded ? '100' : '0', refresh_progress: '100' };
      case 'GetLoadState': {
        const c = this.collections.get(req.collection_name);
        return { status: OK, state: !c ? 'LoadStateNotExist' : c.loaded ? 'LoadStateLoaded' : 'LoadStateNotLoad' };
      }
      case 'Insert':
      case 'Upsert': {
        const c = this.collection(req.collection_name);
        const rows = c.decodeRows(req.fields_data as FieldDataMessage[], Number(req.num_rows));
        const ids: string[] = [];
        for (const row of rows) {
          const id = String(row[c.pk]);
          c.rows.delete(id); // an upsert moves the row to the end, as a new version would
          c.rows.set(id, row);
          ids.push(id);
        }
        const n = rows.length;
        return {
          status: OK,
          IDs: { str_id: { data: ids } },
          succ_index: rows.map((_, i) => i),
          err_index: [],
          [method === 'Upsert' ? 'upsert_cnt' : 'insert_cnt']: String(n),
        };
      }
      case 'Delete': {
        const c = this.collection(req.collection_name);
        const matched = c.filter(req.expr);
        for (const row of matched) c.rows.delete(String(row[c.pk]));
        return { status: OK, delete_cnt: String(matched.length), IDs: { str_id: { data: matched.map((r) => String(r[c.pk])) } } };
      }
      case 'Flush':
        return { status: OK, db_name: 'default', coll_segIDs: Object.fromEntries((req.collection_names as string[]).map((n) => [n, { data: ['1'] }])) };
      case 'GetFlushState':
        return { status: OK, flushed: true };
      case 'Query':
        return this.query(req);
      case 'Search':
        return this.search(req);
      case 'HybridSearch':
        return this.hybridSearch(req);
      default:
        return undefined;
    }
  }

  private query(req: AnyRequest): AnyRequest {
    const c = this.collection(req.collection_name);
    this.requireLoaded(c);
    const params = keyValues(req.query_params);
    const outputs: string[] = req.output_fields ?? [];
    if (outputs.length === 1 && outputs[0] === 'count(*)') {
      const n = c.filter(req.expr).length;
      return { status: OK, fields_data: [{ type: 'Int64', field_name: 'count(*)', scalars: { long_data: { data: [String(n)] } } }], output_fields: ['count(*)'] };
    }
    if (String(req.expr ?? '').trim() === '' && params.limit === undefined) throw new Error('empty expression should be used with limit');
    let rows: Row[] = c.filter(req.expr);
    const offset = Number(params.offset ?? 0);
    if (params.limit !== undefined) rows = rows.slice(offset, offset + Number(params.limit));
    const fields = c.expandOutputFields(outputs);
    return { status: OK, fields_data: c.encodeColumns(rows, fields), output_fields: fields, primary_field_name: c.pk };
  }

  /** One search request's hits (shared by Search and each leg of HybridSearch). */
  private runSearch(c: FakeCollection, req: AnyRequest): Array<{ row: Row; score: number }> {
    const params = keyValues(req.search_params);
    const annsField = params.anns_field;
    const topk = Number(params.topk);
    const [group] = decodePlaceholderGroup(req.placeholder_group);
    if (!group || group.vectors.length !== 1) throw new Error('the recorder handles nq = 1 only');
    if (c.fieldTypes[annsField] === 'FloatVector' && (group.vectors[0] as number[]).length !== c.dim(annsField)) {
      throw new Error(`vector dimension mismatch, expected ${c.dim(annsField)}`);
    }
    return c.search(annsField, group.vectors[0], req.dsl, topk);
  }

  private searchResults(c: FakeCollection, hits: Array<{ row: Row; score: number }>, outputFields: string[]): AnyRequest {
    const fields = c.expandOutputFields(outputFields);
    return {
      status: OK,
      collection_name: c.name,
      results: {
        num_queries: '1',
        top_k: String(hits.length),
        scores: hits.map((h) => h.score),
        ids: { str_id: { data: hits.map((h) => String(h.row[c.pk])) } },
        topks: [String(hits.length)],
        fields_data: c.encodeColumns(hits.map((h) => h.row), fields),
        output_fields: fields,
        primary_field_name: c.pk,
      },
    };
  }

  private search(req: AnyRequest): AnyRequest {
    const c = this.collection(req.collection_name);
    this.requireLoaded(c);
    return this.searchResults(c, this.runSearch(c, req), req.output_fields ?? []);
  }

  /**
   * Each leg searched alone, then RRF: Σ 1/(k + rank), rank from 1, as Milvus's RRFRanker. Scores go out
   * as float32 (the wire type); ties are ordered by id descending, the opposite of hitline's tie-break,
   * so a test shows the adapter does not depend on Milvus's tie order.
   */
  private hybridSearch(req: AnyRequest): AnyRequest {
    const c = this.collection(req.collection_name);
    this.requireLoaded(c);
    const rank = keyValues(req.rank_params);
    if (rank.strategy !== 'rrf') throw new Error(`the recorder emulates the rrf ranker only, got ${rank.strategy}`);
    const k = Number(JSON.parse(rank.params ?? '{}').k ?? 60);
    const limit = Number(rank.limit);
    const offset = Number(rank.offset ?? 0);
    const fused = new Map<string, { row: Row; score: number }>();
    for (const sub of req.requests as AnyRequest[]) {
      this.runSearch(c, sub).forEach((hit, i) => {
        const id = String(hit.row[c.pk]);
        const entry = fused.get(id) ?? { row: hit.row, score: 0 };
        entry.score += 1 / (k + i + 1);
        fused.set(id, entry);
      });
    }
    const ordered = [...fused.values()]
      .sort((a, b) => b.score - a.score || (String(a.row[c.pk]) < String(b.row[c.pk]) ? 1 : -1))
      .slice(offset, offset + limit)
      .map((h) => ({ row: h.row, score: Math.fround(h.score) }));
    return this.searchResults(c, ordered, req.output_fields ?? []);
  }
}
