/**
 * Uploaded tables with their images, kept in the tenant's workspace at `uploads/<id>/`:
 *
 *   upload.json   what was uploaded, by whom, and what the catalog reader made of it (rows, problems)
 *   files/        the files under their checked relative names (upload-names.ts); the CSV among them
 *
 * A draft is filled file by file as the request streams in (nothing is held in memory), with limits on the
 * number of files, each file's size and the total; then `finish` reads the table with exactly the CLI's
 * reader (bad rows come back with row and column, good rows are kept) and makes the upload visible.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { UserInputError, type RowProblem } from '../../core/errors.js';
import { readHitCatalog, readNewProducts } from '../../catalog/read-catalog.js';
import type { Workspace } from '../../pipeline/workspace.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { TooLargeError, notFound } from '../errors.js';
import { insideFolder, uploadRelativePath } from './upload-names.js';

export type UploadKind = 'catalog' | 'new-products';

export interface UploadLimits {
  /** Files in one upload (the CSV included). */
  maxFiles: number;
  /** Bytes of one file (after unzipping). */
  maxFileBytes: number;
  /** Bytes of all files together (after unzipping). */
  maxTotalBytes: number;
}

export const DEFAULT_UPLOAD_LIMITS: UploadLimits = { maxFiles: 20_000, maxFileBytes: 40 * 1024 * 1024, maxTotalBytes: 2 * 1024 ** 3 };

export interface UploadRecord {
  id: string;
  kind: UploadKind;
  createdAt: string;
  /** The key prefix of who uploaded it. */
  actor: string;
  /** The CSV's name as the client gave it (what problems name). */
  csvName: string;
  /** Relative to the upload folder. */
  csvFile: string;
  imagesDir: string;
  files: number;
  bytes: number;
  /** Rows the reader accepted, in order (their ids). */
  ids: string[];
  problems: RowProblem[];
}

const UPLOAD_ID = /^u-\d{8}-\d{6}-[0-9a-f]{8}$/;

export function uploadsDir(ws: Workspace): string {
  return path.join(ws.root, 'uploads');
}

/** An upload's record, or NotFoundError (a malformed id is simply not found: it never reaches a path). */
export async function readUpload(ws: Workspace, id: string): Promise<UploadRecord & { dir: string }> {
  if (!UPLOAD_ID.test(id)) throw notFound(`upload ${id}`);
  const dir = path.join(uploadsDir(ws), id);
  try {
    return { ...(JSON.parse(await readFile(path.join(dir, 'upload.json'), 'utf8')) as UploadRecord), dir };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw notFound(`upload ${id}`);
    throw e;
  }
}

export class UploadDraft {
  private files = 0;
  private bytes = 0;
  private csv: { rel: string; clientName: string } | undefined;
  /** Relative names written so far, and the same lower-cased (two names differing only in case are refused). */
  private readonly written: string[] = [];
  private readonly writtenFolded = new Set<string>();

  private constructor(
    readonly id: string,
    private readonly ws: Workspace,
    readonly kind: UploadKind,
    private readonly dir: string,
    private readonly limits: UploadLimits,
  ) {}

  static async create(ws: Workspace, kind: UploadKind, limits: UploadLimits = DEFAULT_UPLOAD_LIMITS): Promise<UploadDraft> {
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
    const id = `u-${stamp}-${randomBytes(4).toString('hex')}`;
    const dir = path.join(uploadsDir(ws), `${id}.partial`);
    await mkdir(path.join(dir, 'files'), { recursive: true });
    return new UploadDraft(id, ws, kind, dir, limits);
  }

