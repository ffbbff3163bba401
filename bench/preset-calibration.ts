/**
 * Calibration of the product-fidelity thresholds: the same fitted composite measured as delivered (faithful),
 * with its hue turned (the classic "the model changed my colour" failure) and with another product composited
 * instead; the distributions of the colour difference (CIEDE2000) and the similarity per class, and the error
 * rates of the thresholds in force and of the colour threshold the rule picks (see COLOUR_HEADROOM).
 */
import sharp from 'sharp';
import type { createLocalEmbedder } from '../src/adapters/local/embedder/index.js';
import { createLocalCompositor } from '../src/adapters/local/generator/index.js';
import { decodeRgb } from '../src/imaging/decode.js';
import { builtinPresets, type Preset } from '../src/presets/index.js';
import { chooseGenerationSize, fitToPreset } from '../src/presets/delivery/fit-to-preset.js';
import { checkProductFidelity, locateReferenceProduct, prepareProductReference, type FidelityThresholds } from '../src/presets/delivery/product-fidelity.js';
import type { BenchProduct } from './preset-products.js';

/**
 * The rule the colour threshold is chosen by: no faithful composite may fail, with the headroom over the largest
 * faithful difference that the first (CIE76) threshold had: 18 over a faithful maximum of 8.0, so 2.25 ×.
 */
const COLOUR_HEADROOM = 18 / 8.0;

const CLASSES = ['faithful', 'hue +180°', 'hue +60°', 'another product'] as const;
type SampleClass = (typeof CLASSES)[number];

interface Sample {
  colour: number;
  similarity: number;
  /** Whether the product has a saturated main colour (a hue turn can only change those). */
  chromatic: boolean;
}

export interface Calibration {
  classes: Record<SampleClass, Sample[]>;
  n: number;
}

const BRIEF = {
  scene: 'studio', background: 'plain light backdrop', lighting: 'soft', colorTone: 'neutral', palette: ['#eeeeee'], composition: 'centred',
  pose: 'product laid out', mood: 'clean', props: [], negatives: [], prompt: 'clean studio product photo',
};

export async function calibrate(products: BenchProduct[], embedder: ReturnType<typeof createLocalEmbedder>): Promise<Calibration> {
  const generator = createLocalCompositor();
  const preset = builtinPresets().find((p) => p.id === 'tiktok-feed') as Preset;
  const size = chooseGenerationSize(preset, generator);
  const classes = Object.fromEntries(CLASSES.map((c) => [c, [] as Sample[]])) as Record<SampleClass, Sample[]>;
  for (const [i, bp] of products.entries()) {
    const ref = await prepareProductReference(bp.photo, { embedder });
    const other = products[(i + 7) % products.length];
    const make = async (photo: Buffer) => (await generator.generate({
      product: bp.product, productImage: photo, references: bp.references, brief: BRIEF, prompt: '', aspectRatio: size.aspectRatio, sizeTier: size.sizeTier, variant: 1,
    })).images[0].bytes;
    const faithful = await make(bp.photo);
    const variants: Array<[SampleClass, Buffer]> = [
      ['faithful', faithful],
      ['hue +180°', await sharp(faithful).modulate({ hue: 180 }).png().toBuffer()],
      ['hue +60°', await sharp(faithful).modulate({ hue: 60 }).png().toBuffer()],
      ['another product', await make(other.photo)],
    ];
    const chromatic = ref.mainColours.some((c) => Math.max(...c.rgb) - Math.min(...c.rgb) > 40);
    for (const [name, bytes] of variants) {
      const located = locateReferenceProduct(await decodeRgb(bytes, 512), ref);
      const fitted = await fitToPreset(bytes, preset, { productBox: located.confidence >= 0.35 ? located.box : undefined });
      const r = await checkProductFidelity(fitted.image, ref, { embedder });
      const value = (check: string) => Number(r.checks.find((c) => c.check === check)?.value);
      classes[name].push({ colour: value('product-colour'), similarity: value('product-similarity'), chromatic });
    }
    process.stderr.write(`calibrate: ${i + 1}/${products.length}\n`);
  }
  return { classes, n: products.length };
}

/** The markdown section: distributions, error rates in force, and the colour threshold the rule picks. */
export function calibrationSection(cal: Calibration, thresholds: FidelityThresholds, embedderId: string): string[] {
  const faithfulMax = Math.max(...cal.classes.faithful.map((s) => s.colour));
  const ruled = Math.round(COLOUR_HEADROOM * faithfulMax);
  const chromatic = cal.classes.faithful.filter((s) => s.chromatic).length;
  const failing = (samples: Sample[], fails: (s: Sample) => boolean) => {
    const k = samples.filter(fails).length;
    return `${k} (${pct(k / samples.length)})`;
  };
  const rows = CLASSES.map((name) => {
    const samples = cal.classes[name];
    const colourFails = (s: Sample) => s.colour > thresholds.maxColourDeltaE;
    const similarityFails = (s: Sample) => s.similarity < thresholds.minSimilarity;
    return `| ${name} | ${samples.length} | ${quantiles(samples.map((s) => s.colour))} | ${quantiles(samples.map((s) => s.similarity))} | ` +
      `${failing(samples, colourFails)} | ${failing(samples.filter((s) => s.chromatic), colourFails)} | ${failing(samples, similarityFails)} | ` +
      `${failing(samples, (s) => colourFails(s) || similarityFails(s))} |`;
  });
  const ruleRows = CLASSES.map((name) => {
    const samples = cal.classes[name];
    return `| ${name} | ${failing(samples, (s) => s.colour > ruled)} | ${failing(samples.filter((s) => s.chromatic), (s) => s.colour > ruled)} |`;
  });
  return [
    '### Product fidelity: threshold calibration', '',
    `${cal.n} fashion-1204 photos as new products; the local compositor's tiktok-feed composite of each, fitted to 1080×1440, measured as`,
    'delivered (faithful), with its hue turned (the classic "the model changed my colour" failure) and with another product composited instead.',
    `Colour difference is CIEDE2000 (ΔE00, culori's differenceCiede2000) from each main product colour to the nearest colour of the located region, share-weighted.`,
    `${chromatic} of the ${cal.n} products have a saturated main colour; a hue turn cannot change the others (black, white, grey, beige), so those rows of the hue classes are expected to pass ("chromatic" columns count only the saturated ones).`,
    `Thresholds in force for ${embedderId}: colour ΔE00 ≤ ${thresholds.maxColourDeltaE}, similarity ≥ ${thresholds.minSimilarity}.`, '',
    '| class | n | colour ΔE00 min / p5 / p50 / p95 / max | similarity min / p5 / p50 / p95 / max | fail colour | fail colour, chromatic | fail similarity | fail either (= retry) |',
    '|---|---|---|---|---|---|---|---|',
    ...rows, '',
    `Colour threshold by the rule (no faithful composite fails; headroom ${COLOUR_HEADROOM.toFixed(2)} × the faithful maximum ${faithfulMax.toFixed(1)}, rounded): **ΔE00 ≤ ${ruled}**.`, '',
    `| class | fail colour at ΔE00 ${ruled} | chromatic only |`,
    '|---|---|---|',
    ...ruleRows, '',
  ];
}

function quantiles(values: number[]): string {
  const s = [...values].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * (s.length - 1)))];
  return `${q(0).toFixed(3)} / ${q(0.05).toFixed(3)} / ${q(0.5).toFixed(3)} / ${q(0.95).toFixed(3)} / ${q(1).toFixed(3)}`;
}

function pct(x: number): string {
  return `${(100 * x).toFixed(0)}%`;
}
