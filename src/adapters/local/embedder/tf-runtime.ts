/**
 * TensorFlow.js on the WebAssembly backend, set up from files on disk (no network, no native addon).
 * `@tensorflow/tfjs-node` cannot be installed here and the pure `cpu` backend is ~12x slower, so the
 * wasm backend is the only practical choice. One process-wide backend, initialised once.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

const require = createRequire(import.meta.url);

let ready: Promise<typeof tf> | undefined;

/** The folder holding tfjs-backend-wasm's .wasm files, resolved inside node_modules. */
export function wasmBinaryDir(): string {
  // The package's `main` lives in dist/, next to the .wasm files.
  return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
}

/** Returns tfjs with the wasm backend active. Safe to call many times; initialises once. */
export function tfWasm(): Promise<typeof tf> {
  ready ??= (async () => {
    // Node's worker threads cannot run the threaded build's Blob-URL workers; use the single-threaded SIMD build.
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    setWasmPaths(wasmBinaryDir() + path.sep);
    const ok = await tf.setBackend('wasm');
    if (!ok) throw new Error('TensorFlow.js could not start its WebAssembly backend');
    await tf.ready();
    return tf;
  })();
  ready.catch(() => {
    ready = undefined;
  });
  return ready;
}
