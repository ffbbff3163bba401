import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { BatchEvent } from '../../../src/pipeline/batch/batch-events.js';
import { BatchTally, createBatchProgress } from '../../../src/pipeline/batch/batch-progress.js';

function sink(isTTY: boolean) {
  let text = '';
  const stream = new Writable({ write(chunk, _e, cb) { text += chunk.toString(); cb(); } }) as Writable & { isTTY?: boolean };
  stream.isTTY = isTTY;
  return { stream, text: () => text };
}

const events: BatchEvent[] = [
  { type: 'run-start', runId: 'r1', products: 4, reused: 0, resumed: false },
  { type: 'stage-start', stage: 'match', productId: 'A' },
  { type: 'stage-done', stage: 'match', productId: 'A', seconds: 0.3, cached: false },
  { type: 'stage-start', stage: 'analyze', productId: 'A' },
  { type: 'stage-start', stage: 'match', productId: 'B' },
  { type: 'stage-done', stage: 'match', productId: 'B', seconds: 0.3, cached: true },
  { type: 'stage-start', stage: 'analyze', productId: 'B' },
  { type: 'product-failed', productId: 'B', stage: 'analyze', error: 'moderation refused the request' },
];

describe('batch progress', () => {
  it('counts per stage: done, reused, running, failed, with an ETA once a stage has a rate', () => {
    let now = 1_000;
    const tally = new BatchTally(() => now);
    for (const e of events) tally.apply(e);
    now += 10_000;
    const lines = tally.lines({ spentUsd: 0.2468, limitUsd: 5 });
    expect(lines[0]).toMatch(/^match\s+\[#{10}-{10}\] 2\/4 {2}1 reused {2}ETA 10s$/);
    expect(lines[1]).toMatch(/^analyze .* 0\/4 {2}1 running {2}1 failed/);
    expect(lines[2]).toMatch(/^generate .* 0\/4$/);
    expect(lines[3]).toBe('products 0/4 done  ·  1 failed  ·  spent $0.25 of $5.00 budget  ·  10s');
    tally.apply({ type: 'stopping', reason: 'budget', message: 'budget of $5.00 reached' });
    expect(tally.lines({ spentUsd: 5 }).pop()).toBe('stopping: budget of $5.00 reached');
  });

  it('not on a terminal, writes one JSON line per event with the spend so far', () => {
    const out = sink(false);
    const progress = createBatchProgress(out.stream, 'auto', { spend: () => ({ spentUsd: 0.5, limitUsd: 2 }) });
    for (const e of events) progress.sink(e);
    progress.close();
    const lines = out.text().trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(events.length);
    expect(lines[0]).toMatchObject({ event: 'run-start', products: 4, spentUsd: 0.5, budgetUsd: 2 });
    expect(lines[7]).toMatchObject({ event: 'product-failed', productId: 'B', stage: 'analyze', error: 'moderation refused the request' });
    expect(typeof lines[0].time).toBe('string');
  });

  it('on a terminal, redraws a block with a line per stage and prints failures above it', () => {
    const out = sink(true);
    const progress = createBatchProgress(out.stream, 'auto', { spend: () => ({ spentUsd: 0.1 }) });
    for (const e of events) progress.sink(e);
    progress.close();
    const text = out.text();
    expect(text).toContain('✗ B (analyze): moderation refused the request');
    const lastBlock = text.slice(text.lastIndexOf('match '));
    expect(lastBlock).toMatch(/match .*2\/4/);
    expect(lastBlock).toMatch(/generate .*0\/4/);
    expect(lastBlock).toContain('spent $0.10');
    expect(text).toContain('\x1b[4A'); // moved up over the previous block to redraw it
  });

  it('is silent when quiet', () => {
    const out = sink(true);
    const progress = createBatchProgress(out.stream, 'quiet', { spend: () => ({ spentUsd: 0 }) });
    for (const e of events) progress.sink(e);
    progress.close();
    expect(out.text()).toBe('');
  });
});
