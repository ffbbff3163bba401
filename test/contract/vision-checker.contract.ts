/**
 * The VisionChecker contract (src/ports/vision-checker.ts): every vision checker runs this same suite.
 * The backend's ordinary answer is taken as the clean one; the runner says how to make the next one unusable.
 *
 * Usage (in a *.test.ts file):
 *   visionCheckerContract('openrouter', async () => ({ checker, arrangeUnusableAnswer, holdNextCall }), { skips });
 */
import { beforeAll, describe, expect } from 'vitest';
import { HitlineError } from '../../src/core/errors.js';
import type { VisionChecker, VisionCheckRequest } from '../../src/ports/vision-checker.js';
import { ABORT_ERROR, abortMidCall, contractTests, required, type ContractOptions, type HoldNextCall } from './contract-kit.js';
import { distinctPhotos, productPhoto } from './fixtures.js';

export interface VisionCheckerUnderTest {
  checker: VisionChecker;
  /** Makes the next check's answers unusable (prose, or an object without the verdict's fields), a repair request's included. */
  arrangeUnusableAnswer?: () => void;
  /** See HoldNextCall; without it, one check must take the adapter well over ABORT_AFTER_MS. */
  holdNextCall?: HoldNextCall;
}

export const VISION_CHECKER_TESTS = [
  'gives a verdict of four yes/no answers and a note for a clean answer',
  'throws a retryable HitlineError for an unusable answer',
  'rejects with an AbortError when the signal is already aborted',
  'rejects with an AbortError, and gives no verdict, when aborted mid-call',
] as const;
export type VisionCheckerTest = (typeof VISION_CHECKER_TESTS)[number];

export function visionCheckerContract(name: string, make: () => Promise<VisionCheckerUnderTest>, options: ContractOptions<VisionCheckerTest> = {}): void {
  describe(`VisionChecker contract: ${name}`, () => {
    const test = contractTests(`VisionChecker contract: ${name}`, VISION_CHECKER_TESTS, options.skips);
    let subject: VisionCheckerUnderTest;
    let base: VisionCheckRequest;
    const request = (fields: Partial<VisionCheckRequest> = {}): VisionCheckRequest => ({ ...base, ...fields });
    beforeAll(async () => {
      subject = await make();
      const [output] = await distinctPhotos(1);
      base = { productImage: await productPhoto(), output, presetId: 'contract-preset', drawnText: ['Summer Sale'] };
    });

    test('gives a verdict of four yes/no answers and a note for a clean answer', async () => {
      const verdict = await subject.checker.check(request());
      expect(Object.keys(verdict).sort()).toEqual(['extraItems', 'garbledText', 'labelOrTagVisible', 'notes', 'sameProduct']);
      for (const flag of ['sameProduct', 'labelOrTagVisible', 'extraItems', 'garbledText'] as const) expect(typeof verdict[flag], flag).toBe('boolean');
      expect(typeof verdict.notes).toBe('string');
    });

    test('throws a retryable HitlineError for an unusable answer', async () => {
      required(subject.arrangeUnusableAnswer, 'arrangeUnusableAnswer from the runner')();
      const error = await subject.checker.check(request()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HitlineError);
      expect((error as HitlineError).retryable).toBe(true);
    });

    test('rejects with an AbortError when the signal is already aborted', async () => {
      await expect(subject.checker.check(request({ signal: AbortSignal.abort() }))).rejects.toMatchObject(ABORT_ERROR);
    });

    test('rejects with an AbortError, and gives no verdict, when aborted mid-call', async () => {
      const outcome = await abortMidCall((signal) => subject.checker.check(request({ signal })), subject.holdNextCall);
      expect(outcome).toMatchObject(ABORT_ERROR);
    });
  });
}
