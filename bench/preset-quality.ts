/**
 * Marketplace preset delivery, measured: the share of outputs that pass every quality check, per preset,
 * and the time per preset image, for the demo catalog and for the real fashion-1204 photos used as new products;
 * plus the calibration of the product-fidelity thresholds and an OCR read-back of the drawn copy.
 *
 *   node --import tsx bench/preset-quality.ts [--fashion 24] [--demo 8] [--calibrate 60] [--main-all] [--ocr 6]
 *                                             [--out bench/results/preset-quality.md]
 *
 * Everything runs offline: the local compositor generates, the local embedder (MobileNetV2 on tfjs-wasm)
 * measures product similarity, the local analyzer writes the brief. References for a fashion photo are three
 * other photos of the same article type (no store involved); for the demo, the three best-selling hits of the
 * product's category. The products, the fidelity calibration and the read-backs live in bench/preset-*.ts.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { createLocalStyleAnalyzer } from '../src/adapters/local/analyzer/index.js';
import { createLocalEmbedder } from '../src/adapters/local/embedder/index.js';
import { createLocalCompositor } from '../src/adapters/local/generator/index.js';
import { deliverPresets } from '../src/pipeline/deliver-presets.js';
import type { PresetImageRecord } from '../src/pipeline/delivery-records.js';
import { builtinPresets, type Preset } from '../src/presets/index.js';
import { fidelityThresholdsFor } from '../src/presets/delivery/product-fidelity.js';
import { REPO_ROOT } from '../src/util/paths.js';
import { calibrate, calibrationSection } from './preset-calibration.js';
import { demoProducts, fashionProducts, type BenchProduct } from './preset-products.js';
import { mainImagesOverSet, ocrReadBack } from './preset-readback.js';

interface Args {
  fashion: number;
  demo: number;
  calibrate: number;
  mainAll: boolean;
  ocr: number;
  out: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { fashion: 24, demo: 8, calibrate: 60, mainAll: false, ocr: 6, out: path.join(REPO_ROOT, 'bench/results/preset-quality.md') };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => argv[++i];
    if (flag === '--fashion') args.fashion = Number(value());
    else if (flag === '--demo') args.demo = Number(value());
    else if (flag === '--calibrate') args.calibrate = Number(value());
    else if (flag === '--ocr') args.ocr = Number(value());
    else if (flag === '--main-all') args.mainAll = true;
    else if (flag === '--out') args.out = path.resolve(value());
    else throw new Error(`unknown flag ${flag}`);
  }
  return args;
}

// ---------------------------------------------------------------------------------------------

interface PresetStats {
  images: number;
  passed: number;
  failedReview: number;
  refused: number;
  error: number;
  retried: number;
  seconds: number[];
  failedChecks: Map<string, number>;
}

async function deliverAll(name: string, products: BenchProduct[], presets: Preset[], workDir: string, embedder: ReturnType<typeof createLocalEmbedder>) {
  const analyzer = createLocalStyleAnalyzer();
  const generator = createLocalCompositor();
  const stats = new Map<string, PresetStats>(presets.map((p) => [p.id, { images: 0, passed: 0, failedReview: 0, refused: 0, error: 0, retried: 0, seconds: [], failedChecks: new Map() }]));
  const examples: string[] = [];
  let productSeconds = 0;
  for (const [i, bp] of products.entries()) {
    const brief = await analyzer.analyze({ product: bp.product, references: bp.references });
    const t0 = performance.now();
    const result = await deliverPresets({
      product: bp.product, productImage: bp.photo, references: bp.references, brief, presets, generator, embedder,
      outputDir: path.join(workDir, name, bp.product.newId),
    });
    productSeconds += (performance.now() - t0) / 1000;
    for (const out of result.outputs) {
      const s = stats.get(out.preset) as PresetStats;
      s.images++;
      s.seconds.push(out.seconds);
      if (out.attempts.length > 1) s.retried++;
      if (out.status === 'passed') s.passed++;
      else if (out.status === 'failed-review') s.failedReview++;
      else if (out.status === 'refused') s.refused++;
      else s.error++;
      for (const c of out.checks) if (!c.passed) s.failedChecks.set(c.check, (s.failedChecks.get(c.check) ?? 0) + 1);
      if (out.status !== 'passed' && examples.length < 12) examples.push(describeFailure(bp.product.newId, out));
    }
    process.stderr.write(`${name}: ${i + 1}/${products.length} ${bp.product.newId}\n`);
  }
  return { stats, examples, productSeconds };
}

function describeFailure(id: string, out: PresetImageRecord): string {
  const failed = out.checks.filter((c) => !c.passed).map((c) => `${c.check} (${c.detail})`);
  return `${id} ${out.preset}: ${out.status}${out.reason && !failed.length ? `: ${out.reason}` : ''}${failed.length ? `: ${failed.join('; ')}` : ''}`;
}

function presetTable(stats: Map<string, PresetStats>): string[] {
  const lines = [
    '| preset | images | pass every check | failed review | refused | error | retried | s/image p50 | s/image mean | s/image max | checks failed (kept image) |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  let total = 0;
  let passed = 0;
  for (const [id, s] of stats) {
    total += s.images;
    passed += s.passed;
    const sorted = [...s.seconds].sort((a, b) => a - b);
    const mean = s.seconds.reduce((a, b) => a + b, 0) / Math.max(1, s.seconds.length);
    const checks = [...s.failedChecks].map(([k, v]) => `${k} ×${v}`).join(', ') || '—';
    lines.push(`| ${id} | ${s.images} | ${s.passed} (${pct(s.passed / s.images)}) | ${s.failedReview} | ${s.refused} | ${s.error} | ${s.retried} | ${sorted[Math.floor(sorted.length / 2)]?.toFixed(2)} | ${mean.toFixed(2)} | ${sorted[sorted.length - 1]?.toFixed(2)} | ${checks} |`);
  }
  lines.push(`| **all** | ${total} | ${passed} (${pct(passed / total)}) | | | | | | | | |`);
  return lines;
}

function pct(x: number): string {
  return `${(100 * x).toFixed(0)}%`;
}

function machine(): string {
  const cpus = os.cpus();
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' / ');
  return `${cpus.length} × ${cpus[0]?.model.trim() ?? 'CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, sharp ${sharp.versions.sharp}; load average at start ${load}`;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const command = `node --import tsx bench/preset-quality.ts ${process.argv.slice(2).join(' ')}`.trim();
  const started = new Date();
  const head = [`## Marketplace presets: quality checks and time per image`, '', `Command: \`${command}\``, `Date: ${started.toISOString()}; machine: ${machine()}.`, ''];
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'hitline-preset-bench-'));
  const embedder = createLocalEmbedder();
  const presets = builtinPresets();
  const thresholds = fidelityThresholdsFor(embedder.id);
  const sections: string[] = [];
  try {
    const fashion = args.fashion > 0 || args.calibrate > 0 ? await fashionProducts(Math.max(args.fashion, args.calibrate)) : [];
    if (args.calibrate > 0) {
      const cal = await calibrate(fashion.slice(0, args.calibrate), embedder);
      sections.push(...calibrationSection(cal, thresholds, embedder.id));
    }
    const demo = args.demo > 0 ? await demoProducts(args.demo, path.join(workDir, 'demo-catalog')) : [];
    for (const [name, products] of [['demo', demo], ['fashion', fashion.slice(0, Math.max(0, args.fashion))]] as const) {
      if (products.length === 0) continue;
      const t0 = performance.now();
      const { stats, examples, productSeconds } = await deliverAll(name, products, presets, workDir, embedder);
      sections.push(
        `### ${name === 'demo' ? `Demo catalog (${products.length} new products, drawn by \`hitline demo\`'s generator)` : `fashion-1204 photos as new products (${products.length})`}`, '',
        `All ${presets.length} built-in presets, 1 variant, offline (local compositor, local embedder, local analyzer); ${((performance.now() - t0) / 1000).toFixed(0)} s in all, ` +
          `${(productSeconds / products.length).toFixed(1)} s of delivery per product. Time per image includes generation, fitting, copy, encoding, every check and any retries.`, '',
        ...presetTable(stats), '',
        ...(examples.length ? ['Images that did not pass (first 12):', '', ...examples.map((e) => `- ${e}`), ''] : []),
      );
    }
    if (args.ocr > 0) {
      sections.push('### OCR read-back of the drawn copy', '', `PP-OCRv4 (@gutenye/ocr-node) on the delivered JPEGs of the first ${args.ocr} products of each set.`, '',
        ...(await ocrReadBack([...demo.slice(0, args.ocr), ...fashion.slice(0, args.ocr)], workDir)), '');
    }
    if (args.mainAll) sections.push('### Main images over the whole fashion-1204 set', '', ...(await mainImagesOverSet()), '');
  } finally {
    await embedder.close();
    await rm(workDir, { recursive: true, force: true });
  }
  const previous = (() => {
    try {
      return readFileSync(args.out, 'utf8');
    } catch {
      return '';
    }
  })();
  const marker = '<!-- findings: kept by bench/preset-quality.ts when it rewrites the results above -->';
  const findings = previous.includes(marker) ? previous.slice(previous.indexOf(marker)) : `${marker}\n### Findings\n\n(to be written)\n`;
  mkdirSync(path.dirname(args.out), { recursive: true });
  writeFileSync(args.out, [...head, ...sections, findings].join('\n'));
  process.stderr.write(`wrote ${args.out}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
