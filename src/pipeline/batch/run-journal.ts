/**
 * A run's own record, in its run folder, so that a run survives `kill -9` at any moment and can be resumed:
 *
 * - `run.json`: the manifest, written atomically (temp + rename): the request the run was started with
 *   (so `--resume <runId>` needs no other flag), its status and why it stopped.
 * - `journal.jsonl`: one line per product that finished (its summary, the content hash of its photo),
 *   appended with O_APPEND. Every record starts with a newline, so a line torn by a kill is closed by the
 *   next record and skipped by the reader; nothing before it is ever rewritten.
 *
 * Paid results themselves live in the stage cache (also written atomically); the journal only says which
 * products a resumed run can take as they are.
 */
import { appendFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { HitlineError } from '../../core/errors.js';

export const MANIFEST_FILE = 'run.json';
export const JOURNAL_FILE = 'journal.jsonl';

export type RunStatus = 'running' | 'stopped' | 'finished';

export interface RunManifest<Request = unknown> {
  version: 1;
  runId: string;
  createdAt: string;
  /** What the run was asked to do (the command's inputs and settings). */
  request: Request;
  status: RunStatus;
  /** Set when the run stopped before every product was done (budget, Ctrl-C, no credits). */
  stop?: { reason: string; message: string; at: string };
  /** One entry per process that worked on the run. */
  sessions: Array<{ startedAt: string; endedAt?: string; pid: number; resumed: boolean }>;
}

export interface JournalRecord<Summary = unknown> {
  type: 'product';
  time: string;
  newId: string;
  /** sha256 of the product photo the summary was made from. */
  imageHash: string;
  summary: Summary;
}

export class RunNotFoundError extends HitlineError {}

export class RunJournal<Request = unknown, Summary = unknown> {
  private constructor(
    readonly runDir: string,
    private manifest: RunManifest<Request>,
  ) {}

  get runId(): string {
    return this.manifest.runId;
  }

  get request(): Request {
    return this.manifest.request;
  }

  get current(): Readonly<RunManifest<Request>> {
    return this.manifest;
  }

  /** Starts a new run's record. */
  static async create<Request, Summary>(runDir: string, runId: string, request: Request, now = new Date()): Promise<RunJournal<Request, Summary>> {
    const manifest: RunManifest<Request> = {
      version: 1, runId, createdAt: now.toISOString(), request, status: 'running',
      sessions: [{ startedAt: now.toISOString(), pid: process.pid, resumed: false }],
    };
    const journal = new RunJournal<Request, Summary>(runDir, manifest);
    await journal.save();
    return journal;
  }

  /** Reads a run's manifest without changing anything. */
  static async readManifest<Request>(runDir: string): Promise<RunManifest<Request>> {
    const file = path.join(runDir, MANIFEST_FILE);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      throw new RunNotFoundError(`there is no run record at ${file}`, {
        hint: 'Check the run id (the folder name under <workspace>/runs/) and --workspace; runs made before resumable runs existed cannot be resumed, run the same command again instead (finished work is reused).',
      });
    }
    const manifest = JSON.parse(text) as RunManifest<Request>;
    if (manifest.version !== 1) throw new HitlineError(`${file} was written by another version of hitline (record version ${manifest.version})`);
    return manifest;
  }

  /** Reopens a run to continue it; records a new session. */
  static async resume<Request, Summary>(runDir: string, now = new Date()): Promise<RunJournal<Request, Summary>> {
    const manifest = await RunJournal.readManifest<Request>(runDir);
    manifest.status = 'running';
    delete manifest.stop;
    manifest.sessions.push({ startedAt: now.toISOString(), pid: process.pid, resumed: true });
    const journal = new RunJournal<Request, Summary>(runDir, manifest);
    await journal.save();
    return journal;
  }

  /** The last record of each product, read back (torn or foreign lines are skipped). */
  async finishedProducts(): Promise<Map<string, JournalRecord<Summary>>> {
    return readJournal<Summary>(path.join(this.runDir, JOURNAL_FILE));
  }

  async productFinished(newId: string, imageHash: string, summary: Summary, now = new Date()): Promise<void> {
    await appendJournalRecord(this.runDir, { type: 'product', time: now.toISOString(), newId, imageHash, summary });
  }

  /** Marks the run finished, or stopped with a reason; closes this session. */
  async end(status: Exclude<RunStatus, 'running'>, stop?: { reason: string; message: string }, now = new Date()): Promise<void> {
    this.manifest.status = status;
    if (stop) this.manifest.stop = { ...stop, at: now.toISOString() };
    else delete this.manifest.stop;
    const session = this.manifest.sessions[this.manifest.sessions.length - 1];
    if (session) session.endedAt = now.toISOString();
    await this.save();
  }

  private save(): Promise<void> {
    return writeFileAtomic(path.join(this.runDir, MANIFEST_FILE), JSON.stringify(this.manifest, null, 2));
  }
}

/**
 * Appends a product's record; the last one of a product wins. Also how a finished product gets a changed
 * record outside a session (a regenerated output): the caller holds the run's lock.
 */
export async function appendJournalRecord<Summary>(runDir: string, record: JournalRecord<Summary>): Promise<void> {
  await appendFile(path.join(runDir, JOURNAL_FILE), `\n${JSON.stringify(record)}`, { flag: 'a' });
}

export async function readJournal<Summary>(file: string): Promise<Map<string, JournalRecord<Summary>>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw e;
  }
  const out = new Map<string, JournalRecord<Summary>>();
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let record: JournalRecord<Summary>;
    try {
      record = JSON.parse(line);
    } catch {
      continue; // torn by a kill mid-write
    }
    if (record?.type === 'product' && typeof record.newId === 'string' && typeof record.imageHash === 'string') out.set(record.newId, record);
  }
  return out;
}
