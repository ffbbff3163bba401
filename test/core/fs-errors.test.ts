/** Node filesystem errors as HitlineErrors (core/errors.ts fileSystemError): what, where, retryable, and a hint naming the folder. */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileSystemError, fileSystemError, isNodeFsError } from '../../src/core/errors.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function caught(p: Promise<unknown>): Promise<unknown> {
  return p.then(() => null, (e: unknown) => e);
}

describe('fileSystemError', () => {
  it('maps real Node errors, naming the action and the path', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'hitline-fs-'));
    dirs.push(dir);
    const missing = await caught(readFile(path.join(dir, 'nope.json')));
    expect(isNodeFsError(missing)).toBe(true);
    const err = fileSystemError(missing as never, { action: 'read the run record', folder: dir });
    expect(err).toBeInstanceOf(FileSystemError);
    expect(err.message).toBe(`could not read the run record: it does not exist (ENOENT on ${path.join(dir, 'nope.json')})`);
    expect(err.code).toBe('ENOENT');
    expect(err.path).toBe(path.join(dir, 'nope.json'));
    expect(err.retryable).toBe(false);
    expect(err.cause).toBe(missing);

    const file = path.join(dir, 'file');
    await writeFile(file, 'x');
    const inTheWay = await caught(mkdir(file));
    expect(fileSystemError(inTheWay as never, { action: 'create the workspace' }).message).toBe(
      `could not create the workspace: a file is in the way of the folder (EEXIST on ${file})`,
    );
  });

  it('says which faults another attempt can fix, and points the hint at the folder', () => {
    const at = (code: string) => fileSystemError({ code, path: '/ws/runs/r1/summary.json' }, { action: 'write the summary', folder: '/ws' });
    for (const code of ['EAGAIN', 'EBUSY', 'ETIMEDOUT', 'EINTR', 'EMFILE']) expect(at(code).retryable, code).toBe(true);
    for (const code of ['ENOSPC', 'EROFS', 'EACCES', 'EPERM', 'ENOENT', 'EIO', 'EWHATEVER']) expect(at(code).retryable, code).toBe(false);
    expect(at('ENOSPC').message).toBe('could not write the summary: the disk is full (ENOSPC on /ws/runs/r1/summary.json)');
    expect(at('ENOSPC').hint).toBe('Free space on the disk holding /ws, then run the same command again.');
    expect(at('EROFS').hint).toBe('/ws is on a read-only file system; use a folder on a writable disk.');
    expect(at('EACCES').hint).toBe('Give the user running hitline read and write access to /ws, or use another folder.');
    expect(at('EBUSY').hint).toMatch(/^Run it again/);
  });

  it('uses the context path when the error names none, and the path as the folder when none is given', () => {
    const err = fileSystemError({ code: 'ENOSPC' }, { action: 'write', path: '/data/x' });
    expect(err.message).toBe('could not write: the disk is full (ENOSPC on /data/x)');
    expect(err.hint).toContain('/data/x');
  });

  it('recognises only errno-style codes', () => {
    expect(isNodeFsError(Object.assign(new Error('x'), { code: 'ENOSPC' }))).toBe(true);
    expect(isNodeFsError(Object.assign(new Error('x'), { code: 'GenericFailure' }))).toBe(false);
    expect(isNodeFsError(Object.assign(new TypeError('x'), { code: 'ERR_INVALID_ARG_TYPE' }))).toBe(false);
    expect(isNodeFsError(null)).toBe(false);
  });
});
