/**
 * Receiving an upload as it streams: multipart/form-data (busboy) with a `table` part (the CSV), `images`
 * parts (each file name is the image_path the CSV uses) or one `archive` part (a zip), or a bare zip body
 * (application/zip). Every file goes straight to disk in the upload draft; nothing is buffered whole.
 * The request's Content-Type only chooses the parser: a zip is recognised by its content.
 */
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import { UserInputError } from '../../core/errors.js';
import { TooLargeError } from '../../service/errors.js';
import type { Workspace } from '../../pipeline/workspace.js';
import { UploadDraft, type UploadKind, type UploadLimits, type UploadRecord } from '../../service/uploads/uploads.js';
import { countedBody } from '../middleware/body-size.js';
import { UnsupportedMediaError } from '../errors.js';
import { unpackZipInto } from '../../service/uploads/zip-upload.js';

/** Streams a request into a new upload of `kind` and reads its table; a refused upload leaves nothing behind. */
export async function uploadFromRequest(req: Request, ws: Workspace, kind: UploadKind, o: { requestBytes: number; limits: UploadLimits; actor: string }): Promise<UploadRecord> {
  const draft = await UploadDraft.create(ws, kind, o.limits);
  try {
    await receiveUpload(req.headers.get('content-type') ?? undefined, countedBody(req.body, o.requestBytes), draft, o.limits);
    return await draft.finish(o.actor);
  } catch (e) {
    await draft.discard();
    throw e;
  }
}

export async function receiveUpload(contentType: string | undefined, body: Readable, draft: UploadDraft, limits: UploadLimits): Promise<void> {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/zip' || type === 'application/x-zip-compressed') return receiveZip(body, draft, limits);
  if (type !== 'multipart/form-data') {
    body.resume();
    throw new UnsupportedMediaError(`an upload must be multipart/form-data or application/zip, not "${type || 'nothing'}"`, {
      hint: 'Send the CSV as the "table" part and the images as "images" parts, or one zip.',
    });
  }
  await forEachFilePart(contentType!, body, limits, async (part) => {
    if (part.field === 'table' || part.field === 'images') await draft.addFile(part.stream, part.name, part.field === 'table');
    else if (part.field === 'archive') await receiveZip(part.stream, draft, limits);
    else throw new UserInputError(`unexpected form part "${part.field}"`, { hint: 'Use "table", "images" or "archive".' });
  });
}

async function receiveZip(source: Readable, draft: UploadDraft, limits: UploadLimits): Promise<void> {
  const file = draft.scratchFile('archive.zip');
  try {
    await pipeline(source, createWriteStream(file));
    await unpackZipInto(file, draft, limits);
  } finally {
    await rm(file, { force: true });
  }
}

export interface FilePart {
  field: string;
  /** The client's file name (never used as a path as it is). */
  name: string;
  stream: Readable;
}

/**
 * Calls `onFile` for each file part, one after another, and collects the plain fields. File names keep
 * their folders (busboy's preservePath): upload-names.ts checks them, rather than busboy silently cutting
 * `images/dress.jpg` down to `dress.jpg`. The first error
 * (a refused name, a limit passed) stops reading the request and is what this rejects with.
 */
export function forEachFilePart(contentType: string, body: Readable, limits: Pick<UploadLimits, 'maxFiles' | 'maxFileBytes'>, onFile: (part: FilePart) => Promise<void>): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: { 'content-type': contentType }, preservePath: true, limits: { files: limits.maxFiles, fileSize: limits.maxFileBytes, fields: 50, fieldSize: 64 * 1024, parts: limits.maxFiles + 50 } });
    } catch (e) {
      body.resume();
      return reject(new UserInputError(`the multipart body cannot be read: ${(e as Error).message}`, { hint: 'Send multipart/form-data with its boundary.' }));
    }
    const fields: Record<string, string> = {};
    let failed: unknown;
    let chain = Promise.resolve();
    const fail = (e: unknown) => {
      if (failed) return;
      failed = e;
      body.unpipe(parser);
      body.destroy();
      reject(e);
    };
    parser.on('file', (field, stream, info) => {
      if (failed) return void stream.resume();
      // A file stream that errors before its turn must not go unheard (an unheard 'error' ends the process).
      stream.on('error', fail);
      stream.on('limit', () => {
        fail(new TooLargeError(`"${info.filename}" is over the ${limits.maxFileBytes}-byte limit per file`, { hint: 'Downscale or re-export it.' }));
        stream.resume();
      });
      chain = chain
        .then(async () => {
          if (failed) stream.resume();
          else await onFile({ field, name: info.filename ?? '', stream });
        })
        .catch(fail);
    });
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) return fail(new TooLargeError(`form field "${name}" is too long`));
      fields[name] = value;
    });
    parser.on('filesLimit', () => fail(new TooLargeError(`the request has more than ${limits.maxFiles} files`, { hint: 'Split the catalog into several uploads.' })));
    parser.on('partsLimit', () => fail(new TooLargeError('the request has too many parts')));
    parser.on('fieldsLimit', () => fail(new TooLargeError('the request has too many form fields')));
    parser.on('error', (e) => fail(new UserInputError(`the multipart body cannot be read: ${(e as Error).message}`)));
    parser.on('close', () => void chain.then(() => !failed && resolve(fields), fail));
    body.on('error', fail);
    body.pipe(parser);
  });
}
