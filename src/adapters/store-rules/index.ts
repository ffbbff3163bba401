/** The rules both VectorStore adapters enforce on rows and query arguments (LanceDB and Milvus import only this). */
export { ATTRIBUTES_MAX_JSON_BYTES, MAX_DIMENSION, MAX_HITS, TEXT_MAX_BYTES, type TextField } from './limits.js';
export { checkRows, storedProductSchema } from './row-schema.js';
export {
  asksForNothing,
  checkBatchSize,
  checkDenseQuery,
  checkEmbedderInfo,
  checkFilter,
  checkHybridQuery,
  checkIds,
  checkKeywordQuery,
  checkTerms,
} from './query-schema.js';
