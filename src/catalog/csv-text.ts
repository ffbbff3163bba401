/**
 * Turns a CSV file's bytes into text: UTF-8 only (with or without BOM). Spreadsheet exports in other
 * encodings (GBK/ANSI, UTF-16 "Unicode text", .xlsx saved under a .csv name) are refused with a clear
 * message instead of being read as mojibake.
 */
import { UserInputError } from '../core/errors.js';

const SAVE_AS_UTF8 = 'Save the file as "CSV UTF-8 (comma delimited)" (Excel: File > Save As; Numbers/Sheets: export as CSV) and try again.';

export function decodeCsvBytes(bytes: Uint8Array, file: string): string {
  if (startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff])) {
    throw new UserInputError(`${file} is UTF-16 text; hitline reads UTF-8 CSV`, { hint: SAVE_AS_UTF8 });
  }
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) {
    throw new UserInputError(`${file} is a zip archive (an .xlsx workbook?), not CSV text`, { hint: SAVE_AS_UTF8 });
  }
  const body = startsWith(bytes, [0xef, 0xbb, 0xbf]) ? bytes.subarray(3) : bytes;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    const line = lineOfFirstInvalidByte(body);
    throw new UserInputError(`${file} is not UTF-8 text (first invalid byte on line ${line}; GBK or ANSI encoding?)`, { hint: SAVE_AS_UTF8 });
  }
}

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}

/** Only called on the error path: finds the first byte sequence that is not valid UTF-8. */
function lineOfFirstInvalidByte(bytes: Uint8Array): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== 0x0a) continue;
    try {
      decoder.decode(bytes.subarray(lineStart, i));
    } catch {
      return line;
    }
    line++;
    lineStart = i + 1;
  }
  return line;
}
