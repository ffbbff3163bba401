/**
 * `hitline run --preset`: every requested preset for every product, named <preset>-<n>.<ext>, at the
 * preset's exact pixels and format, with its quality checks recorded in summary.json.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoCatalog } from '../../src/demo/index.js';
import type { ProductSummaryWithPresets } from '../../src/pipeline/preset-delivery.js';
import type { RunSummary } from '../../src/core/run-summary.js';
import { runCli } from '../helpers/capture.js';

let tmp: string;
let ws: string;
let demo: Awaited<ReturnType<typeof buildDemoCatalog>>;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'hitline-presets-'));
  ws = path.join(tmp, 'ws');
  demo = await buildDemoCatalog(path.join(tmp, 'catalog'), { hits: 20, newProducts: 2, seed: 5 });
  await runCli(['ingest', '--catalog', demo.catalogCsv, '--images', demo.imagesDir, '--workspace', ws]);
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('hitline run --preset', () => {
  it('makes each preset at its exact size, main images on pure white, with checks in the summary', async () => {
    const { code, stdout, stderr } = await runCli([
      'run', '--new', demo.newCsv, '--images', demo.newImagesDir, '--workspace', ws, '--size', '0.5K',
      '--preset', 'tiktok-main', '--preset', 'thumb-512', '--json',
    ]);
    expect(stderr).toBe('');
    const summary = JSON.parse(stdout) as RunSummary;
    expect(code).toBe(summary.totals.failed > 0 ? 1 : 0);
    const runDir = path.join(ws, 'runs', summary.runId);
    for (const p of summary.products as ProductSummaryWithPresets[]) {
      expect(p.status).toBe('done');
      const byPreset = new Map((p.presets ?? []).map((r) => [r.preset, r]));
      expect([...byPreset.keys()].sort()).toEqual(['thumb-512', 'tiktok-main']);
      const main = byPreset.get('tiktok-main')!;
      expect(main.file).toBe('tiktok-main-1.jpg');
      expect(main.status).toBe('passed');
      const mainFile = path.join(runDir, path.dirname(p.outputs[0].file), main.file!);
      const meta = await sharp(mainFile).metadata();
      expect([meta.width, meta.height, meta.format]).toEqual([1080, 1080, 'jpeg']);
      const corner = await sharp(mainFile).extract({ left: 0, top: 0, width: 8, height: 8 }).raw().toBuffer();
      expect([...corner].every((v) => v === 255)).toBe(true);
      const thumb = byPreset.get('thumb-512')!;
      expect(thumb.file).toMatch(/^thumb-512-1\.(jpg|webp)$/);
      expect([thumb.width, thumb.height]).toEqual([512, 512]);
      expect(thumb.checks.length).toBeGreaterThan(0);
      expect(p.outputs.some((o) => o.file.endsWith(thumb.file!))).toBe(true);
    }
  });

  it('an unknown preset is a clear error, not a crash', async () => {
    const { code, stderr } = await runCli(['run', '--new', demo.newCsv, '--images', demo.newImagesDir, '--workspace', ws, '--preset', 'amazon-mian']);
    expect(stderr).toMatch(/amazon-mian/);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(code).not.toBe(0);
  });
});
