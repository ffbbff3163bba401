/**
 * The service's own record of a run, `service-run.json` in the run folder beside the engine's run.json and
 * journal.jsonl: what the API was asked (the upload, presets, model, budget), by whom, the resolved batch
 * request, and what the engine's files cannot say (queued and not started yet, cancelled before it started,
 * stopped by a server shutdown and to be resumed, failed before the engine could record anything).
 */
import { mkdir, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { RunRequest } from '../../pipeline/batch/run-request.js';
import { newRunId, type Workspace } from '../../pipeline/workspace.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { notFound } from '../errors.js';

const RUN_RECORD_FILE = 'service-run.json';
/** Run ids as newRunId() makes them; any other string is simply not found (it never reaches a path). */
const RUN_ID = /^\d{8}-\d{6}-[0-9a-f]{4}$/;

/** What a client asks for (the API's run body, after defaults). */
export interface ApiRunRequest {
  newProducts: string;
  presets: string[];
  model?: string;
  variants: number;
  aspect: RunRequest['aspect'];
  size: RunRequest['size'];
  references: number;
  top: number;
  minSales: number;
  staged: boolean;
  budgetUsd?: number;
}

export interface ServiceRunRecord {
  version: 1;
  runId: string;
  createdAt: string;
  /** Key prefix of who created it. */
  actor: string;
  request: ApiRunRequest;
  /** The batch request (absolute paths into the tenant's upload). */
  batch: RunRequest;
  /** The upload's accepted rows, in order. */
  productIds: string[];
  /** queued: waiting for a slot; started: the engine has (or had) it; cancelled: stopped before it started. */
  state: 'queued' | 'started' | 'cancelled';
  /** Who asked to cancel, and when. */
  cancel?: { actor: string; at: string };
  /** Stopped by a server shutdown: resumed when the server starts again. */
  resumeOnStart?: boolean;
  /** Failed outside any product (e.g. the catalog was empty). */
  failure?: { message: string; hint?: string; at: string };
}

export function runDirOf(ws: Workspace, runId: string): string {
  if (!RUN_ID.test(runId)) throw notFound(`run ${runId}`);
  return path.join(ws.runsDir, runId);
}

/** Makes the run folder (a new id if the first one is taken) and writes the record. */
export async function createRunRecord(ws: Workspace, make: (runId: string) => ServiceRunRecord): Promise<ServiceRunRecord> {
  for (;;) {
    const runId = newRunId();
    try {
      await mkdir(runDirOf(ws, runId), { recursive: false });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw e;
    }
    const record = make(runId);
    await writeRunRecord(ws, record);
    return record;
  }
}

export async function readRunRecord(ws: Workspace, runId: string): Promise<ServiceRunRecord> {
  try {
    return JSON.parse(await readFile(path.join(runDirOf(ws, runId), RUN_RECORD_FILE), 'utf8')) as ServiceRunRecord;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw notFound(`run ${runId}`);
    throw e;
  }
}

export function writeRunRecord(ws: Workspace, record: ServiceRunRecord): Promise<void> {
  return writeFileAtomic(path.join(runDirOf(ws, record.runId), RUN_RECORD_FILE), JSON.stringify(record, null, 2));
}

export async function updateRunRecord(ws: Workspace, runId: string, change: (r: ServiceRunRecord) => void): Promise<ServiceRunRecord> {
  const record = await readRunRecord(ws, runId);
  change(record);
  await writeRunRecord(ws, record);
  return record;
}

/** The runs the service made in this workspace, newest first (CLI runs have no record and are left out). */
export async function listRunIds(ws: Workspace): Promise<string[]> {
  const names = await readdir(ws.runsDir).catch(() => [] as string[]);
  const ids: string[] = [];
  for (const name of names) {
    if (!RUN_ID.test(name)) continue;
    try {
      await readFile(path.join(ws.runsDir, name, RUN_RECORD_FILE));
      ids.push(name);
    } catch {
      // not a service run
    }
  }
  return ids.sort().reverse();
}
