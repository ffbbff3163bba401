/**
 * S3Storage's failures: each one provoked for real (s3rver with an unknown access key id (it does not check
 * signatures, so a wrong secret alone is not refused there) or a missing bucket, a
 * closed port, a server that never answers, a server that echoes the request's signature back), mapped to
 * a HitlineError with a hint, and none of them holding the access key id or the secret anywhere.
 */
import { once } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Storage, type S3StorageSettings } from '../../../src/adapters/storage/index.js';
import { HitlineError } from '../../../src/core/errors.js';
import { startS3Server, type S3TestServer } from '../../helpers/s3-server.js';

const ACCESS_KEY_ID = 'AKSECRETIDPROBE123';
const SECRET = 'sEcReT/probe+value-that-must-never-show';

let s3: S3TestServer;
beforeAll(async () => {
  s3 = await startS3Server();
}, 60_000);
afterAll(() => s3?.stop());

function storage(overrides: Partial<S3StorageSettings> = {}): S3Storage {
  return new S3Storage({
    endpoint: s3.endpoint, bucket: s3.bucket, region: s3.region, forcePathStyle: true,
    credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET },
    maxAttempts: 1, ...overrides,
  });
}

async function failure(run: () => Promise<unknown>): Promise<HitlineError> {
  const error = await run().then(() => undefined, (err: unknown) => err);
  expect(error).toBeInstanceOf(HitlineError);
  return error as HitlineError;
}

/** Every text an error exposes: message, hint, stack, the cause chain's messages and stacks, and its JSON. */
function exposedTexts(error: HitlineError): string {
  const texts: string[] = [JSON.stringify(error), String(error), error.hint ?? '', error.stack ?? ''];
  for (let e: unknown = error; e instanceof Error; e = e.cause) texts.push(e.message, e.stack ?? '', JSON.stringify(e));
  return texts.join('\n');
}

