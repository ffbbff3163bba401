/**
 * The StyleAnalyzer contract (src/ports/style-analyzer.ts): every analyzer runs this same suite. A brief is
 * checked by the brief's own validation (src/core/style-brief.ts), never by a second copy of its rules.
 *
 * Usage (in a *.test.ts file):
 *   styleAnalyzerContract('openrouter', async () => ({ analyzer, holdNextCall }), { skips });
 */
import { beforeAll, describe, expect } from 'vitest';
import { HitlineError } from '../../src/core/errors.js';
import { styleBriefProblems } from '../../src/core/style-brief.js';
import type { AnalyzeRequest, ReferenceImage, StyleAnalyzer } from '../../src/ports/style-analyzer.js';
import { ABORT_ERROR, abortMidCall, contractTests, type ContractOptions, type HoldNextCall } from './contract-kit.js';
import { distinctPhotos, NEW_PRODUCT, references } from './fixtures.js';

export interface StyleAnalyzerUnderTest {
  analyzer: StyleAnalyzer;
  /** See HoldNextCall; without it, analysing four references must take the adapter well over ABORT_AFTER_MS. */
  holdNextCall?: HoldNextCall;
}

export const STYLE_ANALYZER_TESTS = [
  'gives a brief that passes the style brief schema, from one reference or several',
  'refuses a request without references with a HitlineError and a hint',
  'rejects with an AbortError when the signal is already aborted',
  'rejects with an AbortError, and gives no brief, when aborted mid-call',
] as const;
export type StyleAnalyzerTest = (typeof STYLE_ANALYZER_TESTS)[number];

export function styleAnalyzerContract(name: string, make: () => Promise<StyleAnalyzerUnderTest>, options: ContractOptions<StyleAnalyzerTest> = {}): void {
  describe(`StyleAnalyzer contract: ${name}`, () => {
    const test = contractTests(`StyleAnalyzer contract: ${name}`, STYLE_ANALYZER_TESTS, options.skips);
    let subject: StyleAnalyzerUnderTest;
    let refs: ReferenceImage[];
    const request = (fields: Partial<AnalyzeRequest> = {}): AnalyzeRequest => ({ product: NEW_PRODUCT, references: refs, ...fields });
    beforeAll(async () => {
      subject = await make();
      refs = references(await distinctPhotos(4));
    });

    test('gives a brief that passes the style brief schema, from one reference or several', async () => {
      for (const count of [1, refs.length]) {
        const brief = await subject.analyzer.analyze(request({ references: refs.slice(0, count) }));
        expect(styleBriefProblems(brief), `${count} reference(s)`).toEqual([]);
      }
    });

    test('refuses a request without references with a HitlineError and a hint', async () => {
      const error = await subject.analyzer.analyze(request({ references: [] })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HitlineError);
      expect((error as HitlineError).message).toContain(NEW_PRODUCT.newId);
      expect((error as HitlineError).hint).toBeTruthy();
    });

    test('rejects with an AbortError when the signal is already aborted', async () => {
      await expect(subject.analyzer.analyze(request({ signal: AbortSignal.abort() }))).rejects.toMatchObject(ABORT_ERROR);
    });

    test('rejects with an AbortError, and gives no brief, when aborted mid-call', async () => {
      const outcome = await abortMidCall((signal) => subject.analyzer.analyze(request({ signal })), subject.holdNextCall);
      expect(outcome).toMatchObject(ABORT_ERROR);
    });
  });
}
