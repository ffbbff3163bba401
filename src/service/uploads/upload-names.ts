/**
 * Names of uploaded files (multipart file names, zip entry names) as paths inside an upload folder. A name is
 * accepted only when every segment is made of letters and digits (any script), spaces and . _ - ( ) and it
 * is relative and plain: no `..`, no absolute path, no drive letter, no hidden segment, no control character.
 * Anything else is refused with the name, never "repaired": image_path in the CSV must name the same file,
 * so the CSV's rows are read exactly as the CLI reads them.
 */
import path from 'node:path';
import { UserInputError } from '../../core/errors.js';

const SEGMENT = /^[\p{L}\p{N}_\-() ][\p{L}\p{N}._\-() ]{0,199}$/u;
const MAX_DEPTH = 8;

/** The upload-relative path for a client's file name, or a UserInputError naming it. */
export function uploadRelativePath(clientName: string, what = 'file'): string {
  const name = clientName.normalize('NFC').replace(/\\/g, '/');
  const refuse = (why: string) =>
    new UserInputError(`${what} "${printable(clientName)}" refused: ${why}`, {
      hint: 'Name files with letters, digits, spaces and . _ - ( ) in plain relative folders (e.g. images/dress-01.jpg).',
    });
  if (name.length === 0) throw refuse('the name is empty');
  if (/^[A-Za-z]:/.test(name)) throw refuse('it starts with a drive letter');
  if (name.startsWith('/')) throw refuse('it is an absolute path');
  const segments = name.split('/');
  if (segments.includes('..')) throw refuse('it contains ".."');
  if (segments.length > MAX_DEPTH) throw refuse(`it is more than ${MAX_DEPTH} folders deep`);
  for (const s of segments) {
    if (s === '' || s === '.') throw refuse('it has an empty or "." path segment');
    if (!SEGMENT.test(s) || s.trim() !== s) throw refuse(`"${printable(s)}" has characters hitline does not accept in file names`);
  }
  return segments.join('/');
}

/** `rel` resolved inside `dir`; throws if it would leave it (a second guard behind uploadRelativePath). */
export function insideFolder(dir: string, rel: string): string {
  const abs = path.resolve(dir, rel);
  if (abs !== dir && !abs.startsWith(dir + path.sep)) throw new UserInputError(`"${printable(rel)}" is outside its upload folder`);
  return abs;
}

function printable(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f]/g, '?').slice(0, 200);
}
