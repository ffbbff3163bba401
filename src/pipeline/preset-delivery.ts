/**
 * `hitline run --preset X --preset Y`: after a product's brief and images are made, every requested
 * marketplace preset is produced in the product's folder (deliver-presets.ts), with its quality checks.
 * Plugged into the batch as its per-product `afterProduct` step.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Embedder } from '../ports/embedder.js';
import type { ImageGenerator } from '../ports/image-generator.js';
import type { Preset } from '../presets/index.js';
import type { VisionChecker } from '../ports/vision-checker.js';
import type { VectorStore } from '../ports/vector-store.js';
import { deliverPresets } from './deliver-presets.js';
import type { BlobStorage } from '../ports/blob-storage.js';
import { catalogReferences } from './catalog-images.js';
import type { PresetImageRecord } from './delivery-records.js';
import type { ProductSummary } from '../core/run-summary.js';

export interface PresetDeliveryOptions {
  presets: readonly Preset[];
  generator: ImageGenerator;
  embedder: Embedder;
  store: VectorStore;
  /** Where catalog photos are found when their path cannot be read here (pipeline/catalog-images.ts). */
  catalogImages?: BlobStorage;
  variants: number;
  /** The first variant's number (default 1; a regeneration asks for the next free one). */
  firstVariant?: number;
  staged: boolean;
  /** How many top hits go to the generator as references. */
  references: number;
  /** The last rung of the retry ladder (the Pro model), only when the seller's config names one. */
  escalationGenerator?: ImageGenerator;
  /** A vision-model check of each output, made per product so its cost is booked to that product. */
  visionCheckerFor?: (productId: string) => VisionChecker;
}

/** A ProductSummary that also carries the preset images made for it. */
export type ProductSummaryWithPresets = ProductSummary & { presets?: PresetImageRecord[] };

export function presetDeliveryStep(options: PresetDeliveryOptions) {
  return async (summary: ProductSummaryWithPresets, { runDir }: { runDir: string }): Promise<void> => {
    if (!summary.brief) throw new Error('no style brief to generate presets from');
    const productFolder = summary.outputs[0] ? path.dirname(path.join(runDir, summary.outputs[0].file)) : path.join(runDir, summary.newId);
    const ids = summary.hits.slice(0, Math.max(1, options.references)).map((h) => h.productId);
    const references = await catalogReferences(options.store, ids, options.catalogImages);
    const { outputs, warnings } = await deliverPresets({
      product: summary.product, productImage: await readFile(summary.imagePath), references, brief: summary.brief,
      presets: options.presets, generator: options.generator, embedder: options.embedder, outputDir: productFolder,
      variants: options.variants, firstVariant: options.firstVariant, staged: options.staged, escalationGenerator: options.escalationGenerator,
      visionChecker: options.visionCheckerFor?.(summary.newId),
    });
    summary.presets = outputs;
    summary.warnings.push(...warnings);
    for (const o of outputs) {
      if (!o.file) {
        summary.warnings.push(`${o.preset}-${o.variant}: ${o.status}${o.reason ? `: ${o.reason}` : ''}`);
        continue;
      }
      const failed = o.checks.filter((c) => !c.passed).map((c) => c.check);
      summary.outputs.push({
        file: path.relative(runDir, path.join(productFolder, o.file)), variant: o.variant, width: o.width, height: o.height, cached: false,
        warnings: [...(o.status === 'passed' ? [] : [`${o.status}${failed.length ? ` (failed checks: ${failed.join(', ')})` : ''}${o.reason ? `: ${o.reason}` : ''}`]), ...o.warnings],
      });
    }
  };
}
