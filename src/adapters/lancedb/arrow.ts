/**
 * apache-arrow as LanceDB sees it. LanceDB is CommonJS and checks `instanceof` against the CommonJS
 * build of apache-arrow; the ESM build that `import 'apache-arrow'` gives us has different classes, so
 * tables built from it are rejected ("Table and inner RecordBatch schemas must be equivalent").
 */
import { createRequire } from 'node:module';

export type Arrow = typeof import('apache-arrow');
export const arrow: Arrow = createRequire(import.meta.url)('apache-arrow');
