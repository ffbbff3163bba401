/**
 * Retry-After parsing (RFC 9110 §10.2.3), after ky: the value is either delay-seconds or an HTTP date.
 * Returns milliseconds to wait, capped, or undefined when the header is absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now: number, capMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (!text) return undefined;
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(text)) {
    // Seconds. Fractions are not in the RFC but some proxies send them; accept them.
    ms = Number(text) * 1000;
  } else {
    // An HTTP date always names a day and month; this keeps Date.parse from reading "-5" as a year.
    if (!/[a-z]{3}/i.test(text)) return undefined;
    const at = Date.parse(text);
    if (Number.isNaN(at)) return undefined;
    // A date in the past means "now".
    ms = Math.max(0, at - now);
  }
  return Math.min(Math.round(ms), capMs);
}
