/**
 * The port contracts (test/contract/) against the OpenRouter adapters, all talking to one fake OpenRouter
 * (no network). The fake answers embeddings in reverse order (the adapter must place them by index), holds
 * a request when asked (so an abort lands mid-call) and refuses or mangles an answer when a fault is queued.
 */
import { afterAll, beforeAll } from 'vitest';
import { createOpenRouterEmbedder } from '../../../src/adapters/openrouter/embedder.js';
import { createOpenRouterImageGenerator } from '../../../src/adapters/openrouter/image-generator.js';
import { OPENROUTER_MODELS } from '../../../src/adapters/openrouter/models.js';
import { createOpenRouterStyleAnalyzer } from '../../../src/adapters/openrouter/style-analyzer.js';
import { createOpenRouterVisionChecker } from '../../../src/adapters/openrouter/vision-checker.js';
import type { HoldNextCall } from '../../contract/contract-kit.js';
import { embedderContract } from '../../contract/embedder.contract.js';
import { distinctPhotos } from '../../contract/fixtures.js';
import { imageGeneratorContract } from '../../contract/image-generator.contract.js';
import { styleAnalyzerContract } from '../../contract/style-analyzer.contract.js';
import { visionCheckerContract } from '../../contract/vision-checker.contract.js';
import { startOpenRouterFake, type FakeEndpoint, type OpenRouterFake } from '../../fakes/openrouter-fake.js';
import { TEST_KEY, testClient } from './helpers.js';

let fake: OpenRouterFake;
beforeAll(async () => {
  fake = await startOpenRouterFake({ apiKey: TEST_KEY, reverseEmbeddings: true });
});
afterAll(() => fake.stop());

/** The fake hangs on the next request to `endpoint`; resolves once that request has arrived. */
const holdNext =
  (endpoint: FakeEndpoint): HoldNextCall =>
  () => {
    fake.enqueue(endpoint, { kind: 'hang' });
    return fake.nextRequest(endpoint).then(() => undefined);
  };

const NO_STAGED_MODE = { test: 'staged mode makes exactly width × height and says where the product is', reason: 'a model draws the whole picture: no staged mode of its own (the pipeline stages with two generate calls)' } as const;

embedderContract('openrouter embedder (fake)', async () => ({
  embedder: createOpenRouterEmbedder({ client: testClient(fake).client, batchSize: 2 }),
  batchSize: 2,
  backendCalls: () => fake.requestsTo('embeddings').length,
  holdNextCall: holdNext('embeddings'),
}));

styleAnalyzerContract('openrouter analyzer (fake)', async () => ({
  analyzer: createOpenRouterStyleAnalyzer({ client: testClient(fake).client }),
  holdNextCall: holdNext('chat'),
}));

for (const model of [OPENROUTER_MODELS.nanoBanana2, OPENROUTER_MODELS.nanoBananaPro]) {
  imageGeneratorContract(
    `openrouter generator ${model} (fake)`,
    async () => ({
      generator: createOpenRouterImageGenerator({ client: testClient(fake).client, model }),
      referenceLookedPast: (await distinctPhotos(1))[0],
      arrangeNoImage: () => fake.enqueue('chat', { kind: 'no-image', text: 'I cannot draw that.' }),
      holdNextCall: holdNext('chat'),
    }),
    { skips: [NO_STAGED_MODE] },
  );
}

visionCheckerContract('openrouter vision checker (fake)', async () => ({
  checker: createOpenRouterVisionChecker({ client: testClient(fake).client }),
  // The first answer and the one repair request's answer.
  arrangeUnusableAnswer: () => fake.enqueue('chat', { kind: 'text', content: 'Looks fine to me!' }, { kind: 'text', content: 'Still fine!' }),
  holdNextCall: holdNext('chat'),
}));
