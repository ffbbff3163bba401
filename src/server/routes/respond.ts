/**
 * Responses go out through the route's own zod schema: what is sent is checked against what the OpenAPI
 * document promises, and any field the schema does not name (a server path, a secret) is dropped. The data
 * is type-checked against the schema's input type; the Response is typed `never` so a handler with several
 * answers (201 or 200, a run or a plan) needs no casts to satisfy the route's typed responses.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { z } from '@hono/zod-openapi';
import { sniffImageFormat } from '../../catalog/image-format.js';
import { notFound } from '../../service/errors.js';

export function send<S extends z.ZodType>(c: Context, schema: S, data: z.input<S>, status: ContentfulStatusCode = 200): never {
  return c.json(schema.parse(data) as z.output<S>, status) as never;
}

const IMAGE_TYPES = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp' } as const;

/** Streams an image file found by id; its content type comes from its bytes, never from its name. */
export async function sendImage(c: Context, absFile: string, downloadName?: string) {
  let head: Buffer;
  try {
    const handle = await open(absFile, 'r');
    try {
      head = Buffer.alloc(32);
      await handle.read(head, 0, 32, 0);
    } finally {
      await handle.close();
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw notFound('the image file');
    throw e;
  }
  const sniffed = sniffImageFormat(head);
  c.header('Content-Type', sniffed.kind === 'supported' ? IMAGE_TYPES[sniffed.format] : 'application/octet-stream');
  c.header('Cache-Control', 'private, max-age=300');
  if (downloadName) c.header('Content-Disposition', `attachment; filename="${downloadName.replace(/[^A-Za-z0-9._-]/g, '_')}"`);
  return c.body(Readable.toWeb(createReadStream(absFile)) as ReadableStream) as never;
}
