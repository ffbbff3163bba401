import { describe, expect, it } from 'vitest';
import { linkSignals } from '../../../src/pipeline/batch/linked-signal.js';
import { withPaidCall, currentPaidCall } from '../../../src/pipeline/batch/paid-call.js';

describe('linkSignals', () => {
  it('aborts with the reason of whichever source aborts first, and leaves no listener behind', () => {
    const a = new AbortController();
    const b = new AbortController();
    const linked = linkSignals(a.signal, undefined, b.signal);
    b.abort(new Error('from b'));
    expect(linked.signal.aborted).toBe(true);
    expect((linked.signal.reason as Error).message).toBe('from b');
    linked.dispose();
    const again = linkSignals(a.signal);
    again.dispose();
    a.abort(new Error('late'));
    expect(again.signal.aborted).toBe(false); // disposed: no longer follows a
    expect(linkSignals(a.signal).signal.aborted).toBe(true); // an already aborted source
  });
});

describe('withPaidCall', () => {
  it('gives the call a context that survives awaits, and a signal a hard cancel reaches', async () => {
    const cancel = new AbortController();
    const seen = await withPaidCall({ stage: 'generate', productId: 'P1', worstUsd: 0.1 }, cancel.signal, async (signal) => {
      await new Promise((r) => setTimeout(r, 5));
      const call = currentPaidCall()!;
      cancel.abort(new Error('Ctrl-C twice'));
      return { stage: call.stage, productId: call.productId, worstUsd: call.worstUsd, aborted: signal.aborted, same: call.signal === signal };
    });
    expect(seen).toEqual({ stage: 'generate', productId: 'P1', worstUsd: 0.1, aborted: true, same: true });
    expect(currentPaidCall()).toBeUndefined();
  });
});
