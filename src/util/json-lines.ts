/** JSON-lines files written by appends: a missing file reads as empty, and a line torn by a kill mid-write is skipped. */
import { readFile } from 'node:fs/promises';

export async function readJsonLines<T>(file: string): Promise<T[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const out: T[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as T);
    } catch {
      // torn by a kill mid-write
    }
  }
  return out;
}
