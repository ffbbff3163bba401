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
 * product's category.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import type { ReferenceImage } from '../src/ports/style-analyzer.js';
import { createLocalStyleAnalyzer } from '../src/adapters/local/analyzer/index.js';
import { readCsvTable } from '../src/catalog/csv-table.js';
import { readHitCatalog, readNewProducts } from '../src/catalog/read-catalog.js';
import type { HitProduct, NewProduct } from '../src/core/product.js';
import { buildDemoCatalog } from '../src/demo/index.js';
import { createLocalEmbedder } from '../src/adapters/local/embedder/index.js';
import { createLocalCompositor } from '../src/adapters/local/generator/index.js';
import { deliverPresets, type PresetImageRecord } from '../src/pipeline/deliver-presets.js';
import { builtinPresets, type Preset } from '../src/presets/index.js';
import { chooseGenerationSize, fitToPreset } from '../src/presets/delivery/fit-to-preset.js';
import { decodeRgb } from '../src/imaging/image-stats.js';
import { MainImageRefusedError, renderMainImage } from '../src/presets/delivery/main-image.js';
import { checkProductFidelity, fidelityThresholdsFor, locateReferenceProduct, prepareProductReference } from '../src/presets/delivery/product-fidelity.js';
import { encodeForPreset } from '../src/presets/delivery/encode-for-preset.js';
import { checkFill, checkWhiteBackground, decodeForChecks } from '../src/presets/delivery/quality-checks.js';
import type { ProductRecord } from '../src/ports/vector-store.js';
import { REPO_ROOT, fashionDataDir } from '../src/util/paths.js';
import { bestMatch, readText } from '../test/presets/delivery/ocr.js';

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

/** One new product with everything deliverPresets needs. */
interface BenchProduct {
  product: NewProduct;
  photo: Buffer;
  references: ReferenceImage[];
}

const COPY = { title_zh: '新品上市', price: '$29.99', badge: 'NEW' };

function record(id: string, h: Partial<HitProduct> & { imagePath: string }): ProductRecord {
  return {
    id, category: h.category ?? '', color: h.color ?? '', style: h.style ?? '', season: h.season ?? '', salesCount: h.salesCount ?? 0, price: h.price ?? null,
    description: h.description ?? '', imagePath: h.imagePath, imageHash: id, attributes: {}, keywords: '',
  };
}

async function fashionProducts(count: number): Promise<BenchProduct[]> {
  const dir = fashionDataDir();
  const styles = await readCsvTable(path.join(dir, 'styles.csv'), { required: ['id', 'articletype', 'productdisplayname'], known: [] });
  const rows = styles.rows.map((r) => ({ id: r.cell('id'), type: r.cell('articletype'), colour: r.cell('basecolour'), usage: r.cell('usage'), season: r.cell('season'), name: r.cell('productdisplayname') }));
  const byType = new Map<string, typeof rows>();
  for (const r of rows) byType.set(r.type, [...(byType.get(r.type) ?? []), r]);
  // Every k-th photo (in id order) whose article type has at least 4 photos, so 3 references exist.
  const eligible = rows.filter((r) => (byType.get(r.type)?.length ?? 0) >= 4).sort((a, b) => Number(a.id) - Number(b.id));
  const step = Math.max(1, Math.floor(eligible.length / count));
  const out: BenchProduct[] = [];
  for (let i = 0; i < eligible.length && out.length < count; i += step) {
    const r = eligible[i];
    const refs = (byType.get(r.type) ?? []).filter((x) => x.id !== r.id).slice(0, 3);
    out.push({
      product: {
        newId: `F${r.id}`, imagePath: `${r.id}.jpg`, category: r.type, style: r.usage, season: r.season, promptHint: r.name,
        attributes: { title: r.name.slice(0, 60), ...COPY },
      },
      photo: await readFile(path.join(dir, 'images', `${r.id}.jpg`)),
      references: await Promise.all(refs.map(async (x) => ({
        product: record(x.id, { imagePath: path.join(dir, 'images', `${x.id}.jpg`), category: x.type, color: x.colour, style: x.usage, season: x.season, description: x.name }),
        bytes: await readFile(path.join(dir, 'images', `${x.id}.jpg`)),
      }))),
    });
  }
  return out;
}

