/**
 * The offline StyleAnalyzer: measures each reference photo (palette, light, backdrop, subject placement),
 * aggregates the measurements weighted toward the best match, and reads the references' and the new
 * product's rows (category, style, season, description, prompt hint). Every field of the brief comes
 * from one of those; nothing is made up.
 */
import type { NewProduct } from '../../../core/product.js';
import { type ImageStats, measureImage } from '../../../imaging/image-stats.js';
import type { ProductRecord } from '../../../ports/vector-store.js';
import { HitlineError, UserInputError } from '../../../core/errors.js';
import type { AnalyzeRequest, StyleAnalyzer } from '../../../ports/style-analyzer.js';
import { type StyleBrief, styleBriefProblems } from '../../../core/style-brief.js';
import { aggregateStats, referenceWeights } from './aggregate.js';
import { clipWords, composeBriefPrompt } from './brief-prompt.js';
import { describeBackground, describeColorTone, describeComposition, describeLighting, describeMood, describePose, describeScene, promptPalette } from './describe.js';
import { type ProductKind, productKind } from '../../../search/product-kind.js';
import { propsFromDescriptions } from './props.js';

export const LOCAL_STYLE_ANALYZER_ID = 'local/measured@1';

export function createLocalStyleAnalyzer(): StyleAnalyzer {
  return {
    id: LOCAL_STYLE_ANALYZER_ID,
    provider: 'local',
    model: 'measured',
    paid: false,
    async analyze(request: AnalyzeRequest): Promise<StyleBrief> {
      const { product, references, signal } = request;
      if (references.length === 0) {
        throw new HitlineError(`no reference images to analyze for new product "${product.newId}"`, {
          hint: `Check that the catalog has hits in category "${product.category}", or loosen the match filter.`,
        });
      }
      const stats: ImageStats[] = [];
      for (const ref of references) {
        signal?.throwIfAborted();
        stats.push(await measureReference(ref.product, ref.bytes));
      }
      signal?.throwIfAborted();
      return buildBrief(product, references.map((r) => r.product), stats);
    },
  };
}

async function measureReference(product: ProductRecord, bytes: Buffer): Promise<ImageStats> {
  try {
    return await measureImage(bytes);
  } catch (error) {
    throw new UserInputError(`reference image of catalog product "${product.id}" (${product.imagePath}) could not be measured: ${(error as Error).message}`, {
      hint: 'Replace the image file with a readable JPEG, PNG or WebP and ingest the catalog again.',
      cause: error,
    });
  }
}

/** The brief from measurements and rows (exported for tests that bring their own measurements). */
export function buildBrief(product: NewProduct, references: readonly ProductRecord[], stats: readonly ImageStats[]): StyleBrief {
  const weights = referenceWeights(stats.length);
  const agg = aggregateStats(stats.map((s, i) => ({ stats: s, weight: weights[i] })));
  const kind: ProductKind = productKind(product.category, ...references.map((r) => r.category));
  const styleWords = distinctWords([product.style, ...references.map((r) => r.style)], 2);
  const seasonWords = distinctWords([product.season, ...references.map((r) => r.season)], 2);
  const onModel = kind === 'apparel' && (agg.subject?.croppedAtBottom ?? 0) >= 0.5;

  const scene = describeScene(agg);
  const lighting = describeLighting(agg);
  const colorTone = describeColorTone(agg);
  const composition = describeComposition(agg);
  const pose = describePose(kind, styleWords, onModel);
  const mood = describeMood(agg, styleWords, seasonWords);
  const props = propsFromDescriptions(
    references.map((r) => r.description),
    weights,
    [product.category, ...references.map((r) => r.category)].join(' '),
  );
  const brief: StyleBrief = {
    scene,
    background: describeBackground(agg),
    lighting,
    colorTone,
    palette: agg.palette.map((p) => p.hex),
    composition,
    pose,
    mood,
    props,
    negatives: negativesFor(kind),
    prompt: composeBriefPrompt({
      productLabel: clipWords(productLabel(product), 12),
      promptHint: flatten(product.promptHint),
      scene,
      lighting,
      colorTone,
      paletteWords: promptPalette(agg),
      composition,
      pose,
      mood,
      props,
    }),
  };
  const problems = styleBriefProblems(brief);
  // The brief is built from fixed phrases and measurements; a problem here is a bug, not a user mistake.
  if (problems.length) throw new Error(`local analyzer built an invalid brief: ${problems.join('; ')}`);
  return brief;
}

/** The tutorial's remedies for its failed images, worded for the product kind. */
export function negativesFor(kind: ProductKind): string[] {
  return [
    'exposed labels or tags (neck labels, hang tags, price tags)',
    'extra items that are not in the product photo',
    'text, letters, logos added to the scene, or watermarks',
    kind === 'apparel' ? 'distorted, warped or re-designed garment' : 'distorted, warped or re-designed product',
    'blurred small details',
  ];
}

/** "casual midi dress"; the style is left out when the category already says it ("Casual Shoes"). */
function productLabel(product: NewProduct): string {
  const category = flatten(product.category).replace(/_/g, ' ');
  const style = flatten(product.style).replace(/_/g, ' ');
  const label = style && !category.toLowerCase().includes(style.toLowerCase()) ? `${style} ${category}` : category;
  return label.trim().toLowerCase() || 'product';
}

function flatten(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Distinct non-empty values, lower-cased, underscores as spaces, first `max` in order. */
function distinctWords(values: readonly string[], max: number): string[] {
  const out: string[] = [];
  for (const v of values) {
    const w = clipWords(flatten(v).replace(/_/g, ' ').toLowerCase(), 4);
    if (w && !out.includes(w)) out.push(w);
  }
  return out.slice(0, max);
}
