/**
 * The gRPC recorder for the wire tests: started once per test file, a fresh collection per store, the
 * stores closed after each test, and the decoded requests one collection received.
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import { MilvusStore, type MilvusConfig } from '../../../src/adapters/milvus/index.js';
import type { EmbedderInfo, StoredProduct } from '../../../src/ports/vector-store.js';
import { MilvusRecorder } from '../../fakes/milvus-recorder.js';

export const EMBEDDER: EmbedderInfo = { embedderId: 'test/wire@1', dimension: 4 };
export const TOKEN = 'tok-secret-4242';

export interface WireHarness {
  readonly recorder: MilvusRecorder;
  config(extra?: Partial<MilvusConfig>): MilvusConfig;
  /** A store on a new collection, opened, closed after the test. */
  openStore(extra?: Partial<MilvusConfig>, embedder?: EmbedderInfo): Promise<MilvusStore>;
  /** Store objects the test made itself, to be closed after it. */
  track(store: MilvusStore): MilvusStore;
  /** Decoded requests of `method` to one collection since call number `from`. */
  callsFor(collection: string, method: string, from?: number): Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** A name for a new collection. */
  nextName(prefix: string): string;
}

/** Registers the recorder's hooks in the calling test file. */
export function wireHarness(): WireHarness {
  let recorder: MilvusRecorder | undefined;
  let n = 0;
  const open: MilvusStore[] = [];
  beforeAll(async () => {
    recorder = await MilvusRecorder.start();
  });
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
  });
  afterAll(async () => {
    await recorder?.stop();
  });
  const harness: WireHarness = {
    get recorder() {
      if (!recorder) throw new Error('the recorder starts in beforeAll');
      return recorder;
    },
    config: (extra = {}) => ({ address: harness.recorder.address, token: TOKEN, collection: harness.nextName('wire'), ...extra }),
    async openStore(extra = {}, embedder = EMBEDDER) {
      const store = harness.track(new MilvusStore(harness.config(extra)));
      await store.open(embedder);
      return store;
    },
    track(store) {
      open.push(store);
      return store;
    },
    callsFor: (collection, method, from = 0) =>
      harness.recorder.calls.slice(from).filter((c) => c.method === method && c.request.collection_name === collection).map((c) => c.request),
    nextName: (prefix) => `${prefix}_${++n}`,
  };
  return harness;
}

export function product(id: string, fields: Partial<StoredProduct> = {}): StoredProduct {
  return {
    id,
    category: 'dress',
    color: 'red',
    style: 'casual',
    season: 'summer',
    salesCount: 100,
    price: 19.99,
    description: 'a red dress',
    imagePath: `/images/${id}.jpg`,
    imageHash: `hash-${id}`,
    attributes: {},
    keywords: 'red dress',
    vector: Float32Array.from([1, 0, 0, 0]),
    ...fields,
  };
}
