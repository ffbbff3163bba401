/** 0 at or below 0, 1 at or above `span`, linear between (a step at 0 when `span` is 0): how the search curves rise. */
export function ramp(x: number, span: number): number {
  return span > 0 ? Math.min(1, Math.max(0, x / span)) : Number(x >= 0);
}
