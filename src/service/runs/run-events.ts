/**
 * A run's events, `events.jsonl` in its run folder: every engine event (stage started and done, product
 * done or failed, run start and end) and the service's own (queued, status changes, review actions), each
 * with a number that grows across sessions of the run. Server-Sent Events use the number as the event id,
 * so a client that reconnects with Last-Event-ID gets what it missed from here, whichever process wrote it.
 */
import { appendFile } from 'node:fs/promises';
import path from 'node:path';
import type { BatchEvent } from '../../pipeline/batch/batch-events.js';
import { readJsonLines } from '../../util/json-lines.js';

const EVENTS_FILE = 'events.jsonl';

export type RunStatusName = 'queued' | 'running' | 'cancelling' | 'stopped' | 'cancelled' | 'finished' | 'failed';

export type ServiceEvent =
  | { type: 'run-status'; status: RunStatusName; reason?: string; message?: string }
  | { type: 'output-regenerated'; productId: string; outputId: string; replaces: string }
  | { type: 'review'; outputId: string; action: string; actor: string };

export type RunEventBody = BatchEvent | ServiceEvent;
export type RunEvent = RunEventBody & { id: number; time: string };

/**
 * Appends events of one run in order, numbering them after what the file already holds. Each record starts
 * with a newline (as the run journal's do), so a line torn by a kill is closed by the next one and skipped.
 */
export class RunEventLog {
  private lastId: number | undefined;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(readonly runDir: string) {}

  /** Numbers the event and writes it; resolves with the event as listeners get it. */
  append(body: RunEventBody, now = new Date()): Promise<RunEvent> {
    const written = this.tail.then(async () => {
      this.lastId ??= (await readRunEvents(this.runDir)).at(-1)?.id ?? 0;
      const event = { ...body, id: this.lastId + 1, time: now.toISOString() } as RunEvent;
      await appendFile(path.join(this.runDir, EVENTS_FILE), `\n${JSON.stringify(event)}`);
      this.lastId = event.id;
      return event;
    });
    this.tail = written.catch(() => undefined);
    return written;
  }
}

/** The run's events with an id above `afterId`, in order (a torn line is skipped). */
export async function readRunEvents(runDir: string, afterId = 0): Promise<RunEvent[]> {
  return (await readJsonLines<RunEvent>(path.join(runDir, EVENTS_FILE))).filter((e) => typeof e.id === 'number' && e.id > afterId);
}