async function demoProducts(count: number, dir: string): Promise<BenchProduct[]> {
  const demo = await buildDemoCatalog(dir, { newProducts: count });
  const hits = (await readHitCatalog(demo.catalogCsv, demo.imagesDir)).rows;
  const news = (await readNewProducts(demo.newCsv, demo.newImagesDir)).rows;
  return Promise.all(news.map(async (n) => {
    const top = hits.filter((h) => h.value.category === n.value.category).sort((a, b) => b.value.salesCount - a.value.salesCount).slice(0, 3);
    return {
      product: { ...n.value, attributes: { ...n.value.attributes, title: n.value.promptHint.slice(0, 60) || n.value.category, ...COPY } },
      photo: await readFile(n.imageAbsPath),
      references: await Promise.all(top.map(async (h) => ({ product: record(h.value.productId, { ...h.value, imagePath: h.imageAbsPath }), bytes: await readFile(h.imageAbsPath) }))),
    };
  }));
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

// ---------------------------------------------------------------------------------------------
// Fidelity calibration: the same fitted composite, faithful and with the product changed.

interface Sample {
  colour: number;
  similarity: number;
}

async function calibrate(products: BenchProduct[], embedder: ReturnType<typeof createLocalEmbedder>) {
  const generator = createLocalCompositor();
  const preset = builtinPresets().find((p) => p.id === 'tiktok-feed') as Preset;
  const size = chooseGenerationSize(preset, generator);
  const classes: Record<string, Sample[]> = { faithful: [], 'hue +180°': [], 'hue +60°': [], 'another product': [] };
  let chromatic = 0;
  for (const [i, bp] of products.entries()) {
    const ref = await prepareProductReference(bp.photo, { embedder });
    const other = products[(i + 7) % products.length];
    const make = async (photo: Buffer) => (await generator.generate({
      product: bp.product, productImage: photo, references: bp.references, brief: BRIEF, prompt: '', aspectRatio: size.aspectRatio, sizeTier: size.sizeTier, variant: 1,
    })).images[0].bytes;
    const faithful = await make(bp.photo);
    const variants: Array<[string, Buffer]> = [
      ['faithful', faithful],
      ['hue +180°', await sharp(faithful).modulate({ hue: 180 }).png().toBuffer()],
      ['hue +60°', await sharp(faithful).modulate({ hue: 60 }).png().toBuffer()],
      ['another product', await make(other.photo)],
    ];
    // Hue turns only change coloured products: count how many have a saturated main colour.
    if (ref.mainColours.some((c) => Math.max(...c.rgb) - Math.min(...c.rgb) > 40)) chromatic++;
    for (const [name, bytes] of variants) {
      const located = locateReferenceProduct(await decodeRgb(bytes, 512), ref);
      const fitted = await fitToPreset(bytes, preset, { productBox: located.confidence >= 0.35 ? located.box : undefined });
      const r = await checkProductFidelity(fitted.image, ref, { embedder });
      const value = (check: string) => Number(r.checks.find((c) => c.check === check)?.value);
      classes[name].push({ colour: value('product-colour'), similarity: value('product-similarity') });
    }
    process.stderr.write(`calibrate: ${i + 1}/${products.length}\n`);
  }
  return { classes, chromatic, n: products.length };
}

const BRIEF = {
  scene: 'studio', background: 'plain light backdrop', lighting: 'soft', colorTone: 'neutral', palette: ['#eeeeee'], composition: 'centred',
  pose: 'product laid out', mood: 'clean', props: [], negatives: [], prompt: 'clean studio product photo',
};

function quantiles(values: number[]): string {
  const s = [...values].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * (s.length - 1)))];
  return `${q(0).toFixed(3)} / ${q(0.05).toFixed(3)} / ${q(0.5).toFixed(3)} / ${q(0.95).toFixed(3)} / ${q(1).toFixed(3)}`;
}

// ---------------------------------------------------------------------------------------------

