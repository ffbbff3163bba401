/**
 * The prompt sent to image models with the product photo (Image 1) and the reference hits (Images 2..n).
 * Plain text in a fixed order of sections. User and brief strings are flattened to one line each, so a
 * newline in a prompt hint cannot start a section of its own or push the requirements out of place.
 */
import { productKind } from '../search/product-kind.js';
import type { StyleBrief } from '../core/style-brief.js';
import type { NewProduct } from '../core/product.js';
import type { AspectRatio } from '../core/output-sizes.js';

export interface GenerationPromptOptions {
  /** Stricter wording for a retry after an image failed review (the tutorial's remedies, spelled out). */
  strengthenedConstraints?: boolean;
  /** The output's aspect ratio, so the model frames for it. */
  aspectRatio?: AspectRatio;
}

export interface GenerationPromptInput {
  product: NewProduct;
  brief: StyleBrief;
  /** Reference images attached after the product photo (0 when none). */
  referenceCount: number;
  options?: GenerationPromptOptions;
}

/** Longest prompt hint kept, in words; a longer one is clipped so it cannot swamp the instructions. */
export const PROMPT_HINT_MAX_WORDS = 80;

/** Always asked. hitline draws its own text, so the model must draw none. */
export function defaultConstraints(apparel: boolean): string[] {
  return [
    apparel
      ? 'The garment fits the body naturally, with realistic drape, folds and proportions.'
      : 'The product sits naturally in the scene, at a believable scale, with soft contact shadows.',
    'No exposed labels or tags: no neck label, hang tag or price tag.',
    'No extra items: add nothing that is not in Image 1 or the reference scene.',
    'Product details stay sharp: stitching, prints, buttons, zips, logos on the product and small accessories.',
    'No text, letters, numbers or watermarks anywhere in the image; text is added later.',
  ];
}

/** Added on retries. */
export const STRENGTHENED_CONSTRAINTS: readonly string[] = [
  'STRICT: the product must match Image 1 exactly: same colours (no hue or brightness shift), same pattern, same shape and proportions.',
  'STRICT: remove every label and tag completely, including a white neck label showing inside the collar.',
  'STRICT: exactly one product, the one in Image 1; no second garment, bag or accessory.',
  'STRICT: the product must not look pasted on: consistent lighting, perspective and shadows with the scene.',
  'STRICT: small details and accessories stay in sharp focus.',
];

export function buildGenerationPrompt(input: GenerationPromptInput): string {
  const { product, brief, options = {} } = input;
  const references = Math.max(0, Math.floor(input.referenceCount));
  const apparel = productKind(product.category) === 'apparel';
  const category = oneLine(product.category).replace(/_/g, ' ') || 'product';
  const hint = clip(oneLine(product.promptHint), PROMPT_HINT_MAX_WORDS);
  const rowFacts = [oneLine(product.style) && `style ${oneLine(product.style)}`, oneLine(product.season) && `season ${oneLine(product.season)}`].filter(Boolean);

  const lines: string[] = [];
  lines.push(`Create a photorealistic e-commerce promo photo${options.aspectRatio ? ` in a ${options.aspectRatio} frame` : ''}.`);
  lines.push(
    `Image 1 is the new product (${category}${rowFacts.length ? `; ${rowFacts.join(', ')}` : ''}). Reproduce it exactly: same colour, pattern, material, shape and every detail.`,
  );
  if (references === 1) {
    lines.push("Image 2 is a best-selling reference photo: copy its scene, lighting, pose and framing, not its product.");
  } else if (references > 1) {
    lines.push(
      `Images 2 to ${references + 1} are best-selling reference photos, best match first: copy their scene, lighting, pose and framing (Image 2 most closely), not their products.`,
    );
  } else {
    lines.push('No reference photos are attached: follow the style notes below.');
  }
  lines.push('');
  lines.push('Style notes:');
  lines.push(`- Scene: ${oneLine(brief.scene)}`);
  lines.push(`- Background: ${oneLine(brief.background)}`);
  lines.push(`- Lighting: ${oneLine(brief.lighting)}`);
  lines.push(`- Colour tone: ${oneLine(brief.colorTone)}${brief.palette.length ? `; palette ${brief.palette.map(oneLine).join(', ')}` : ''}`);
  lines.push(`- Composition: ${oneLine(brief.composition)}`);
  lines.push(`- Pose: ${oneLine(brief.pose)}`);
  lines.push(`- Mood: ${oneLine(brief.mood)}`);
  lines.push(`- Props: ${brief.props.length ? brief.props.map(oneLine).join(', ') : 'none'}`);
  lines.push(`- Summary: ${oneLine(brief.prompt)}`);
  if (hint) {
    lines.push('');
    lines.push(`Product notes from the seller: ${hint}`);
  }
  lines.push('');
  lines.push('Requirements:');
  for (const c of defaultConstraints(apparel)) lines.push(`- ${c}`);
  if (options.strengthenedConstraints) for (const c of STRENGTHENED_CONSTRAINTS) lines.push(`- ${c}`);
  const negatives = brief.negatives.map(oneLine).filter(Boolean);
  if (negatives.length) lines.push(`- Avoid: ${negatives.join('; ')}.`);
  return lines.join('\n');
}

/** One line: control characters, line and paragraph separators and runs of whitespace become one space. */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\s]+/g, ' ').trim();
}

function clip(text: string, maxWords: number): string {
  const words = text.split(' ').filter(Boolean);
  return words.length <= maxWords ? text : `${words.slice(0, maxWords).join(' ')}…`;
}
