/**
 * The local embedder must work with no network: the model comes from node_modules, never from a URL.
 * Runs in its own file (own process) so the model and wasm backend are loaded here, under the trap.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLocalEmbedder } from '../../../../src/adapters/local/embedder/index.js';
import { dressSvg, jpeg, norm } from './drawn-products.js';

describe('local embedder offline', () => {
  const fetchCalls: string[] = [];
  beforeAll(() => {
    vi.stubGlobal('fetch', (input: unknown) => {
      fetchCalls.push(String(input));
      return Promise.reject(new Error('network access is not allowed in this test'));
    });
  });
  afterAll(() => vi.unstubAllGlobals());

  it('loads its model and embeds without calling fetch', async () => {
    const embedder = createLocalEmbedder();
    const [v] = await embedder.embedImages([await jpeg(dressSvg('#2e86c1'))]);
    expect(norm(v)).toBeCloseTo(1, 5);
    expect(fetchCalls).toEqual([]);
    await embedder.close();
  });
});
