/** The offline StyleAnalyzer: measured colour, light and layout of the references plus their rows. */
export { createLocalStyleAnalyzer, buildBrief, negativesFor, LOCAL_STYLE_ANALYZER_ID } from './local-style-analyzer.js';
export { aggregateStats, referenceWeights, type AggregateStats } from './aggregate.js';
export { productKind, type ProductKind } from '../../../search/product-kind.js';
export { colorName } from './color-names.js';
