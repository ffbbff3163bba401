/**
 * What a hitline collection looks like, as its schema says when the server describes it (never guessed
 * from the server's name or version; collection.ts `layoutOf`): which keyword leg fills `sparse`, and
 * whether rows carry a tenant. A server that silently drops the BM25 function (Milvus before 2.5 ignores
 * the schema's functions) describes a plain sparse field, and the collection is then used with
 * client-side weights.
 */
import type { MilvusClient } from '@zilliz/milvus2-sdk-node';
import type { ResolvedMilvusConfig } from './config.js';

/** A server-side analyzer for the BM25 function (keyword-leg.ts lists the ones hitline tries). */
export interface Analyzer {
  /** The tokenizer, as named in analyzer_params. */
  name: string;
  params: Record<string, unknown>;
}

export type KeywordLeg =
  /** Milvus's BM25 function fills `sparse` from `keywords`; queries are text, scored with BM25 and IDF. */
  | { kind: 'bm25'; analyzer: Analyzer }
  /** hitline fills `sparse` with its own term weights (sparse.ts); queries are sparse vectors, scored by IP. */
  | { kind: 'sparse' };

export interface CollectionLayout {
  keywordLeg: KeywordLeg;
  /** Rows are keyed by tenant/id with `tenant` as the partition key (tenant-scope.ts). */
  tenantScoped: boolean;
}

/** How the keyword leg is shown in messages and reports. */
export function describeKeywordLeg(leg: KeywordLeg): string {
  return leg.kind === 'bm25' ? `Milvus's BM25 function (${leg.analyzer.name} analyzer)` : "hitline's client-side sparse weights (no IDF)";
}

/** What every call on an open collection needs. */
export interface OpenCollection {
  client: MilvusClient;
  config: ResolvedMilvusConfig;
  layout: CollectionLayout;
  /** The tenant this store is scoped to (tenant-scope.ts), or null. */
  tenant: string | null;
}
