/** The Milvus adapter's public surface. */
export { MilvusStore, openMilvusStore } from './milvus-store.js';
export { milvusConfigFromEnv, resolveMilvusConfig, displayAddress, DEFAULT_MILVUS_COLLECTION } from './config.js';
export type { MilvusConfig, MilvusTlsConfig, DenseIndexKind, KeywordLegChoice } from './config.js';
export type { CollectionLayout, KeywordLeg } from './layout.js';
export { describeKeywordLeg } from './layout.js';
export {
  MilvusConnectionError,
  MilvusAuthError,
  MilvusVersionError,
  MilvusRequestError,
  MilvusNotLoadedError,
  MilvusWriteError,
} from './errors.js';
export { compileMilvusFilter, milvusString } from './compile-filter.js';
