/**
 * What the local embedder computes, as data. A recipe is a list of feature blocks; each block is
 * L2-normalised, scaled by its weight and concatenated, and the whole vector is L2-normalised again, so a
 * block's weight is its share of the cosine similarity. The recipe's `id` goes into the store: change
 * anything here (layer, pooling, weight, input size, view) and bump the version in the id, or old stores
 * would silently mix two different vector spaces.
 *
 * How the default was chosen, with the numbers: bench/results/retrieval-quality.md
 * (node --import tsx bench/retrieval-quality.ts).
 */
import type { NsfwjsModelName } from './nsfwjs-weights.js';
import { COLOUR_DIMS, GRADIENT_DIMS, SILHOUETTE_DIMS } from './histogram-features.js';

/** Generalised-mean pooling over the whole map: p = 1 is average pooling, large p approaches max pooling. */
export interface GemPooling {
  kind: 'gem';
  p: number;
}

/**
 * GeM pooling in horizontal bands, each band split into its centre third and its two outer thirds pooled
 * together. The bands keep the product's layout (collar above hem, sole below upper); merging left and
 * right makes the vector the same for a shoe pointing left or right. One vector per band and part, in the
 * order band 1 outer, band 1 centre, band 2 outer, …
 */
export interface MirrorGridPooling {
  kind: 'mirror-grid';
  rows: number;
  p: number;
}

/** GeM pooling in a plain rows × cols grid, cells in row-major order (used by the benchmark's ablations). */
export interface GridPooling {
  kind: 'grid';
  rows: number;
  cols: number;
  p: number;
}

export interface PooledLayer {
  /** Keras layer name (layers models) or graph node name without the scope prefix (mobilenet_v2_mid). */
  layer: string;
  /** Channels of the layer's output. */
  channels: number;
  /**
   * For linear (un-ReLU'd) layers: pool max(x, 0) and max(-x, 0) as separate channels, so GeM sees only
   * non-negative values and the sign information is kept.
   */
  signedParts: boolean;
  pooling: GemPooling | MirrorGridPooling | GridPooling;
  weight: number;
}

export interface CnnBlock {
  kind: 'cnn';
  network: NsfwjsModelName;
  inputSize: number;
  /** `stretch`: the whole photo resized to a square; `product`: the product's bounding box padded to a square. */
  view: 'stretch' | 'product';
  layers: PooledLayer[];
}

export interface HistogramBlock {
  kind: 'histogram';
  colour: number;
  gradient: number;
  silhouette: number;
}

export type FeatureBlock = CnnBlock | HistogramBlock;

export interface Recipe {
  name: string;
  /** Stored with every vector; encodes model, layers, pooling and version. */
  id: string;
  description: string;
  blocks: FeatureBlock[];
}

export const LOCAL_RECIPE_NAMES = ['mnv2-grid', 'mnv2-b13', 'histogram'] as const;
export type LocalRecipeName = (typeof LOCAL_RECIPE_NAMES)[number];

/** The recipe `createLocalEmbedder()` uses when none is named. */
export const DEFAULT_LOCAL_RECIPE: LocalRecipeName = 'mnv2-grid';

export const RECIPES: Record<LocalRecipeName, Recipe> = {
  'mnv2-grid': {
    name: 'mnv2-grid',
    id: 'local/mnv2-b10p-signed-mirrorgrid6-gem2-product224@1',
    description:
      "nsfwjs MobileNetV2 cut after block 10 (block_10_project_BN, 96 channels at 14x14) on the product's square crop; " +
      'signed parts, GeM p=2 in 6 bands x (centre, mirrored sides): 2304-d',
    blocks: [
      {
        kind: 'cnn',
        network: 'mobilenet_v2',
        inputSize: 224,
        view: 'product',
        layers: [
          { layer: 'block_10_project_BN', channels: 96, signedParts: true, pooling: { kind: 'mirror-grid', rows: 6, p: 2 }, weight: 1 },
        ],
      },
    ],
  },
  'mnv2-b13': {
    name: 'mnv2-b13',
    id: 'local/mnv2-b13e-gem2-stretch224@1',
    description:
      'the baseline of reference/retrieval-baselines.md: nsfwjs MobileNetV2 block_13_expand_relu on the whole photo, GeM p=2 over the map: 576-d',
    blocks: [
      {
        kind: 'cnn',
        network: 'mobilenet_v2',
        inputSize: 224,
        view: 'stretch',
        layers: [{ layer: 'block_13_expand_relu', channels: 576, signedParts: false, pooling: { kind: 'gem', p: 2 }, weight: 1 }],
      },
    ],
  },
  histogram: {
    name: 'histogram',
    id: 'local/hist-colour3-gradient10-silhouette7@1',
    description: 'no model: colour, gradient-orientation and silhouette histograms of the product crop (sharp only): 264-d',
    blocks: [{ kind: 'histogram', colour: 0.3, gradient: 1, silhouette: 0.7 }],
  },
};

/** Values one pooled layer contributes to the vector. */
export function pooledLayerDimension(layer: PooledLayer): number {
  const channels = layer.channels * (layer.signedParts ? 2 : 1);
  switch (layer.pooling.kind) {
    case 'gem':
      return channels;
    case 'mirror-grid':
      return channels * layer.pooling.rows * 2;
    case 'grid':
      return channels * layer.pooling.rows * layer.pooling.cols;
  }
}

export function recipeDimension(recipe: Recipe): number {
  let d = 0;
  for (const block of recipe.blocks) {
    if (block.kind === 'histogram') d += COLOUR_DIMS + GRADIENT_DIMS + SILHOUETTE_DIMS;
    else for (const l of block.layers) d += pooledLayerDimension(l);
  }
  return d;
}
