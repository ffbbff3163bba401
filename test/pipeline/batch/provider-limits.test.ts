import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { handleInterrupts } from '../../../src/pipeline/batch/interrupt.js';
import {
  DEFAULT_PROVIDER_LIMITS, applyLimitSpecs, describeLimits, limitsForModel, parseLimitSpec,
} from '../../../src/pipeline/batch/provider-limits.js';
import { RunControl, RunStoppedError } from '../../../src/pipeline/batch/run-control.js';
import { UserInputError } from '../../../src/core/errors.js';

describe('provider limits', () => {
  it('gives ":free" models OpenRouter’s 20 requests a minute and paid models an in-flight cap', () => {
    expect(limitsForModel(DEFAULT_PROVIDER_LIMITS, 'nvidia/llama-nemotron-embed-vl-1b-v2:free')).toEqual({ maxInFlight: 2, perInterval: { requests: 20, intervalMs: 60_000 } });
    expect(limitsForModel(DEFAULT_PROVIDER_LIMITS, 'google/gemini-3.1-flash-image-preview').maxInFlight).toBeGreaterThan(1);
  });

  it('parses --limit values for the provider, a stage or a model', () => {
    expect(parseLimitSpec('openrouter=16,600/1m')).toEqual({ target: 'openrouter', limits: { maxInFlight: 16, perInterval: { requests: 600, intervalMs: 60_000 } } });
    expect(parseLimitSpec('generate=4')).toEqual({ target: 'generate', limits: { maxInFlight: 4 } });
    expect(parseLimitSpec('nvidia/llama-nemotron-embed-vl-1b-v2:free=1,20/60s').limits).toEqual({ maxInFlight: 1, perInterval: { requests: 20, intervalMs: 60_000 } });
    expect(parseLimitSpec('analyze=2,5/500ms').limits.perInterval).toEqual({ requests: 5, intervalMs: 500 });
    const applied = applyLimitSpecs(DEFAULT_PROVIDER_LIMITS, [parseLimitSpec('generate=3'), parseLimitSpec('openrouter=10')], { generate: 'google/x' });
    expect(applied.models['google/x']).toEqual({ maxInFlight: 3 });
    expect(applied.provider).toEqual({ maxInFlight: 10 });
    expect(DEFAULT_PROVIDER_LIMITS.models).toEqual({}); // the defaults are not changed
    expect(describeLimits({ maxInFlight: 2, perInterval: { requests: 20, intervalMs: 60_000 } })).toBe('2 in flight, 20 per 60 s');
  });

  it('rejects malformed --limit values with a hint', () => {
    for (const bad of ['generate', 'generate=0', 'generate=x', 'somewhere=3', 'generate=2,20', 'generate=2,20/1d', 'generate=1,2/3s,4']) {
      try {
        parseLimitSpec(bad);
        throw new Error(`accepted ${bad}`);
      } catch (e) {
        expect(e).toBeInstanceOf(UserInputError);
        expect((e as UserInputError).message).toContain(`--limit "${bad}"`);
        expect((e as UserInputError).hint).toContain('TARGET=INFLIGHT');
      }
    }
  });
});

describe('Ctrl-C handling', () => {
  it('first signal stops new work, second cancels calls in flight, then it steps aside', () => {
    const control = new RunControl();
    const source = new EventEmitter();
    const notes: string[] = [];
    handleInterrupts(control, { source: source as unknown as NodeJS.Process, notify: (m) => notes.push(m), inFlight: () => 3 });
    source.emit('SIGINT', 'SIGINT');
    expect(control.stopReason).toBe('interrupted');
    expect(control.cancelled).toBe(false);
    expect(() => control.throwIfStopped()).toThrow(RunStoppedError);
    expect(notes[0]).toMatch(/waiting for 3 call\(s\) in flight.*Ctrl-C again/);
    source.emit('SIGINT', 'SIGINT');
    expect(control.cancelled).toBe(true);
    expect(control.cancelSignal.reason).toBeInstanceOf(RunStoppedError);
    expect(source.listenerCount('SIGINT')).toBe(0);
    expect(source.listenerCount('SIGTERM')).toBe(0);
  });

  it('the first stop reason is kept', () => {
    const control = new RunControl();
    const seen: string[] = [];
    control.onStop((reason) => seen.push(reason));
    expect(control.stop('budget', 'budget reached')).toBe(true);
    expect(control.stop('interrupted', 'Ctrl-C')).toBe(false);
    expect(control.stopReason).toBe('budget');
    expect(seen).toEqual(['budget']);
  });
});
