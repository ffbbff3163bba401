/**
 * A vector, stored or queried: the store's dimension, finite values, not all zeros (the cosine
 * similarity to a zero vector is undefined, so such a row could never be ranked).
 */
import { z } from 'zod';
import type { EmbedderInfo } from '../../ports/vector-store.js';
import { worded, type IssueParams } from './refusal.js';

type Vector = Float32Array | readonly number[];

export function vectorSchema(embedder: EmbedderInfo) {
  return z
    .custom<Vector>((v) => v instanceof Float32Array || Array.isArray(v), worded('must be a Float32Array (or a list of numbers)'))
    .superRefine((vector, ctx) => {
      const issue = (message: string, kind: IssueParams['kind'], path: number[] = []) =>
        ctx.addIssue({ code: 'custom', message, path, params: { kind } satisfies IssueParams });
      if (vector.length !== embedder.dimension) {
        issue(`has ${vector.length} dimensions, but this store holds ${embedder.dimension}-d vectors from embedder "${embedder.embedderId}"`, 'dimension');
        return;
      }
      let allZero = true;
      for (let i = 0; i < vector.length; i++) {
        const x = vector[i];
        if (!Number.isFinite(x)) {
          issue(`is ${x}; vector values must be finite numbers`, 'non-finite', [i]);
          return;
        }
        if (x !== 0) allZero = false;
      }
      if (allZero) issue('is all zeros', 'zero');
    });
}
