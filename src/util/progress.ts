/**
 * Progress for long stages, and the one writer every progress display uses. `--progress auto` resolves once,
 * here: on a terminal, a block of lines redrawn in place (one per stage, with a bar, counts, rate and ETA);
 * not on a terminal, one JSON line per event ({ time, event, ... }) on stderr, machine-readable and quiet
 * enough for logs; `quiet` writes nothing. The batch's display (pipeline/batch/batch-progress.ts) draws its
 * own lines through the same writer. Every line is made terminal-safe here (util/terminal-text.ts): product ids
 * and messages come from the seller's CSV and from model answers.
 */
import { jsonText, terminalSafe, terminalSafeLines } from './terminal-text.js';

export type ProgressMode = 'auto' | 'tty' | 'json' | 'quiet';

/** Where progress goes: stderr in the CLI; tests pass a stream of their own. */
export type ProgressStream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

/** Writes progress in the mode resolved for its stream. */
export interface ProgressWriter {
  readonly mode: 'tty' | 'json' | 'quiet';
  /** One JSON line: the time, the event name and its fields (json mode only). */
  json(event: string, fields: Record<string, unknown>): void;
  /** Replaces the block redrawn in place with `lines`, each cut to the terminal's width (tty mode only). */
  draw(lines: readonly string[]): void;
  /** A line printed for good above the block, which is drawn again below it (tty mode only). */
  print(line: string): void;
}

/** `auto` is `tty` on a terminal and `json` anywhere else. */
export function resolveProgressMode(stream: ProgressStream, mode: ProgressMode): ProgressWriter['mode'] {
  return mode === 'auto' ? (stream.isTTY ? 'tty' : 'json') : mode;
}

export function createProgressWriter(stream: ProgressStream, mode: ProgressMode, now: () => number = Date.now): ProgressWriter {
  const resolved = resolveProgressMode(stream, mode);
  let block: readonly string[] = [];
  const erase = () => {
    if (block.length > 0) stream.write(`\x1b[${block.length}A\r\x1b[J`);
  };
  const show = () => {
    if (block.length > 0) stream.write(block.map((l) => `${l}\x1b[K`).join('\n') + '\n');
  };
  return {
    mode: resolved,
    json(event, fields) {
      if (resolved === 'json') stream.write(jsonText({ time: new Date(now()).toISOString(), event, ...fields }) + '\n');
    },
    draw(lines) {
      if (resolved !== 'tty') return;
      // Lines are cut to the terminal's width: a wrapped line would throw off the count used to redraw in place.
      const width = Math.max(20, (stream.columns ?? 100) - 1);
      erase();
      block = lines.map(terminalSafe).map((l) => (l.length > width ? `${l.slice(0, width - 1)}…` : l));
      show();
    },
    print(line) {
      if (resolved !== 'tty') return;
      erase();
      stream.write(`${terminalSafeLines(line)}\n`);
      show();
    },
  };
}

export interface ProgressEvent {
  stage: string;
  done: number;
  total: number;
  /** Failures so far in this stage. */
  failed?: number;
  /** Anything else worth a field in the JSON line (e.g. spend so far). */
  extra?: Record<string, number | string>;
}

/** A single-stage progress display (ingest, the plain run line). */
export interface ProgressSink {
  start(stage: string, total: number): void;
  update(event: ProgressEvent): void;
  finish(stage: string, summary?: string): void;
  /** A one-off message that should not break the bar. */
  note(message: string): void;
}

export function createProgress(stream: ProgressStream = process.stderr, mode: ProgressMode = 'auto'): ProgressSink {
  const writer = createProgressWriter(stream, mode);
  if (writer.mode === 'quiet') return quietProgress;
  if (writer.mode === 'json') return jsonProgress(writer);
  return ttyProgress(writer);
}

export const quietProgress: ProgressSink = { start() {}, update() {}, finish() {}, note() {} };

function jsonProgress(writer: ProgressWriter): ProgressSink {
  return {
    start: (stage, total) => writer.json('start', { stage, total }),
    update: (e) => writer.json('progress', { stage: e.stage, done: e.done, total: e.total, failed: e.failed ?? 0, ...e.extra }),
    finish: (stage, summary) => writer.json('finish', { stage, summary }),
    note: (message) => writer.json('note', { message }),
  };
}

/** One bar line for the stage in progress, redrawn at most every 80 ms (and always when it completes). */
function ttyProgress(writer: ProgressWriter): ProgressSink {
  const started = new Map<string, number>();
  let lastDraw = 0;
  const draw = (e: ProgressEvent, force = false) => {
    const now = Date.now();
    if (!force && now - lastDraw < 80 && e.done < e.total) return;
    lastDraw = now;
    const width = 24;
    const ratio = e.total > 0 ? Math.min(1, e.done / e.total) : 0;
    const filled = Math.round(ratio * width);
    const elapsed = (now - (started.get(e.stage) ?? now)) / 1000;
    const eta = e.done > 0 && e.done < e.total ? formatSeconds((elapsed / e.done) * (e.total - e.done)) : '';
    const extra = Object.entries(e.extra ?? {}).map(([k, v]) => `${k} ${v}`).join('  ');
    const failed = e.failed ? `  ${e.failed} failed` : '';
    writer.draw([
      `${e.stage.padEnd(10)} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${e.done}/${e.total}${failed}` +
        `${eta ? `  ETA ${eta}` : ''}${extra ? `  ${extra}` : ''}`,
    ]);
  };
  return {
    start(stage, total) {
      started.set(stage, Date.now());
      draw({ stage, done: 0, total }, true);
    },
    update: (e) => draw(e),
    finish(stage, summary) {
      writer.draw([]);
      const seconds = (Date.now() - (started.get(stage) ?? Date.now())) / 1000;
      writer.print(`${stage.padEnd(10)} done in ${formatSeconds(seconds)}${summary ? `: ${summary}` : ''}`);
    },
    note: (message) => writer.print(message),
  };
}

export function formatSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)}s`;
  const m = Math.floor(s / 60);
  return `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
}
