/**
 * Reads the Keras networks that ship inside the `nsfwjs` npm package, straight from its files on disk.
 * nsfwjs stores each model as UMD scripts: `model.min.js` exports the model.json object and each
 * `group1-shardNofM.min.js` exports one weight shard as a base64 string. We read them with `require`
 * from node_modules (never a URL) and hand tfjs an in-memory IO handler.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';

const require = createRequire(import.meta.url);

export type NsfwjsModelName = 'mobilenet_v2' | 'mobilenet_v2_mid' | 'inception_v3';

interface ModelJson {
  modelTopology: object;
  format?: string;
  weightsManifest: Array<{ paths: string[]; weights: tfTypes.io.WeightsManifestEntry[] }>;
}

/** The folder holding one bundled model's files, resolved inside node_modules/nsfwjs. */
export function nsfwjsModelDir(name: NsfwjsModelName): string {
  // nsfwjs's `exports` hide package.json, so resolve its entry point and walk up to the package root.
  const entry = require.resolve('nsfwjs'); // .../nsfwjs/dist/cjs/index.js
  return path.join(path.dirname(entry), '..', 'models', name);
}

/** Loads a script once and forgets it, so multi-megabyte base64 strings do not stay in require's cache. */
function requireOnce(file: string): unknown {
  const resolved = require.resolve(file);
  try {
    const mod = require(resolved) as { default?: unknown };
    return mod.default ?? mod;
  } finally {
    delete require.cache[resolved];
  }
}

/** Model topology and concatenated weights of one bundled nsfwjs network, ready for `tf.io.fromMemory`. */
export function readNsfwjsModel(name: NsfwjsModelName): tfTypes.io.ModelArtifacts {
  const dir = nsfwjsModelDir(name);
  const json = requireOnce(path.join(dir, 'model.min.js')) as ModelJson;
  const weightSpecs: tfTypes.io.WeightsManifestEntry[] = [];
  const shards: Buffer[] = [];
  for (const group of json.weightsManifest) {
    for (const shardName of group.paths) {
      const base64 = requireOnce(path.join(dir, `${shardName}.min.js`));
      if (typeof base64 !== 'string') throw new Error(`nsfwjs weight shard ${shardName} in ${dir} is not a base64 string`);
      shards.push(Buffer.from(base64, 'base64'));
    }
    weightSpecs.push(...group.weights);
  }
  const all = Buffer.concat(shards);
  // Copy into a standalone ArrayBuffer: Buffer.concat may return a view into a shared pool.
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer;
  return { modelTopology: json.modelTopology, format: json.format, weightSpecs, weightData };
}