function expectNoCredentials(error: HitlineError, keyId = ACCESS_KEY_ID, secret = SECRET): void {
  const texts = exposedTexts(error);
  expect(texts).not.toContain(keyId);
  expect(texts).not.toContain(secret);
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** An HTTP server answering every request with `handler`; closed after the test. */
async function fakeServer(handler: http.RequestListener): Promise<{ endpoint: string; close(): Promise<void> }> {
  const server = http.createServer(handler).listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    endpoint: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

describe('S3Storage', () => {
  it('names itself s3://bucket/prefix, without endpoint or credentials', () => {
    const s = storage({ prefix: '/team/prod/' });
    expect(s.id).toBe(`s3://${s3.bucket}/team/prod`);
    expect(storage().id).toBe(`s3://${s3.bucket}`);
    expect(() => storage({ prefix: 'a/../b' })).toThrow(/storage prefix/);
  });

  it('keeps keys under its prefix: two prefixes in one bucket do not see each other', async () => {
    const good = { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey };
    const a = storage({ credentials: good, prefix: 'tenant-a' });
    const b = storage({ credentials: good, prefix: 'tenant-b' });
    await a.put('x/1.bin', Buffer.from('a'));
    expect(await b.get('x/1.bin')).toBeUndefined();
    const keys: string[] = [];
    for await (const k of a.list('x/')) keys.push(k);
    expect(keys).toEqual(['x/1.bin']);
    await a.delete('x/1.bin');
  });

  it('refuses wrong credentials as access denied, stopping the run, with no credential in the error', async () => {
    const s = storage();
    for (const call of [() => s.put('a/b.bin', Buffer.from('x')), () => s.get('a/b.bin'), () => s.check()]) {
      const error = await failure(call);
      expect(error.message).toMatch(new RegExp(`bucket "${s3.bucket}" at 127\\.0\\.0\\.1:\\d+: access denied`));
      expect(error.hint).toMatch(/HITLINE_S3_ACCESS_KEY_ID/);
      expect(error.stopsRun).toBe('auth');
      expect(error.retryable).toBe(false);
      expectNoCredentials(error);
    }
    const listing = await failure(async () => { for await (const _ of s.list('a/')) void _; });
    expectNoCredentials(listing);
    expect(await failure(() => s.has('a/b.bin'))).toMatchObject({ stopsRun: 'auth' });
  });

  it('says a missing bucket does not exist and how to fix it, from every call (has too)', async () => {
    const s = storage({ bucket: 'no-such-bucket', credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } });
    for (const call of [() => s.put('a.bin', Buffer.from('x')), () => s.get('a.bin'), () => s.has('a.bin'), () => s.check()]) {
      const error = await failure(call);
      expect(error.message).toMatch(/bucket "no-such-bucket" at .*: the bucket does not exist/);
      expect(error.hint).toMatch(/Create the bucket "no-such-bucket", or set HITLINE_S3_BUCKET/);
      expectNoCredentials(error, s3.accessKeyId, s3.secretAccessKey);
    }
  });

  it('reports an unreachable endpoint as retryable, naming host and port only', async () => {
    const port = await closedPort();
    const s = storage({ endpoint: `http://127.0.0.1:${port}` });
    const error = await failure(() => s.put('a.bin', Buffer.from('x')));
    expect(error.message).toBe(`could not write a.bin in the bucket "${s3.bucket}" at 127.0.0.1:${port}: the endpoint cannot be reached (ECONNREFUSED)`);
    expect(error.retryable).toBe(true);
    expect(error.hint).toMatch(/is running and reachable/);
    expectNoCredentials(error);
  });

  it('gives up on a server that never answers after the request timeout, as retryable', async () => {
    const silent = await fakeServer(() => undefined);
    try {
      const s = storage({ endpoint: silent.endpoint, requestTimeoutMs: 300 });
      const started = Date.now();
      const error = await failure(() => s.get('a.bin'));
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(error.message).toMatch(/the request timed out/);
      expect(error.retryable).toBe(true);
      expectNoCredentials(error);
    } finally {
      await silent.close();
    }
  });

  it('scrubs credentials a server echoes back in its error', async () => {
    // Echoes the Authorization header (which holds the access key id) and the secret, as a careless server might.
    const echo = await fakeServer((req, res) => {
      res.writeHead(400, { 'content-type': 'application/xml' });
      res.end(`<?xml version="1.0"?><Error><Code>OddRequest</Code><Message>bad: ${req.headers.authorization} ${SECRET}</Message></Error>`);
    });
    try {
      const error = await failure(() => storage({ endpoint: echo.endpoint }).put('a.bin', Buffer.from('x')));
      expect(error.message).toMatch(/OddRequest \(HTTP 400\): bad: .*\[redacted\]/);
      expectNoCredentials(error);
    } finally {
      await echo.close();
    }
  });

  it('reports a wrong secret (SignatureDoesNotMatch, as AWS and MinIO answer it) as access denied, without the key id it echoes', async () => {
    const strict = await fakeServer((req, res) => {
      const keyId = /Credential=([^/]+)/.exec(req.headers.authorization ?? '')?.[1] ?? '';
      res.writeHead(403, { 'content-type': 'application/xml' });
      res.end(`<?xml version="1.0"?><Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided.</Message><AWSAccessKeyId>${keyId}</AWSAccessKeyId></Error>`);
    });
    try {
      const error = await failure(() => storage({ endpoint: strict.endpoint }).put('a.bin', Buffer.from('x')));
      expect(error.message).toMatch(/access denied \(SignatureDoesNotMatch\)/);
      expect(error.stopsRun).toBe('auth');
      expectNoCredentials(error);
    } finally {
      await strict.close();
    }
  });

  it('retries a 503 and reports it as retryable when it persists', async () => {
    let calls = 0;
    const busy = await fakeServer((_req, res) => {
      calls++;
      res.writeHead(503, { 'content-type': 'application/xml' });
      res.end('<?xml version="1.0"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>');
    });
    try {
      const error = await failure(() => storage({ endpoint: busy.endpoint, maxAttempts: 2 }).put('a.bin', Buffer.from('x')));
      expect(error.message).toMatch(/busy or failing \(SlowDown, HTTP 503\)/);
      expect(error.retryable).toBe(true);
      expect(calls).toBe(2);
    } finally {
      await busy.close();
    }
  });
});
