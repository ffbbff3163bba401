/**
 * The ImageGenerator contract (test/contract/image-generator.contract.ts) against the offline compositor.
 * Sizes are sampled, not all 56 pairs (a 4K frame takes seconds): every tier at least once, the square,
 * portrait and landscape shapes and both extremes.
 */
import { createLocalCompositor } from '../../../src/adapters/local/generator/index.js';
import { imageGeneratorContract } from '../../contract/image-generator.contract.js';
import { UNREADABLE_IMAGE } from '../../contract/fixtures.js';

imageGeneratorContract(
  'local compositor',
  async () => ({
    generator: createLocalCompositor(),
    sizes: [['1:1', '0.5K'], ['9:16', '0.5K'], ['21:9', '0.5K'], ['1:8', '0.5K'], ['3:4', '1K'], ['4:5', '2K'], ['8:1', '4K']],
    // The compositor stops at the first reference it can use, so only unreadable ones show how many it takes.
    referenceLookedPast: UNREADABLE_IMAGE,
  }),
  {
    skips: [
      {
        test: "throws the port's retryable NoImageGeneratedError when it makes no image",
        reason: 'it always makes an image: an unreliable cut-out becomes a framed card, an unusable reference a plain backdrop',
      },
    ],
  },
);
