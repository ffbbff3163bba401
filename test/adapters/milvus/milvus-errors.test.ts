/**
 * Failures become clear HitlineErrors that name the Milvus address and never the token or password:
 * a closed port, UNAVAILABLE from the server, refused credentials, an old server version, failed
 * statuses, a missing database, unreadable TLS files.
 */
import * as grpc from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  MilvusAuthError,
  MilvusConnectionError,
  MilvusRequestError,
  MilvusStore,
  MilvusVersionError,
  type MilvusConfig,
} from '../../../src/adapters/milvus/index.js';
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
