/**
 * The workspace folder (`--workspace`, default ./hitline-data) holds everything hitline keeps between
 * commands: the embedded store, caches, runs and the cost ledger.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';

export const DEFAULT_WORKSPACE = 'hitline-data';

export interface Workspace {
  root: string;
  lanceDir: string;
  cacheDir: string;
  runsDir: string;
  ledgerFile: string;
  configFile: string;
}

export function workspaceAt(dir: string = DEFAULT_WORKSPACE): Workspace {
  const root = path.resolve(dir);
  return {
    root,
    lanceDir: path.join(root, 'store', 'lancedb'),
    cacheDir: path.join(root, 'cache'),
    runsDir: path.join(root, 'runs'),
    ledgerFile: path.join(root, 'ledger.jsonl'),
    configFile: path.join(root, 'config.json'),
  };
}

export async function ensureWorkspace(ws: Workspace): Promise<void> {
  await mkdir(ws.root, { recursive: true });
  await mkdir(ws.cacheDir, { recursive: true });
  await mkdir(ws.runsDir, { recursive: true });
}

/** A sortable, filesystem-safe run id: 20261121-073012-3fa9. */
export function newRunId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

/** A folder name derived from an id we do not control (embedder ids contain slashes): a short hash, never the id itself. */
export function safeKey(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/**
 * Product ids come from user CSVs; file names built from them must stay inside their folder. A plain id
 * (letters, digits, . _ -) is used as it is; anything else is cleaned and suffixed with a short hash of
 * the original, so two different ids never share a folder.
 */
export function safeFileStem(id: string): string {
  if (/^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/.test(id) && !id.endsWith('.')) return id;
  const cleaned = id.normalize('NFKC').replace(/[^\p{L}\p{N}._-]+/gu, '_').replace(/^[._]+/, '').slice(0, 80);
  return cleaned.length > 0 ? `${cleaned}-${safeKey(id).slice(0, 6)}` : safeKey(id);
}
