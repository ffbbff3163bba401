/**
 * A signal that aborts when any of several signals does, with its listeners removed by `dispose()`.
 * Used instead of AbortSignal.any for the per-call signals of a batch: they hang off run-long signals,
 * and explicit removal keeps thousands of finished calls from piling listeners on those.
 */
export interface LinkedSignal {
  readonly signal: AbortSignal;
  dispose(): void;
}

export function linkSignals(...sources: Array<AbortSignal | undefined>): LinkedSignal {
  const controller = new AbortController();
  const present = sources.filter((s): s is AbortSignal => s !== undefined);
  const aborted = present.find((s) => s.aborted);
  if (aborted) {
    controller.abort(aborted.reason);
    return { signal: controller.signal, dispose() {} };
  }
  const listeners = present.map((s) => {
    const onAbort = () => controller.abort(s.reason);
    s.addEventListener('abort', onAbort, { once: true });
    return () => s.removeEventListener('abort', onAbort);
  });
  return {
    signal: controller.signal,
    dispose: () => listeners.forEach((remove) => remove()),
  };
}
