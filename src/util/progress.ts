/**
 * Progress for long stages. On a terminal: one redrawn line per stage with a bar, counts, rate and ETA.
 * Not on a terminal: one JSON line per event on stderr (machine-readable, quiet enough for logs).
 */
export interface ProgressEvent {
  stage: string;
  done: number;
  total: number;
  /** Failures so far in this stage. */
  failed?: number;
  /** Anything else worth a field in the JSON line (e.g. spend so far). */
  extra?: Record<string, number | string>;
}

export interface ProgressSink {
  start(stage: string, total: number): void;
  update(event: ProgressEvent): void;
  finish(stage: string, summary?: string): void;
  /** A one-off message that should not break the bar. */
  note(message: string): void;
}

export function createProgress(stream: NodeJS.WriteStream = process.stderr, mode: 'auto' | 'tty' | 'json' | 'quiet' = 'auto'): ProgressSink {
  const resolved = mode === 'auto' ? (stream.isTTY ? 'tty' : 'json') : mode;
  if (resolved === 'quiet') return quietProgress;
  if (resolved === 'json') return jsonProgress(stream);
  return ttyProgress(stream);
}

export const quietProgress: ProgressSink = { start() {}, update() {}, finish() {}, note() {} };

function jsonProgress(stream: NodeJS.WritableStream): ProgressSink {
  const write = (obj: Record<string, unknown>) => stream.write(JSON.stringify({ time: new Date().toISOString(), ...obj }) + '\n');
  return {
    start: (stage, total) => write({ event: 'start', stage, total }),
    update: (e) => write({ event: 'progress', stage: e.stage, done: e.done, total: e.total, failed: e.failed ?? 0, ...e.extra }),
    finish: (stage, summary) => write({ event: 'finish', stage, summary }),
    note: (message) => write({ event: 'note', message }),
  };
}

function ttyProgress(stream: NodeJS.WriteStream): ProgressSink {
  const started = new Map<string, number>();
  let lastDraw = 0;
  let lineOpen = false;
  const clear = () => {
    if (lineOpen) stream.write('\r\x1b[2K');
    lineOpen = false;
  };
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
    stream.write(
      `\r\x1b[2K${e.stage.padEnd(10)} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${e.done}/${e.total}${failed}` +
        `${eta ? `  ETA ${eta}` : ''}${extra ? `  ${extra}` : ''}`,
    );
    lineOpen = true;
  };
  return {
    start(stage, total) {
      started.set(stage, Date.now());
      draw({ stage, done: 0, total }, true);
    },
    update: (e) => draw(e),
    finish(stage, summary) {
      clear();
      const seconds = (Date.now() - (started.get(stage) ?? Date.now())) / 1000;
      stream.write(`${stage.padEnd(10)} done in ${formatSeconds(seconds)}${summary ? `: ${summary}` : ''}\n`);
    },
    note(message) {
      clear();
      stream.write(message + '\n');
    },
  };
}

export function formatSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)}s`;
  const m = Math.floor(s / 60);
  return `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
}
