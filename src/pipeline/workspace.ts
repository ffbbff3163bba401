/**
 * The workspace folder (`--workspace`, default ./hitline-data) holds everything hitline keeps between
 * commands: the embedded store, caches, runs and the cost ledger.
 */
import { createHash, randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import path from 'node:path';
import { UserInputError, fileSystemError, isNodeFsError } from '../core/errors.js';
import { makeFolder } from '../util/fs-faults.js';

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

/**
 * For a command that only reads the workspace (match, search, presets, doctor, run --dry-run): nothing is
 * created, so a read-only or missing workspace is fine; only a `--workspace` that is a file is refused.
 */
export async function checkWorkspaceFolder(ws: Workspace): Promise<void> {
  const found = await stat(ws.root).catch(() => undefined);
  if (found && !found.isDirectory()) {
    throw new UserInputError(`the workspace ${ws.root} is a file, not a folder`, {
      hint: 'Pass --workspace a folder (it is created when missing), e.g. --workspace hitline-data.',
    });
  }
}

/**
 * For a command that writes (ingest, run, demo, migrate): creates the workspace's folders and checks it can
 * be written before any work starts, so a read-only workspace is reported once, with where, rather than as
 * the first write that fails.
 */
export async function ensureWorkspace(ws: Workspace): Promise<void> {
  await checkWorkspaceFolder(ws);
  for (const dir of [ws.root, ws.cacheDir, ws.runsDir]) await makeFolder(dir, 'create the workspace folder', ws.root);
  try {
    await access(ws.root, constants.W_OK);
  } catch (err) {
    if (!isNodeFsError(err)) throw err;
    throw fileSystemError({ code: err.code, path: ws.root }, { action: 'write to the workspace' });
  }
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