  /** Streams one file into the draft. `isTable` marks the CSV (a multipart field name, or a .csv zip entry). */
  async addFile(source: Readable, clientName: string, isTable: boolean): Promise<void> {
    const rel = uploadRelativePath(clientName, isTable ? 'table' : 'file');
    if (isTable) {
      if (this.csv) throw new UserInputError(`the upload holds two tables: "${this.csv.clientName}" and "${clientName}"`, { hint: 'Send exactly one CSV file.' });
      this.csv = { rel, clientName };
    }
    if (this.writtenFolded.has(rel.toLowerCase())) throw new UserInputError(`the upload holds "${clientName}" twice`, { hint: 'Each file name may appear once.' });
    this.files += 1;
    if (this.files > this.limits.maxFiles) throw new TooLargeError(`the upload has more than ${this.limits.maxFiles} files`, { hint: 'Split the catalog into several uploads.' });
    const dest = insideFolder(path.join(this.dir, 'files'), rel);
    await mkdir(path.dirname(dest), { recursive: true });
    let fileBytes = 0;
    const limits = this.limits;
    const count = new Transform({
      transform: (chunk: Buffer, _enc, done) => {
        fileBytes += chunk.length;
        this.bytes += chunk.length;
        if (fileBytes > limits.maxFileBytes) return done(new TooLargeError(`"${clientName}" is over the ${mib(limits.maxFileBytes)} limit per file`, { hint: 'Downscale or re-export it.' }));
        if (this.bytes > limits.maxTotalBytes) return done(new TooLargeError(`the upload is over the ${mib(limits.maxTotalBytes)} limit`, { hint: 'Split the catalog into several uploads.' }));
        done(null, chunk);
      },
    });
    await pipeline(source, count, createWriteStream(dest, { flags: 'wx' }));
    this.written.push(rel);
    this.writtenFolded.add(rel.toLowerCase());
  }

  /**
   * Reads the table with the CLI's reader and makes the upload visible. Images are looked for, in order, in
   * an `images/` folder next to the CSV, a folder named like the CSV (`new_products/` for
   * new_products.csv), or the CSV's own folder.
   */
  async finish(actor: string): Promise<UploadRecord> {
    if (!this.csv) throw new UserInputError('the upload has no CSV table', { hint: this.kind === 'catalog' ? 'Send products.csv with the images.' : 'Send new_products.csv with the images.' });
    const filesDir = path.join(this.dir, 'files');
    const csvAbs = insideFolder(filesDir, this.csv.rel);
    const imagesRel = this.imagesFolder();
    const read = this.kind === 'catalog' ? readHitCatalog : readNewProducts;
    let result;
    try {
      result = await read(csvAbs, insideFolder(filesDir, imagesRel || '.'));
    } catch (e) {
      throw clientFacing(e, this.dir, this.csv.clientName);
    }
    const record: UploadRecord = {
      id: this.id, kind: this.kind, createdAt: new Date().toISOString(), actor, csvName: this.csv.clientName,
      csvFile: path.posix.join('files', this.csv.rel), imagesDir: path.posix.join('files', imagesRel), files: this.files, bytes: this.bytes,
      ids: result.rows.map((r) => ('productId' in r.value ? r.value.productId : r.value.newId) as string),
      problems: result.problems.map((p) => clientProblem(p, this.dir, this.csv!.clientName)),
    };
    await writeFileAtomic(path.join(this.dir, 'upload.json'), JSON.stringify(record, null, 2));
    await rename(this.dir, path.join(uploadsDir(this.ws), this.id));
    return record;
  }

  /** A scratch file inside the draft (not part of the upload), e.g. a zip before it is unpacked. */
  scratchFile(name: string): string {
    return path.join(this.dir, `scratch-${name.replace(/[^a-z0-9.-]/gi, '')}`);
  }

  async discard(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }

  private imagesFolder(): string {
    const csvDir = path.posix.dirname(this.csv!.rel) === '.' ? '' : path.posix.dirname(this.csv!.rel);
    const stem = path.posix.basename(this.csv!.rel).replace(/\.[^.]*$/, '');
    for (const candidate of [path.posix.join(csvDir, 'images'), path.posix.join(csvDir, stem)]) {
      if (this.written.some((f) => f.startsWith(`${candidate}/`))) return candidate;
    }
    return csvDir;
  }
}

/** A problem as the client should see it: its own file name, no server path. */
export function clientProblem(p: RowProblem, uploadDir: string, csvName: string): RowProblem {
  return { ...p, file: csvName, message: withoutServerPaths(p.message, uploadDir) };
}

function clientFacing(e: unknown, uploadDir: string, csvName: string): unknown {
  if (!(e instanceof UserInputError)) return e;
  const message = withoutServerPaths(e.message, uploadDir).replaceAll('files/', '');
  return new UserInputError(message.includes(csvName) ? message : `${csvName}: ${message}`, { hint: e.hint });
}

/** Server folders never reach a client: paths inside the upload become relative to it. */
function withoutServerPaths(message: string, uploadDir: string): string {
  return message.replaceAll(`${path.join(uploadDir, 'files')}${path.sep}`, '').replaceAll(path.join(uploadDir, 'files'), '.').replaceAll(uploadDir, '.');
}

function mib(bytes: number): string {
  return `${Math.round(bytes / 1024 / 1024)} MiB`;
}
