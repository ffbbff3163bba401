/**
 * Failures become clear HitlineErrors that name the Milvus address and never the token or password:
 * a closed port, UNAVAILABLE from the server, refused credentials, an old server version, failed
 * statuses, a missing database, unreadable TLS files. Each says whether another attempt can succeed
 * (`retryable`, which the batch reads to retry a product) and the hint says so too.
 */
import * as grpc from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  MilvusAuthError,
  MilvusConnectionError,
  MilvusRequestError,
  MilvusStore,
  MilvusVersionError,
  MilvusWriteError,
  type MilvusConfig,
} from '../../../src/adapters/milvus/index.js';
import { statusError, toMilvusError } from '../../../src/adapters/milvus/errors.js';
import { resolveMilvusConfig } from '../../../src/adapters/milvus/config.js';
import { HitlineError, UserInputError } from '../../../src/core/errors.js';
import { MilvusRecorder } from '../../fakes/milvus-recorder.js';

const EMBEDDER = { embedderId: 'test/errors@1', dimension: 4 };
const TOKEN = 'tok-very-secret-7731';
const PASSWORD = 'pw-very-secret-9917';

let recorder: MilvusRecorder;
let n = 0;
const stores: MilvusStore[] = [];

beforeAll(async () => {
  recorder = await MilvusRecorder.start();
});
afterEach(async () => {
  recorder.requireToken = undefined;
  recorder.version = 'v2.5.4';
  for (const s of stores.splice(0)) await s.close();
});
afterAll(async () => {
  await recorder.stop();
});

function store(extra: Partial<MilvusConfig> = {}): MilvusStore {
  const s = new MilvusStore({ address: recorder.address, token: TOKEN, collection: `errors_${++n}`, ...extra });
  stores.push(s);
  return s;
}

async function failure(p: Promise<unknown>): Promise<HitlineError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(HitlineError);
  return err as HitlineError;
}

/** No secret in any form the client might have echoed (plain, or base64 as in the auth header). */
function expectNoSecrets(err: HitlineError): void {
  const text = `${err.message}\n${err.hint ?? ''}`;
  for (const secret of [TOKEN, PASSWORD, `bob:${PASSWORD}`]) {
    expect(text).not.toContain(secret);
    expect(text).not.toContain(Buffer.from(secret).toString('base64'));
  }
}

describe('connection failures', () => {
  it('a closed port is a MilvusConnectionError naming the address, with a hint', async () => {
    const s = new MilvusStore({ address: '127.0.0.1:1', token: TOKEN });
    stores.push(s);
    const err = await failure(s.open(EMBEDDER));
    expect(err).toBeInstanceOf(MilvusConnectionError);
    expect(err.message).toContain('127.0.0.1:1');
    expect(err.hint).toMatch(/MILVUS_ADDRESS/);
    expectNoSecrets(err);
  });

  it('UNAVAILABLE from the server on connect is a MilvusConnectionError', async () => {
    recorder.failNext('Connect', { grpc: { code: grpc.status.UNAVAILABLE, details: 'connection reset by peer' } });
    const err = await failure(store().open(EMBEDDER));
    expect(err).toBeInstanceOf(MilvusConnectionError);
    expect(err.message).toContain(recorder.address);
    expect(err.message).toContain('connection reset by peer');
    expectNoSecrets(err);
  });

  it('a later call that cannot reach the server names the address too', async () => {
    const s = store();
    await s.open(EMBEDDER);
    recorder.failNext('Query', { grpc: { code: grpc.status.UNAVAILABLE, details: 'server shutting down' } });
    const err = await failure(s.count());
    expect(err).toBeInstanceOf(MilvusConnectionError);
    expect(err.message).toContain(recorder.address);
    expect(err.message).toMatch(/counting products/);
    expectNoSecrets(err);
  });

  it('an address with user-info is shown without it', async () => {
    const s = new MilvusStore({ address: `https://bob:${PASSWORD}@127.0.0.1:1`, username: 'bob', password: PASSWORD });
    stores.push(s);
    const err = await failure(s.open(EMBEDDER));
    expect(err.message).toContain('https://127.0.0.1:1');
    expectNoSecrets(err);
  });
});

describe('credentials', () => {
  it('a wrong token is a MilvusAuthError that names the address but not the token', async () => {
    recorder.requireToken = 'the-right-token';
    const err = await failure(store().open(EMBEDDER));
    expect(err).toBeInstanceOf(MilvusAuthError);
    expect(err.message).toContain(recorder.address);
    expect(err.hint).toMatch(/MILVUS_TOKEN/);
    expectNoSecrets(err);
  });

  it('a wrong username/password is a MilvusAuthError without the password', async () => {
    recorder.requireToken = 'bob:the-right-password';
    const err = await failure(store({ token: undefined, username: 'bob', password: PASSWORD }).open(EMBEDDER));
    expect(err).toBeInstanceOf(MilvusAuthError);
    expectNoSecrets(err);
  });

  it('sends username:password as the token when no token is given', async () => {
    recorder.requireToken = `bob:${PASSWORD}`;
    await store({ token: undefined, username: 'bob', password: PASSWORD }).open(EMBEDDER);
    expect(recorder.calls.at(-1)?.metadata.authorization).toBe(Buffer.from(`bob:${PASSWORD}`).toString('base64'));
  });
});

