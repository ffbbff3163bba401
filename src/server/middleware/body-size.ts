/**
 * Request bodies over their limit are refused with 413 from the Content-Length header, before a byte of
 * the body is read (and the connection is closed, so the rest is never received). Bodies sent without a
 * length are counted as they stream: `countedBody` fails the read once the limit is passed.
 */
import { Readable, Transform } from 'node:stream';
import type { MiddlewareHandler } from 'hono';
import { TooLargeError } from '../../service/errors.js';
import { errorJson } from '../errors.js';
import type { AppEnv } from '../app-env.js';

export function refuseOversized(limit: number): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const length = c.req.header('content-length');
    if (length !== undefined && Number(length) > limit) {
      return errorJson(c, 413, 'payload_too_large', `the request body is ${length} bytes; the limit here is ${limit}`, {
        hint: 'Send fewer or smaller files per request.',
      }, { Connection: 'close' });
    }
    await next();
  };
}

/** The request body as a Node stream that errors with TooLargeError past `limit` bytes. */
export function countedBody(body: ReadableStream<Uint8Array> | null, limit: number): Readable {
  if (!body) return Readable.from([]);
  let seen = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen > limit) return done(new TooLargeError(`the request body is over the ${limit}-byte limit`, { hint: 'Send fewer or smaller files per request.' }));
      done(null, chunk);
    },
  });
  const source = Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>);
  source.on('error', (e) => counter.destroy(e));
  return source.pipe(counter);
}
