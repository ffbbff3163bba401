/** The embedded LanceDB VectorStore adapter. */
export { LanceDbStore, openLanceDbStore, type LanceDbStoreOptions, type LanceLegQuery } from './lancedb-store.js';
export { compileFilter } from './compile-filter.js';
export { ANN_MIN_ROWS } from './ann-index.js';
export { LanceDbStoreError } from './errors.js';