describe('server answers', () => {
  it('refuses a server older than 2.4, saying which version it found', async () => {
    recorder.version = 'v2.3.17';
    const err = await failure(store().open(EMBEDDER));
    expect(err).toBeInstanceOf(MilvusVersionError);
    expect(err.message).toContain('2.3.17');
    expect(err.message).toContain('2.4');
    expect(err.message).toContain(recorder.address);
  });

  it('a failed status on a query is a MilvusRequestError with the reason, secrets scrubbed', async () => {
    const s = store();
    await s.open(EMBEDDER);
    recorder.failNext('Query', { status: { code: 65535, error_code: 'UnexpectedError', reason: `quota exceeded for token ${TOKEN}` } });
    const err = await failure(s.count());
    expect(err).toBeInstanceOf(MilvusRequestError);
    expect(err.message).toContain('quota exceeded for token ***');
    expect(err.message).toContain(recorder.address);
    expectNoSecrets(err);
  });

  it('a missing database says so and points at MILVUS_DATABASE', async () => {
    recorder.failNext('DescribeCollection', { status: { code: 800, error_code: 'UnexpectedError', reason: 'database not found[database=shop]' } });
    const err = await failure(store({ database: 'shop' }).open(EMBEDDER));
    expect(err).toBeInstanceOf(MilvusRequestError);
    expect(err.message).toContain('database not found');
    expect(err.hint).toMatch(/MILVUS_DATABASE/);
  });

  it('a failed index creation stops open with the index named', async () => {
    recorder.failNext('CreateIndex', { status: { code: 1100, error_code: 'IllegalArgument', reason: 'invalid index params' } });
    const err = await failure(store().open(EMBEDDER));
    expect(err).toBeInstanceOf(MilvusRequestError);
    expect(err.message).toMatch(/HNSW index on "dense".*invalid index params/);
  });

  it('a rate-limited flush does not fail optimize', async () => {
    const s = store();
    await s.open(EMBEDDER);
    recorder.failNext('Flush', { status: { code: 8, error_code: 'RateLimit', reason: 'rate limit exceeded[rate=0.1]' } });
    await expect(s.optimize()).resolves.toBeUndefined();
  });

  it('a collection Milvus reports not loaded is loaded and the read asked once more', async () => {
    const s = store();
    await s.open(EMBEDDER);
    await s.upsert([{ id: 'a', category: 'c', color: 'r', style: 's', season: 'w', salesCount: 1, price: null, description: '', imagePath: '/a.jpg', imageHash: 'h', attributes: {}, keywords: 'a', vector: Float32Array.from([1, 0, 0, 0]) }]);
    const c = recorder.collections.get(s.collectionName)!;
    c.loaded = false;
    recorder.failNext('Search', { status: { code: 101, error_code: 'UnexpectedError', reason: `collection not loaded[collection=${c.name}]` } });
    const mark = recorder.calls.length;
    expect((await s.denseSearch(Float32Array.from([1, 0, 0, 0]), { filter: [], limit: 1 })).map((h) => h.id)).toEqual(['a']);
    const methods = recorder.calls.slice(mark).map((call) => call.method);
    expect(methods.filter((m) => m === 'Search')).toHaveLength(2);
    expect(methods).toContain('LoadCollection');
    // A second refusal in a row is not retried again: the caller gets it, retryable.
    recorder.failNext('Query', { status: { code: 101, error_code: 'UnexpectedError', reason: 'collection not loaded' } }, { times: 2 });
    const err = await failure(s.count());
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/has not loaded the collection/);
  });

  it('no answer within the deadline says so, with the deadline, and is retryable', () => {
    const config = resolveMilvusConfig({ address: 'milvus.example:19530', timeoutMs: 2500 });
    const err = toMilvusError({ code: grpc.status.DEADLINE_EXCEEDED, details: 'Deadline exceeded after 2.501s' }, config, 'upserting 8 products');
    expect(err).toBeInstanceOf(MilvusConnectionError);
    expect(err.message).toBe('Milvus at milvus.example:19530 did not answer within 2.5 s while upserting 8 products (Deadline exceeded after 2.501s)');
    expect(err.retryable).toBe(true);
    expect(err.hint).toMatch(/too slow to answer.*MILVUS_TIMEOUT_MS/);
  });

  it('using the store before open is a HitlineError, not a crash', async () => {
    await expect(store().count()).rejects.toThrow(/not open/);
  });
});

describe('configuration mistakes', () => {
  it('an unreadable TLS file is named with its setting', async () => {
    const err = await failure(store({ tls: { rootCertPath: '/nonexistent/ca.pem' } }).open(EMBEDDER));
    expect(err).toBeInstanceOf(UserInputError);
    expect(err.message).toContain('/nonexistent/ca.pem');
    expect(err.message).toContain('MILVUS_TLS_CA');
  });

  it('an invalid collection name is refused before connecting', () => {
    expect(() => new MilvusStore({ address: recorder.address, collection: 'bad-name; drop' })).toThrow(UserInputError);
  });
});

