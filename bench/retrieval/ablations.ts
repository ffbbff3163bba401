/**
 * Variations of the default recipe, one change each, measured by the benchmark to show what each part of
 * the default buys. Not shipped: they exist only here.
 */
import { RECIPES, type CnnBlock, type Recipe } from '../../src/adapters/local/embedder/recipes.js';

const base = RECIPES['mnv2-grid'];
const baseBlock = base.blocks[0] as CnnBlock;
const baseLayer = baseBlock.layers[0];

function variant(name: string, description: string, block: Partial<CnnBlock>, extra: Recipe['blocks'] = []): Recipe {
  return { name, id: `bench/${name}@1`, description, blocks: [{ ...baseBlock, ...block }, ...extra] };
}

export const ABLATIONS: Recipe[] = [
  variant('no-grid', 'same layer, GeM p=2 over the whole map (no bands)', {
    layers: [{ ...baseLayer, pooling: { kind: 'gem', p: 2 } }],
  }),
  variant('plain-3x3-grid', 'same layer, plain 3x3 grid (left and right kept apart)', {
    layers: [{ ...baseLayer, pooling: { kind: 'grid', rows: 3, cols: 3, p: 2 } }],
  }),
  variant('mirror-4-bands', 'same layer, 4 bands instead of 6', {
    layers: [{ ...baseLayer, pooling: { kind: 'mirror-grid', rows: 4, p: 2 } }],
  }),
  variant('whole-photo', 'the whole photo stretched to 224x224 instead of the product crop', { view: 'stretch' }),
  variant('block13-expand', 'block_13_expand_relu (576 channels, after ReLU) instead of block 10, 4 bands', {
    layers: [{ layer: 'block_13_expand_relu', channels: 576, signedParts: false, pooling: { kind: 'mirror-grid', rows: 4, p: 2 }, weight: 1 }],
  }),
  variant('plus-histogram', 'the default plus the histogram features at weight 0.3', {}, [
    { kind: 'histogram', colour: 0.3 * 0.3, gradient: 0.3, silhouette: 0.7 * 0.3 },
  ]),
];