async function mainImagesOverSet(): Promise<string[]> {
  const dir = path.join(fashionDataDir(), 'images');
  const files = readdirSync(dir).filter((f) => f.endsWith('.jpg')).sort();
  const preset = builtinPresets().find((p) => p.id === 'tiktok-main') as Preset;
  let compliant = 0;
  let refused = 0;
  let nonCompliant = 0;
  const refusals = new Map<string, number>();
  const t0 = performance.now();
  for (const [i, f] of files.entries()) {
    try {
      const main = await renderMainImage(await readFile(path.join(dir, f)), preset);
      const pixels = await decodeForChecks((await encodeForPreset(main.image, preset)).bytes);
      if (checkWhiteBackground(pixels, { productMask: main.productMask }).passed && checkFill(pixels, preset.minFill).passed) compliant++;
      else nonCompliant++;
    } catch (error) {
      if (!(error instanceof MainImageRefusedError)) throw error;
      refused++;
      for (const r of error.reasons) refusals.set(r.split(/[:(]/)[0].replace(/\d+%/g, 'N%').trim(), (refusals.get(r.split(/[:(]/)[0].replace(/\d+%/g, 'N%').trim()) ?? 0) + 1);
    }
    if ((i + 1) % 100 === 0) process.stderr.write(`main images: ${i + 1}/${files.length}\n`);
  }
  const seconds = (performance.now() - t0) / 1000;
  return [
    `All ${files.length} photos of fashion-1204 as ${preset.id} (${preset.width}×${preset.height}), checked on the encoded JPEG: ` +
      `**${compliant} compliant** (exact white background and ≥${Math.round(preset.minFill * 100)}% fill), ${nonCompliant} non-compliant, ${refused} refused ` +
      `(cut-out unreliable); ${(seconds / files.length).toFixed(2)} s per photo (cut-out, composite, encode, decode, checks).`,
    ...(refusals.size ? ['', 'Refusal reasons: ' + [...refusals].map(([k, v]) => `${k} ×${v}`).join('; ') + '.'] : []),
  ];
}

async function ocrReadBack(products: BenchProduct[], workDir: string): Promise<string[]> {
  const ids = ['banner-4x1', 'tiktok-feed', 'independent-3x4'];
  const rows = ['| product | preset | title | Chinese title | price | badge |', '|---|---|---|---|---|---|'];
  let exact = 0;
  let total = 0;
  for (const bp of products) {
    for (const id of ids) {
      const file = path.join(workDir, bp.product.newId.startsWith('F') ? 'fashion' : 'demo', bp.product.newId, `${id}-1.jpg`);
      let bytes: Buffer;
      try {
        bytes = readFileSync(file);
      } catch {
        continue;
      }
      const lines = await readText(await decodeRgb(bytes, 4096));
      const want = { title: bp.product.attributes.title, zh: COPY.title_zh, price: COPY.price, badge: COPY.badge };
      const cells = Object.values(want).map((w) => {
        const d = bestMatch(w, lines);
        total++;
        if (d === 0) exact++;
        return d === 0 ? 'exact' : `${d} edit${d > 1 ? 's' : ''}`;
      });
      rows.push(`| ${bp.product.newId} | ${id} | ${cells.join(' | ')} |`);
    }
  }
  return [`${exact} of ${total} drawn strings read back exactly (edit distance 0 after NFKC, ignoring spaces and case).`, '', ...rows];
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
      const rows = Object.entries(cal.classes).map(([name, samples]) => {
        const failColour = samples.filter((s) => s.colour > thresholds.maxColourDeltaE).length;
        const failSim = samples.filter((s) => s.similarity < thresholds.minSimilarity).length;
        const failEither = samples.filter((s) => s.colour > thresholds.maxColourDeltaE || s.similarity < thresholds.minSimilarity).length;
        return `| ${name} | ${samples.length} | ${quantiles(samples.map((s) => s.colour))} | ${quantiles(samples.map((s) => s.similarity))} | ${failColour} (${pct(failColour / samples.length)}) | ${failSim} (${pct(failSim / samples.length)}) | ${failEither} (${pct(failEither / samples.length)}) |`;
      });
      sections.push(
        '### Product fidelity: threshold calibration', '',
        `${cal.n} fashion-1204 photos as new products; the local compositor's tiktok-feed composite of each, fitted to 1080×1440, measured as`,
        'delivered (faithful), with its hue turned (the classic "the model changed my colour" failure) and with another product composited instead.',
        `${cal.chromatic} of the ${cal.n} products have a saturated main colour; a hue turn cannot change the others (black, white, grey, beige), so those rows of the hue classes are expected to pass.`,
        `Thresholds in force for ${embedder.id}: colour ΔE ≤ ${thresholds.maxColourDeltaE}, similarity ≥ ${thresholds.minSimilarity}.`, '',
        '| class | n | colour ΔE min / p5 / p50 / p95 / max | similarity min / p5 / p50 / p95 / max | fail colour | fail similarity | fail either (= retry) |',
        '|---|---|---|---|---|---|---|',
        ...rows, '',
      );
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
