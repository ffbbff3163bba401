/** The Embedder contract (test/contract/embedder.contract.ts) against the offline embedder: default recipe, the model-free one, and the default on a pool of worker threads. */
import { createLocalEmbedder, DEFAULT_LOCAL_RECIPE } from '../../../../src/adapters/local/embedder/index.js';
import { embedderContract } from '../../../contract/embedder.contract.js';

for (const recipe of [DEFAULT_LOCAL_RECIPE, 'histogram'] as const) {
  embedderContract(`local embedder, recipe ${recipe}`, async () => ({ embedder: createLocalEmbedder({ recipe }) }), {
    skips: [
      { test: 'makes no backend call for no input', reason: 'it runs in this process: there is no backend call to count' },
      { test: 'embeds text into the same space when it declares text support', reason: 'no text model offline (supportsText false): the keyword leg carries text search' },
    ],
  });
}

embedderContract(`local embedder on 2 worker threads, recipe ${DEFAULT_LOCAL_RECIPE}`, async () => ({ embedder: createLocalEmbedder({ threads: 2 }) }), {
  skips: [
    { test: 'makes no backend call for no input', reason: 'it runs on this machine: there is no backend call to count' },
    { test: 'embeds text into the same space when it declares text support', reason: 'no text model offline (supportsText false): the keyword leg carries text search' },
  ],
});