describe('what another attempt can fix', () => {
  const config = resolveMilvusConfig({ address: 'milvus.example:19530', token: TOKEN });

  it('unavailable, a deadline exceeded and a refused connection are retryable, like a 503, and the hint says so', async () => {
    const cases: unknown[] = [
      { code: grpc.status.UNAVAILABLE, details: 'connection reset by peer' },
      { code: grpc.status.DEADLINE_EXCEEDED, details: 'Deadline exceeded after 30.001s' },
      { code: grpc.status.RESOURCE_EXHAUSTED, details: 'too many requests' },
      new Error('connect ECONNREFUSED 127.0.0.1:19530'),
    ];
    for (const err of cases) {
      const mapped = toMilvusError(err, config, 'running the hybrid search');
      expect(mapped.retryable, JSON.stringify(err)).toBe(true);
      expect(mapped.hint).toMatch(/another attempt can succeed/);
      expect(mapped.stopsRun).toBeUndefined();
    }
    // Through the real SDK: a closed port, and the server going away mid-session.
    const closed = new MilvusStore({ address: '127.0.0.1:1', token: TOKEN });
    stores.push(closed);
    expect((await failure(closed.open(EMBEDDER))).retryable).toBe(true);
    const s = store();
    await s.open(EMBEDDER);
    recorder.failNext('Search', { grpc: { code: grpc.status.UNAVAILABLE, details: 'server shutting down' } });
    const err = await failure(s.denseSearch(Float32Array.from([1, 0, 0, 0]), { filter: [], limit: 2 }));
    expect(err).toBeInstanceOf(MilvusConnectionError);
    expect(err.retryable).toBe(true);
  });

  it('a server that is not ready, restarting or rate-limiting answers with a retryable status', async () => {
    const statuses = [
      { code: 1, error_code: 'UnexpectedError', reason: 'service not ready[standalone=1]' },
      { code: 2, reason: 'service unavailable: proxy is restarting' },
      { code: 0, error_code: 'NotReadyServe', reason: 'proxy not healthy' },
      { code: 8, error_code: 'RateLimit', reason: 'rate limit exceeded[rate=0.1]' },
      { code: 65535, reason: 'collection on recovering', retriable: true },
    ];
    for (const status of statuses) {
      const err = statusError(status, config, 'counting products');
      expect(err.retryable, status.reason).toBe(true);
      expect(err.hint).toMatch(/busy, loading or restarting/);
    }
    const s = store();
    await s.open(EMBEDDER);
    recorder.failNext('Query', { status: { code: 1, error_code: 'UnexpectedError', reason: 'service not ready' } });
    const err = await failure(s.count());
    expect(err.retryable).toBe(true);
    expect(err.message).toContain(recorder.address);
  });

  it('refused credentials are not retryable and stop a run; a bad request or an unknown host is not retryable', async () => {
    recorder.requireToken = 'the-right-token';
    const auth = await failure(store().open(EMBEDDER));
    expect(auth).toBeInstanceOf(MilvusAuthError);
    expect(auth.retryable).toBe(false);
    expect(auth.stopsRun).toBe('auth');
    expect(auth.hint).toMatch(/^Trying again will not help/);
    recorder.requireToken = undefined;

    const bad = statusError({ code: 1100, error_code: 'IllegalArgument', reason: 'invalid parameter[expected=topk][actual=20000]' }, config, 'searching');
    expect(bad).toBeInstanceOf(MilvusRequestError);
    expect(bad.retryable).toBe(false);
    expect(bad.hint).toMatch(/trying again will not help/);
    const dns = toMilvusError({ code: grpc.status.UNAVAILABLE, details: 'Name resolution failed for target dns:milvus.example:19530' }, config, 'connecting');
    expect(dns).toBeInstanceOf(MilvusConnectionError);
    expect(dns.retryable).toBe(false);
    expect(dns.hint).toMatch(/MILVUS_ADDRESS/);
  });

  it('a failed upsert batch is retryable when its cause is', async () => {
    const s = store();
    await s.open(EMBEDDER);
    const row = { id: 'a', category: 'c', color: 'r', style: 's', season: 'w', salesCount: 1, price: null, description: '', imagePath: '/a.jpg', imageHash: 'h', attributes: {}, keywords: 'a', vector: Float32Array.from([1, 0, 0, 0]) };
    recorder.failNext('Upsert', { grpc: { code: grpc.status.UNAVAILABLE, details: 'connection reset by peer' } });
    const transient = await failure(s.upsert([row]));
    expect(transient).toBeInstanceOf(MilvusWriteError);
    expect(transient.retryable).toBe(true);
    recorder.failNext('Upsert', { status: { code: 1100, error_code: 'IllegalArgument', reason: 'field dense: dim mismatch' } });
    const refused = await failure(s.upsert([row]));
    expect(refused).toBeInstanceOf(MilvusWriteError);
    expect(refused.retryable).toBe(false);
  });
});
