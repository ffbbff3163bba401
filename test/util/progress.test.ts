import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress, createProgressWriter, resolveProgressMode } from '../../src/util/progress.js';

function sink(isTTY: boolean, columns?: number) {
  let text = '';
  const stream = new Writable({ write(chunk, _e, cb) { text += chunk.toString(); cb(); } }) as Writable & { isTTY?: boolean; columns?: number };
  stream.isTTY = isTTY;
  stream.columns = columns;
  return { stream, text: () => text };
}

describe('progress', () => {
  it('resolves auto once: a terminal gets tty, anything else json; an explicit mode is kept', () => {
    expect(resolveProgressMode(sink(true).stream, 'auto')).toBe('tty');
    expect(resolveProgressMode(sink(false).stream, 'auto')).toBe('json');
    expect(resolveProgressMode(sink(true).stream, 'json')).toBe('json');
    expect(resolveProgressMode(sink(false).stream, 'quiet')).toBe('quiet');
  });

  it('not on a terminal, writes one JSON line per event with its time', () => {
    const out = sink(false);
    const progress = createProgress(out.stream, 'auto');
    progress.start('embed', 3);
    progress.update({ stage: 'embed', done: 2, total: 3, extra: { spentUsd: 0.5 } });
    progress.note('skipped 1 row');
    progress.finish('embed', '3 done');
    const lines = out.text().trim().split('\n').map((l) => JSON.parse(l));
    for (const l of lines) expect(Date.parse(l.time)).toBeGreaterThan(0);
    expect(lines.map((l) => ({ ...l, time: undefined }))).toEqual([
      { event: 'start', stage: 'embed', total: 3 },
      { event: 'progress', stage: 'embed', done: 2, total: 3, failed: 0, spentUsd: 0.5 },
      { event: 'note', message: 'skipped 1 row' },
      { event: 'finish', stage: 'embed', summary: '3 done' },
    ]);
  });

  it('on a terminal, redraws the bar in place and prints notes and the finish line above it', () => {
    const out = sink(true);
    const progress = createProgress(out.stream, 'auto');
    progress.start('embed', 4);
    progress.update({ stage: 'embed', done: 4, total: 4 });
    progress.note('a note');
    progress.finish('embed', 'all done');
    const text = out.text();
    expect(text).toContain('embed      [------------------------] 0/4');
    expect(text).toContain('embed      [########################] 4/4');
    expect(text).toContain('\x1b[1A\r\x1b[J'); // moved up over the bar to redraw it
    expect(text).toMatch(/a note\n/);
    expect(text).toMatch(/embed {6}done in \d+\.\ds: all done\n$/);
  });

  it('cuts drawn lines to the terminal width, so a redraw moves up exactly the lines it drew', () => {
    const out = sink(true, 30);
    const writer = createProgressWriter(out.stream, 'tty');
    writer.draw(['x'.repeat(80), 'short']);
    writer.draw(['next']);
    expect(out.text()).toBe(`${'x'.repeat(28)}…\x1b[K\nshort\x1b[K\n\x1b[2A\r\x1b[Jnext\x1b[K\n`);
  });

  it('is silent when quiet', () => {
    const out = sink(true);
    const progress = createProgress(out.stream, 'quiet');
    progress.start('embed', 1);
    progress.note('nothing');
    expect(out.text()).toBe('');
  });
});
