/**
 * The batch's progress, written through the one progress writer (util/progress.ts). On a terminal: a block of
 * lines redrawn in place, one per stage with a bar, counts, failures and ETA, and a last line with products
 * done, spend so far (against the budget) and calls in flight. Not on a terminal: one JSON line per event,
 * with the spend so far on each.
 */
import { createProgressWriter, formatSeconds, type ProgressMode, type ProgressSink, type ProgressStream, type ProgressWriter } from '../../util/progress.js';
import { usd } from './budget.js';
import { BATCH_STAGES, type BatchEvent, type BatchEventSink, type BatchStage } from './batch-events.js';

export interface BatchProgressInfo {
  /** Spend so far and the budget, read on every redraw. */
  spend: () => { spentUsd: number; limitUsd?: number };
  /** Clock (ms), injectable for tests. */
  now?: () => number;
}

export interface BatchProgress {
  readonly sink: BatchEventSink;
  /** Draws the final state and leaves the cursor below it. */
  close(): void;
}

interface StageCounts {
  done: number;
  cached: number;
  failed: number;
  running: number;
  firstStart?: number;
}

export function createBatchProgress(stream: ProgressStream, mode: ProgressMode, info: BatchProgressInfo): BatchProgress {
  const writer = createProgressWriter(stream, mode, info.now);
  if (writer.mode === 'quiet') return { sink: () => {}, close() {} };
  if (writer.mode === 'json') return jsonProgress(writer, info);
  return ttyProgress(writer, info);
}

function jsonProgress(writer: ProgressWriter, info: BatchProgressInfo): BatchProgress {
  return {
    sink: (e) => {
      const { type, ...rest } = e;
      const { spentUsd, limitUsd } = info.spend();
      writer.json(type, { ...rest, spentUsd, ...(limitUsd !== undefined ? { budgetUsd: limitUsd } : {}) });
    },
    close() {},
  };
}

/** Counts kept from the events, shared by the terminal display and its tests. */
export class BatchTally {
  readonly stages = new Map<BatchStage, StageCounts>(BATCH_STAGES.map((s) => [s, { done: 0, cached: 0, failed: 0, running: 0 }]));
  products = 0;
  done = 0;
  failed = 0;
  pending = 0;
  started = 0;
  stopping: string | undefined;

  constructor(private readonly now: () => number) {}

  /** The stage each product is in now. */
  private readonly runningStage = new Map<string, BatchStage>();

  apply(e: BatchEvent): void {
    const t = this.now();
    switch (e.type) {
      case 'run-start':
        this.products = e.products;
        this.started = t;
        break;
      case 'stage-start': {
        this.leave(e.productId);
        const s = this.stages.get(e.stage)!;
        s.running += 1;
        s.firstStart ??= t;
        this.runningStage.set(e.productId, e.stage);
        break;
      }
      case 'stage-done': {
        this.leave(e.productId);
        const s = this.stages.get(e.stage)!;
        s.done += 1;
        if (e.cached) s.cached += 1;
        break;
      }
      case 'product-done':
        this.leave(e.productId);
        this.done += 1;
        break;
      case 'product-failed': {
        this.leave(e.productId);
        this.failed += 1;
        const s = this.stages.get(e.stage as BatchStage);
        if (s) s.failed += 1;
        break;
      }
      case 'product-pending':
        this.leave(e.productId);
        this.pending += 1;
        break;
      case 'stopping':
        this.stopping = e.message;
        break;
    }
  }

  private leave(productId: string): void {
    const stage = this.runningStage.get(productId);
    if (!stage) return;
    this.runningStage.delete(productId);
    const s = this.stages.get(stage)!;
    s.running = Math.max(0, s.running - 1);
  }

  /** Seconds left for a stage at its rate so far, or undefined before it has a rate. */
  eta(stage: BatchStage): number | undefined {
    const s = this.stages.get(stage)!;
    const finished = s.done + s.failed;
    const left = this.products - finished;
    if (s.firstStart === undefined || finished === 0 || left <= 0) return undefined;
    return ((this.now() - s.firstStart) / 1000 / finished) * left;
  }

  lines(spend: { spentUsd: number; limitUsd?: number }): string[] {
    const width = 20;
    const out = BATCH_STAGES.map((stage) => {
      const s = this.stages.get(stage)!;
      const ratio = this.products > 0 ? Math.min(1, (s.done + s.failed) / this.products) : 0;
      const bar = '#'.repeat(Math.round(ratio * width)).padEnd(width, '-');
      const eta = this.stopping ? undefined : this.eta(stage);
      const parts = [
        `${stage.padEnd(8)} [${bar}] ${s.done}/${this.products}`,
        s.cached ? `${s.cached} reused` : '',
        s.running ? `${s.running} running` : '',
        s.failed ? `${s.failed} failed` : '',
        eta !== undefined ? `ETA ${formatSeconds(eta)}` : '',
      ];
      return parts.filter(Boolean).join('  ');
    });
    const elapsed = this.started ? (this.now() - this.started) / 1000 : 0;
    const money = `spent ${usd(spend.spentUsd)}${spend.limitUsd !== undefined ? ` of ${usd(spend.limitUsd)} budget` : ''}`;
    const totals = [`products ${this.done}/${this.products} done`, this.failed ? `${this.failed} failed` : '', this.pending ? `${this.pending} left` : '', money, formatSeconds(elapsed)];
    out.push(totals.filter(Boolean).join('  ·  '));
    if (this.stopping) out.push(`stopping: ${this.stopping}`);
    return out;
  }
}

function ttyProgress(writer: ProgressWriter, info: BatchProgressInfo): BatchProgress {
  const now = info.now ?? Date.now;
  const tally = new BatchTally(now);
  let drawn = false;
  let lastDraw = 0;
  let timer: NodeJS.Timeout | undefined;
  const draw = () => {
    lastDraw = now();
    writer.draw(tally.lines(info.spend()));
    drawn = true;
  };
  // Redraws at most ten times a second; a timer keeps the ETA and the clock moving between events.
  const schedule = () => {
    if (timer) return;
    const wait = Math.max(0, 100 - (now() - lastDraw));
    timer = setTimeout(() => {
      timer = undefined;
      draw();
    }, wait);
    timer.unref();
  };
  const ticker = setInterval(() => drawn && draw(), 1000);
  ticker.unref();
  return {
    sink: (e) => {
      tally.apply(e);
      if (e.type === 'note' || e.type === 'product-failed') {
        writer.print(e.type === 'note' ? e.message : `✗ ${e.productId} (${e.stage}): ${e.error}`);
        draw();
      } else schedule();
    },
    close() {
      if (timer) clearTimeout(timer);
      clearInterval(ticker);
      draw();
    },
  };
}

/** Batch events as one "run" line on a plain ProgressSink (what callers of the single-line progress see). */
export function progressSinkEvents(progress: ProgressSink): BatchEventSink {
  let total = 0;
  let done = 0;
  let failed = 0;
  return (e) => {
    if (e.type === 'run-start') {
      total = e.products;
      progress.start('run', total);
    } else if (e.type === 'product-done' || e.type === 'product-failed' || e.type === 'product-pending') {
      done += 1;
      if (e.type === 'product-failed') failed += 1;
      progress.update({ stage: 'run', done, total, failed });
    } else if (e.type === 'note' || e.type === 'stopping') {
      progress.note(e.message);
    } else if (e.type === 'run-end') {
      progress.finish('run', `${e.done} done, ${e.failed} failed${e.pending ? `, ${e.pending} not done` : ''}`);
    }
  };
}
