/**
 * Milvus's protobuf messages for the recorder, from the descriptors bundled in @zilliz/milvus2-sdk-node
 * (dist/milvus/proto-json/): the service definition, and decoders for the bytes fields a request
 * carries (a collection schema, a search's placeholder group).
 */
import { createRequire } from 'node:module';
import protobuf from 'protobufjs';
import { parseSparseBytes, type CollectionSchemaObject, type Sparse } from './milvus-fake-collection.js';

const require = createRequire(import.meta.url);
// The descriptors the SDK itself loads (a CommonJS module exporting { default: descriptorJson }).
export const milvusDescriptor = (require('@zilliz/milvus2-sdk-node/dist/milvus/proto-json/milvus.js') as { default: protobuf.INamespace }).default;

export const LOADER_OPTIONS = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true } as const;
const protoRoot = protobuf.Root.fromJSON(milvusDescriptor);
const CollectionSchemaType = protoRoot.lookupType('milvus.proto.schema.CollectionSchema');
const PlaceholderGroupType = protoRoot.lookupType('milvus.proto.common.PlaceholderGroup');

type KeyValue = { key: string; value: string };
/** A decoded request or answer message (proto-loader's plain objects). */
export type AnyRequest = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function decodeCollectionSchema(bytes: Uint8Array): CollectionSchemaObject {
  const message = CollectionSchemaType.decode(bytes);
  return CollectionSchemaType.toObject(message, { enums: String, longs: String, defaults: true, bytes: Buffer }) as CollectionSchemaObject;
}

/** Decodes a search request's placeholder group: the query vectors, float or sparse. */
export function decodePlaceholderGroup(bytes: Uint8Array): Array<{ type: string; vectors: Array<number[] | Sparse> }> {
  const obj = PlaceholderGroupType.toObject(PlaceholderGroupType.decode(bytes), { enums: String, bytes: Buffer }) as {
    placeholders: Array<{ type: string; values: Buffer[] }>;
  };
  return obj.placeholders.map((p) => ({
    type: p.type,
    vectors: p.values.map((b) => {
      if (p.type === 'SparseFloatVector') return parseSparseBytes(b);
      const copy = Buffer.from(b); // aligned copy
      return Array.from(new Float32Array(copy.buffer, copy.byteOffset, copy.byteLength / 4));
    }),
  }));
}

/** Size in bytes of a recorded request as protobuf encodes it on the wire (re-encoded from its decoded form). */
export function encodedSize(method: 'Upsert' | 'Insert' | 'Search' | 'HybridSearch' | 'Query', request: AnyRequest): number {
  const typeName = { Upsert: 'UpsertRequest', Insert: 'InsertRequest', Search: 'SearchRequest', HybridSearch: 'HybridSearchRequest', Query: 'QueryRequest' }[method];
  const type = protoRoot.lookupType(`milvus.proto.milvus.${typeName}`);
  return type.encode(type.fromObject(request)).finish().length;
}

export function keyValues(list: KeyValue[] | undefined): Record<string, string> {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key, kv.value]));
}
