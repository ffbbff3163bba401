/**
 * A convolutional network from the nsfwjs package, cut at the layers whose activations we pool.
 * nsfwjs ships `mobilenet_v2` and `inception_v3` as Keras layers models (layer names like
 * `block_13_expand_relu`) and `mobilenet_v2_mid` (a MobileNetV2 with width 1.4) as a graph model
 * (node names). Both take RGB in [0, 1] at a fixed square size.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { readNsfwjsModel, type NsfwjsModelName } from './nsfwjs-weights.js';
import { tfWasm } from './tf-runtime.js';

type Tf = typeof tfTypes;

export interface FeatureNetwork {
  /** Activations of the requested layers for a batch [n, size, size, 3] in [0, 1]. Caller disposes (or runs in tidy). */
  activations(input: tfTypes.Tensor4D): tfTypes.Tensor4D[];
  dispose(): void;
}

// Graph-model node names carry the TF Hub export's scope prefix.
const MID_SCOPE =
  'StatefulPartitionedCall/sequential/keras_layer/StatefulPartitionedCall/StatefulPartitionedCall/StatefulPartitionedCall/predict/MobilenetV2/';

export async function loadFeatureNetwork(name: NsfwjsModelName, layers: readonly string[]): Promise<{ tf: Tf; network: FeatureNetwork }> {
  const tf = await tfWasm();
  const artifacts = readNsfwjsModel(name);
  if (name === 'mobilenet_v2_mid') {
    const graph = await tf.loadGraphModel(tf.io.fromMemory(artifacts));
    const nodes = layers.map((l) => MID_SCOPE + l);
    return {
      tf,
      network: {
        activations: (input) => graph.execute(input, nodes) as tfTypes.Tensor4D[],
        dispose: () => graph.dispose(),
      },
    };
  }
  const full = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  const cut = tf.model({ inputs: full.inputs, outputs: layers.map((l) => full.getLayer(l).output as tfTypes.SymbolicTensor) });
  return {
    tf,
    network: {
      activations: (input) => {
        const out = cut.predict(input);
        return (Array.isArray(out) ? out : [out]) as tfTypes.Tensor4D[];
      },
      // `cut` shares its weights with `full`; disposing `full` frees them.
      dispose: () => full.dispose(),
    },
  };
}
