/** The StyleAnalyzer contract (test/contract/style-analyzer.contract.ts) against the offline, measuring analyzer. */
import { createLocalStyleAnalyzer } from '../../../src/adapters/local/analyzer/index.js';
import { styleAnalyzerContract } from '../../contract/style-analyzer.contract.js';

styleAnalyzerContract('local analyzer', async () => ({ analyzer: createLocalStyleAnalyzer() }));
