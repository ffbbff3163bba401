/**
 * Whether a row's image file can be used, checked when the CSV is read so a bad one is a RowProblem on
 * image_path (file, row, column) in every command: it exists, is a regular file, is readable by this user,
 * and is really inside the images folder. The last one catches what the image_path text cannot show: a
 * symbolic link inside the folder that leads out of it (images/a.jpg -> /home/me/.ssh/id_rsa) is refused
 * like a `../` path, unless the seller allows it.
 */
import { constants } from 'node:fs';
import { access, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { fsProblemText, isNodeFsError } from '../core/errors.js';

export interface ImageFileRules {
  /** Follow symbolic links that lead outside the images folder. */
  allowSymlinksOutside?: boolean;
}

const ALLOW_HINT = 'pass --allow-symlinks-outside (or set "catalog": { "allowSymlinksOutside": true } in config.json) to allow it';

/**
 * Why the image at `absPath` cannot be used, completing "image "x.jpg" …", or undefined when it can.
 * `imagesRealDir` is the images folder with its own symbolic links resolved.
 */
export async function imageFileProblem(absPath: string, imagesRealDir: string, rules: ImageFileRules = {}): Promise<string | undefined> {
  try {
    const found = await stat(absPath);
    if (!found.isFile()) return `is not a file (looked for ${absPath})`;
    if (!rules.allowSymlinksOutside) {
      const real = await realpath(absPath);
      if (!isInside(real, imagesRealDir)) return `leads outside the images folder through a symbolic link (to ${real}); ${ALLOW_HINT}`;
    }
    await access(absPath, constants.R_OK);
    return undefined;
  } catch (err) {
    if (!isNodeFsError(err)) throw err;
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return `does not exist (looked for ${absPath})`;
    return `cannot be read: ${fsProblemText(err)} (${absPath})`;
  }
}

function isInside(file: string, folder: string): boolean {
  const relative = path.relative(folder, file);
  return relative !== '' && !relative.startsWith(`..${path.sep}`) && relative !== '..' && !path.isAbsolute(relative);
}
