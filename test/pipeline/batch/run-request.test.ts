import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkRunId, requestOf, resumedRequest } from '../../../src/pipeline/batch/run-request.js';
import { describeStop, runExitCode } from '../../../src/pipeline/batch/stop-report.js';
import { UserInputError } from '../../../src/core/errors.js';

const flags = { new: 'data/new.csv', images: 'data/new', aspect: '3:4', size: '2K', variants: 1, references: 1, top: 3, perLeg: 20, rrfK: 60, minSales: 1500 } as const;

describe('--resume', () => {
  it('records absolute input paths, and a resume repeats them with only the budget changeable', () => {
    const recorded = requestOf({ ...flags, budget: 5 });
    expect(recorded.new).toBe(path.resolve('data/new.csv'));
    expect(resumedRequest(recorded, {}, 'r1')).toEqual(recorded);
    expect(resumedRequest(recorded, { budget: 20 }, 'r1').budget).toBe(20);
    // The original command with --resume appended: same values are fine.
    expect(resumedRequest(recorded, { new: 'data/new.csv', size: '2K', aspect: '3:4' }, 'r1')).toEqual(recorded);
  });

  it('refuses to change a setting that decides the results, naming the flag', () => {
    const recorded = requestOf(flags);
    expect(() => resumedRequest(recorded, { size: '4K' }, 'r1')).toThrow(/run r1 was started with --size "2K"; --resume cannot change it to "4K"/);
    expect(() => resumedRequest(recorded, { minSales: 10 }, 'r1')).toThrow(/--min-sales/);
    expect(() => resumedRequest(recorded, { model: 'google/gemini-3-pro-image-preview' }, 'r1')).toThrow(/--model null/);
  });

  it('keeps the marketplace presets of the run: the same list again is fine, another one is refused', () => {
    const recorded = requestOf({ ...flags, preset: ['amazon-main', 'shopee-square'], presetsFile: 'presets.json' });
    expect(recorded.presetsFile).toBe(path.resolve('presets.json'));
    expect(resumedRequest(recorded, { preset: ['amazon-main', 'shopee-square'], presetsFile: './presets.json' }, 'r1')).toEqual(recorded);
    expect(() => resumedRequest(recorded, { preset: ['amazon-main'] }, 'r1')).toThrow(/--preset \["amazon-main","shopee-square"\]/);
    const plain = requestOf({ ...flags, preset: [], staged: false });
    expect(plain.preset).toBeUndefined();
    expect(resumedRequest(plain, { preset: [], staged: false }, 'r1')).toEqual(plain);
    expect(() => resumedRequest(plain, { staged: true }, 'r1')).toThrow(/--staged/);
  });

  it('accepts only a plain run id, never a path', () => {
    expect(checkRunId('20261121-073012-3fa9')).toBe('20261121-073012-3fa9');
    for (const bad of ['../other', '..', '.', 'a/b', '', '-x', 'a b']) expect(() => checkRunId(bad)).toThrow(UserInputError);
  });
});

describe('stop report and exit code', () => {
  const base = { runId: 'r1', inputProblems: [], totals: { products: 10, done: 10, failed: 0, pending: 0 } };

  it('0 when everything is done, 1 when a product failed or a row was unreadable', () => {
    expect(runExitCode(base)).toBe(0);
    expect(runExitCode({ ...base, totals: { ...base.totals, done: 9, failed: 1 } })).toBe(1);
    expect(runExitCode({ ...base, inputProblems: [{}] })).toBe(1);
    expect(describeStop(base, '/ws')).toEqual([]);
  });

  it('3 after a budget stop, with what was done, what remains and the command to go on', () => {
    const run = { ...base, totals: { products: 10, done: 4, failed: 0, pending: 6 }, stop: { reason: 'budget', message: 'budget of $1.00 reached: …' }, budget: { limitUsd: 1, spentUsd: 0.93 } };
    expect(runExitCode(run)).toBe(3);
    const lines = describeStop(run, '/data/my ws');
    expect(lines[0]).toBe('Budget of $1.00 reached: 4 of 10 product(s) done, 6 not done; spent $0.93. No paid call was started that could have passed the budget.');
    expect(lines[2]).toBe("Continue with a larger budget: hitline run --resume r1 --workspace '/data/my ws' --budget <USD>");
  });

  it('130 after Ctrl-C, saying how to resume', () => {
    const run = { ...base, totals: { products: 10, done: 2, failed: 1, pending: 7 }, stop: { reason: 'interrupted', message: 'interrupted (Ctrl-C)' } };
    expect(runExitCode(run)).toBe(130);
    expect(describeStop(run, '/ws')).toEqual([
      'Interrupted: 2 of 10 product(s) done, 7 not done, 1 failed. Every result that arrived is stored and will not be paid for again.',
      'Resume with: hitline run --resume r1 --workspace /ws',
    ]);
  });
});
