import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCostLedger, readCostLedger, summarizeCosts, type CostLedgerEntry } from '../../../src/pipeline/cost-ledger.js';

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'hitline-ledger-'));
  file = path.join(dir, 'sub', 'costs.jsonl');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function entry(over: Partial<CostLedgerEntry> = {}): CostLedgerEntry {
  return { time: '2026-03-10T12:00:00.000Z', runId: 'run-1', productId: 'NEW001', stage: 'generate', model: 'google/gemini-3.1-flash-image-preview', promptTokens: 1500, completionTokens: 1290, cost: 0.101, images: 1, ...over };
}

describe('cost ledger', () => {
  it('appends one JSON line per call and reads them back', async () => {
    const ledger = openCostLedger(file);
    await ledger.append(entry());
    await ledger.append(entry({ stage: 'analyze', model: 'qwen/qwen3.5-397b-a17b', cost: 0.0021, images: undefined }));
    const text = await readFile(file, 'utf8');
    expect(text.split('\n')).toHaveLength(3);
    expect(text.endsWith('\n')).toBe(true);
    const { entries, skipped } = await ledger.read();
    expect(skipped).toEqual([]);
    expect(entries).toHaveLength(2);
    expect(entries[0]).toEqual(entry());
  });

  it('records adapter usage reports through a sink with run and product context', async () => {
    const ledger = openCostLedger(file);
    const sink = ledger.sink({ runId: 'run-7', productId: 'NEW004', now: () => new Date('2026-03-10T08:00:00Z') });
    sink({ stage: 'analyze', model: 'qwen/qwen3.5-397b-a17b', promptTokens: 900, completionTokens: 300, cost: 0.00162, generationId: 'gen-9', note: 'repair' });
    sink({ stage: 'embed', model: 'nvidia/llama-nemotron-embed-vl-1b-v2', promptTokens: 64, completionTokens: 0 });
    await ledger.flush();
    const { entries } = await ledger.read();
    expect(entries).toEqual([
      { time: '2026-03-10T08:00:00.000Z', runId: 'run-7', productId: 'NEW004', stage: 'analyze', model: 'qwen/qwen3.5-397b-a17b', promptTokens: 900, completionTokens: 300, cost: 0.00162, generationId: 'gen-9', note: 'repair' },
      { time: '2026-03-10T08:00:00.000Z', runId: 'run-7', productId: 'NEW004', stage: 'embed', model: 'nvidia/llama-nemotron-embed-vl-1b-v2', promptTokens: 64, completionTokens: 0, cost: null },
    ]);
  });

  it('skips a torn last line and starts the next append on a fresh line', async () => {
    const ledger = openCostLedger(file);
    await ledger.append(entry({ productId: 'A' }));
    await ledger.append(entry({ productId: 'B' }));
    // A crash mid-write leaves half a line without its newline.
    await appendFile(file, JSON.stringify(entry({ productId: 'C' })).slice(0, 40));
    let read = await readCostLedger(file);
    expect(read.entries.map((e) => e.productId)).toEqual(['A', 'B']);
    expect(read.skipped).toEqual([{ line: 3, reason: 'torn last line (an interrupted write)' }]);

    await openCostLedger(file).append(entry({ productId: 'D' }));
    read = await readCostLedger(file);
    expect(read.entries.map((e) => e.productId)).toEqual(['A', 'B', 'D']);
    expect(read.skipped).toEqual([{ line: 3, reason: 'not valid JSON' }]);
  });

  it('keeps many concurrent appends whole and in order', async () => {
    const ledger = openCostLedger(file);
    await Promise.all(Array.from({ length: 50 }, (_, i) => ledger.append(entry({ productId: `P${i}` }))));
    const { entries, skipped } = await ledger.read();
    expect(skipped).toEqual([]);
    expect(entries.map((e) => e.productId)).toEqual(Array.from({ length: 50 }, (_, i) => `P${i}`));
  });

  it('reads a missing file as empty and ignores lines that are not entries', async () => {
    expect(await readCostLedger(path.join(dir, 'none.jsonl'))).toEqual({ entries: [], skipped: [] });
    await writeFile(path.join(dir, 'odd.jsonl'), `${JSON.stringify(entry())}\n{"hello":1}\n\n`);
    const read = await readCostLedger(path.join(dir, 'odd.jsonl'));
    expect(read.entries).toHaveLength(1);
    expect(read.skipped).toEqual([{ line: 2, reason: 'not a ledger entry (missing time, runId, stage or model)' }]);
  });

  it('sums by product, stage, model and in total', () => {
    const summary = summarizeCosts([
      entry({ productId: 'NEW001', cost: 0.101 }),
      entry({ productId: 'NEW001', stage: 'analyze', model: 'qwen/qwen3.5-397b-a17b', cost: 0.002, images: undefined, promptTokens: 1000, completionTokens: 200 }),
      entry({ productId: 'NEW002', cost: 0.101 }),
      entry({ productId: undefined, stage: 'embed', model: 'nvidia/llama-nemotron-embed-vl-1b-v2', cost: null, images: undefined, promptTokens: 320, completionTokens: 0 }),
    ]);
    expect(summary.total).toEqual({ calls: 4, cost: 0.204, callsWithoutCost: 1, promptTokens: 1500 + 1000 + 1500 + 320, completionTokens: 1290 + 200 + 1290, images: 2 });
    expect(summary.byProduct.NEW001.cost).toBe(0.103);
    expect(summary.byProduct.NEW002.calls).toBe(1);
    expect(summary.byProduct['(catalog)'].calls).toBe(1);
    expect(summary.byStage.generate).toMatchObject({ calls: 2, cost: 0.202, images: 2 });
    expect(summary.byStage.analyze.cost).toBe(0.002);
    expect(summary.byModel['qwen/qwen3.5-397b-a17b'].completionTokens).toBe(200);
  });

  it('a failed sink write surfaces on flush, and later writes still happen', async () => {
    // The ledger path is a directory, so appends fail.
    const ledger = openCostLedger(dir);
    ledger.sink({ runId: 'r' })({ stage: 'embed', model: 'm', promptTokens: 1, completionTokens: 0 });
    await expect(ledger.flush()).rejects.toThrow();
    await expect(ledger.flush()).resolves.toBeUndefined();
  });
});
