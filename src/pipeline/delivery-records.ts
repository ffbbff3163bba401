/**
 * What deliverPresets is asked (the request) and what it records: one PresetImageRecord per image with its
 * checks and every attempt of the retry ladder; plus the small helpers that build those records.
 */
import type { ReferenceImage } from '../ports/style-analyzer.js';
import type { StyleBrief } from '../core/style-brief.js';
import type { NewProduct } from '../core/product.js';
import type { Embedder } from '../ports/embedder.js';
import type { GenerateRequest, GenerateResult, ImageGenerator } from '../ports/image-generator.js';
import type { CutOut } from '../imaging/cutout.js';
import { presetExtension, type Preset } from '../presets/preset.js';
import type { DigitalSourceTypeName } from '../presets/delivery/ai-metadata.js';
import type { FidelityThresholds, ProductReference } from '../presets/delivery/product-fidelity.js';
import type { ProductCopy } from '../presets/delivery/product-copy.js';
import type { QualityCheck } from '../presets/delivery/quality-checks.js';
import type { VisionChecker } from '../ports/vision-checker.js';
import type { DrawnText } from '../presets/delivery/text-overlay.js';
import { HitlineError } from '../core/errors.js';

export interface DeliverPresetsRequest {
  product: NewProduct;
  /** The new product's photo, file bytes. */
  productImage: Buffer;
  /** Matched hits, best first (all are passed to the generator; slice before calling to send fewer). */
  references: readonly ReferenceImage[];
  brief: StyleBrief;
  /** Copy to draw; default: the product's extra CSV columns (title, title_zh, price, badge). */
  copy?: ProductCopy;
  presets: readonly Preset[];
  generator: ImageGenerator;
  /** The last rung of the ladder (e.g. the Pro model), only when the seller's config allows it. */
  escalationGenerator?: ImageGenerator;
  /** For the product-similarity check; without it only the colour check measures fidelity. */
  embedder?: Embedder;
  /** Optional vision-model check; none offline. */
  visionChecker?: VisionChecker;
  /** The product's folder in the run. */
  outputDir: string;
  /** Images per generated preset (default 1). Cutout presets make one: every variant would be identical. */
  variants?: number;
  /** The number of the first variant (default 1); a regeneration asks for the next free one. */
  firstVariant?: number;
  staged?: boolean;
  thresholds?: Partial<FidelityThresholds>;
  /** Force the contains-synthetic-performer tag on or off; default: when a generative model was asked for a person. */
  syntheticPerformer?: boolean;
  /** Replaces `generator.generate(request)`, e.g. to go through the run's stage cache. */
  generateWith?: (generator: ImageGenerator, request: GenerateRequest) => Promise<GenerateResult>;
  /** Called after each image is settled (for progress). */
  onImage?: (record: PresetImageRecord) => void;
  signal?: AbortSignal;
}

export type PresetImageStatus = 'passed' | 'failed-review' | 'refused' | 'error';

export interface AttemptRecord {
  /** 1-based rung of the ladder. */
  attempt: number;
  generator: string;
  strengthened: boolean;
  staged: boolean;
  aspectRatio?: string;
  sizeTier?: string;
  /** The variant number the generator was asked for (retries ask for a new one, so a deterministic generator varies too). */
  requestVariant?: number;
  /** Names of the checks that failed (empty: all passed). */
  failed: string[];
  error?: string;
  operations: string[];
  seconds: number;
}

export interface PresetImageRecord {
  preset: string;
  variant: number;
  /** File name inside outputDir; null when nothing was written (refused, error). */
  file: string | null;
  status: PresetImageStatus;
  width: number;
  height: number;
  format: Preset['format'];
  bytes: number;
  /** How the image was made. */
  source: 'cutout' | 'generated' | 'staged';
  sourceType: DigitalSourceTypeName | null;
  syntheticPerformer: boolean;
  /** The checks of the kept image. */
  checks: QualityCheck[];
  attempts: AttemptRecord[];
  text: Array<Pick<DrawnText, 'role' | 'lines' | 'fontPx' | 'contrast' | 'panel'>>;
  warnings: string[];
  /** Wall time for this image, all attempts included. */
  seconds: number;
  /** Why it was refused or failed, and what to do. */
  reason?: string;
  hint?: string;
}

export interface DeliverPresetsResult {
  outputs: PresetImageRecord[];
  /** Product-level notes (copy problems, unreliable cut-out for fidelity). */
  warnings: string[];
}

/** One product's delivery: the request, its cleaned copy, the photo's cut-out and fidelity reference. */
export interface DeliveryContext {
  request: DeliverPresetsRequest;
  copy: ProductCopy;
  cutout: CutOut;
  reference?: ProductReference;
  /** Generations shared between presets asking for the same ratio, tier, prompt and variant. */
  memo: Map<string, Promise<GenerateResult>>;
}

export function emptyRecord(preset: Preset, variant: number, source: PresetImageRecord['source']): PresetImageRecord {
  return {
    preset: preset.id, variant, file: null, status: 'error', width: preset.width, height: preset.height, format: preset.format, bytes: 0,
    source, sourceType: null, syntheticPerformer: false, checks: [], attempts: [], text: [], warnings: [], seconds: 0,
  };
}

export function errorRecord(base: PresetImageRecord, error: unknown, t0: number): PresetImageRecord {
  const message = error instanceof Error ? error.message : String(error);
  return { ...base, status: 'error', reason: message, hint: error instanceof HitlineError ? error.hint : undefined, seconds: since(t0) };
}

export function fileName(preset: Pick<Preset, 'id' | 'format'>, variant: number): string {
  return `${preset.id}-${variant}.${presetExtension(preset.format)}`;
}

export function failedNames(checks: readonly QualityCheck[]): string[] {
  return checks.filter((c) => !c.passed).map((c) => c.check);
}

export function since(t0: number): number {
  return Math.round(performance.now() - t0) / 1000;
}
