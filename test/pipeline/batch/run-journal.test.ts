import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JOURNAL_FILE, RunJournal, RunNotFoundError } from '../../../src/pipeline/batch/run-journal.js';
import { SingleFlight } from '../../../src/pipeline/batch/single-flight.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'hitline-journal-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('RunJournal', () => {
  it('records the request and finished products, and a resume reads them back', async () => {
    const journal = await RunJournal.create(dir, 'run-1', { newCsv: '/data/new.csv', size: '2K' });
    await journal.productFinished('P1', 'a'.repeat(64), { status: 'done', outputs: ['promo-1.png'] });
    await journal.productFinished('P2', 'b'.repeat(64), { status: 'failed' });
    await journal.productFinished('P2', 'b'.repeat(64), { status: 'done' }); // the last record wins
    await journal.end('stopped', { reason: 'budget', message: 'budget of $1.00 reached' });

    const manifest = await RunJournal.readManifest<{ newCsv: string }>(dir);
    expect(manifest).toMatchObject({ runId: 'run-1', status: 'stopped', request: { newCsv: '/data/new.csv' }, stop: { reason: 'budget' } });

    const resumed = await RunJournal.resume(dir);
    expect(resumed.request).toEqual({ newCsv: '/data/new.csv', size: '2K' });
    const done = await resumed.finishedProducts();
    expect([...done.keys()]).toEqual(['P1', 'P2']);
    expect(done.get('P2')!.summary).toEqual({ status: 'done' });
    expect(resumed.current.sessions.map((s) => s.resumed)).toEqual([false, true]);
    expect(resumed.current.status).toBe('running');
    expect(resumed.current.stop).toBeUndefined();
  });

  it('skips a record torn by a kill, and the next record still reads', async () => {
    const journal = await RunJournal.create(dir, 'run-2', {});
    await journal.productFinished('P1', 'a'.repeat(64), { ok: 1 });
    // What a kill -9 in the middle of an append leaves behind.
    await appendFile(path.join(dir, JOURNAL_FILE), '\n{"type":"product","time":"2026-01-01","newId":"P2","imageHa');
    await journal.productFinished('P3', 'c'.repeat(64), { ok: 3 });
    const done = await journal.finishedProducts();
    expect([...done.keys()]).toEqual(['P1', 'P3']);
    expect((await readFile(path.join(dir, JOURNAL_FILE), 'utf8')).split('\n').filter(Boolean)).toHaveLength(3);
  });

  it('says how to find a run that does not exist', async () => {
    await expect(RunJournal.resume(path.join(dir, 'nope'))).rejects.toBeInstanceOf(RunNotFoundError);
    await expect(RunJournal.readManifest(path.join(dir, 'nope'))).rejects.toThrow(/no run record at/);
  });
});

describe('SingleFlight', () => {
  it('runs one computation per key at a time and shares its result', async () => {
    const flight = new SingleFlight();
    let calls = 0;
    const work = () =>
      new Promise<number>((resolve) => {
        const id = ++calls;
        setTimeout(() => resolve(id), 20);
      });
    const [a, b, c] = await Promise.all([flight.run('k', work), flight.run('k', work), flight.run('other', work)]);
    expect(calls).toBe(2);
    expect(a).toBe(b);
    expect(c).not.toBe(a);
    expect(flight.size).toBe(0);
    // Once finished, the key can run again; a synchronous throw becomes a rejection.
    await expect(flight.run('k', () => { throw new Error('boom'); })).rejects.toThrow('boom');
    expect(await flight.run('k', work)).toBe(3);
  });
});
