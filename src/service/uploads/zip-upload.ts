/**
 * A zip of a table and its images, unpacked entry by entry into an upload draft (yauzl, one entry in
 * memory at a time). Entries with `..`, absolute paths, drive letters or a symbolic-link mode are refused
 * with the entry's name, as are encrypted entries; sizes are checked against the draft's limits from the
 * central directory before anything is inflated, and yauzl checks each entry's real size against its
 * declared one while inflating (a zip bomb cannot lie its way past the limits). macOS archive litter
 * (`__MACOSX/`, `._*`, `.DS_Store`) is skipped.
 */
import { open } from 'node:fs/promises';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { UserInputError } from '../../core/errors.js';
import { TooLargeError } from '../errors.js';
import { uploadRelativePath } from './upload-names.js';
import { DEFAULT_UPLOAD_LIMITS, type UploadDraft, type UploadLimits } from './uploads.js';

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

/** True when the file starts like a zip (its content decides, not its name or the request's headers). */
async function looksLikeZip(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    return bytesRead === 4 && ZIP_MAGIC.every((b, i) => head[i] === b);
  } finally {
    await handle.close();
  }
}

export async function unpackZipInto(zipFile: string, draft: UploadDraft, limits: UploadLimits = DEFAULT_UPLOAD_LIMITS): Promise<void> {
  if (!(await looksLikeZip(zipFile))) throw new UserInputError('the archive is not a zip file', { hint: 'Send a .zip made by any zip tool, or the files as multipart/form-data.' });
  let zip: ZipFile;
  try {
    zip = await yauzl.openPromise(zipFile, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, autoClose: true });
  } catch (e) {
    throw new UserInputError(`the zip cannot be read: ${(e as Error).message}`, { hint: 'Make the zip again; it may be truncated.' });
  }
  if (zip.entryCount > limits.maxFiles) {
    zip.close();
    throw new TooLargeError(`the zip has ${zip.entryCount} entries, over the limit of ${limits.maxFiles}`, { hint: 'Split the catalog into several uploads.' });
  }
  try {
    for await (const entry of entries(zip)) {
      const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileName as unknown as Buffer, entry.extraFields, false);
      if (name.endsWith('/') || isArchiveLitter(name)) continue;
      const mode = (entry.externalFileAttributes >>> 16) & S_IFMT;
      if (mode === S_IFLNK) throw new UserInputError(`zip entry "${name}" refused: it is a symbolic link`, { hint: 'Put the image itself in the zip, not a link to it.' });
      if (entry.isEncrypted()) throw new UserInputError(`zip entry "${name}" refused: it is encrypted`, { hint: 'Make the zip without a password.' });
      const yauzlComplaint = yauzl.validateFileName(name);
      const rel = uploadRelativePath(name, 'zip entry'); // names the entry and why, for `..`, absolute paths and drive letters
      if (yauzlComplaint) throw new UserInputError(`zip entry "${name}" refused: ${yauzlComplaint}`);
      if (entry.uncompressedSize > limits.maxFileBytes) {
        throw new TooLargeError(`zip entry "${name}" is ${entry.uncompressedSize} bytes unpacked, over the limit per file`, { hint: 'Downscale or re-export it.' });
      }
      const stream = await zip.openReadStreamPromise(entry);
      await draft.addFile(stream, rel, /\.csv$/i.test(rel));
    }
  } finally {
    zip.close();
  }
}

function isArchiveLitter(name: string): boolean {
  const last = name.split('/').pop() ?? '';
  return name.startsWith('__MACOSX/') || last.startsWith('._') || last === '.DS_Store';
}

/** The zip's entries one at a time (lazyEntries), as an async iterator. */
async function* entries(zip: ZipFile): AsyncGenerator<Entry> {
  while (true) {
    const next = await new Promise<Entry | null>((resolve, reject) => {
      const onEntry = (e: Entry) => { cleanup(); resolve(e); };
      const onEnd = () => { cleanup(); resolve(null); };
      const onError = (e: Error) => { cleanup(); reject(new UserInputError(`the zip cannot be read: ${e.message}`, { hint: 'Make the zip again; it may be damaged.' })); };
      const cleanup = () => { zip.off('entry', onEntry); zip.off('end', onEnd); zip.off('error', onError); };
      zip.on('entry', onEntry);
      zip.on('end', onEnd);
      zip.on('error', onError);
      zip.readEntry();
    });
    if (!next) return;
    yield next;
  }
}
