/**
 * Whether a request was started by another site's page: Sec-Fetch-Site, which every current browser sends,
 * or else an Origin naming another host ("null", an opaque origin, counts as another site). Origin alone is
 * not enough: under `Referrer-Policy: no-referrer` Chromium sends `Origin: null` for this site's own forms.
 */
import type { Context } from 'hono';

export function fromAnotherSite(c: Context): boolean {
  const site = c.req.header('sec-fetch-site');
  if (site) return site !== 'same-origin' && site !== 'none';
  const origin = c.req.header('origin');
  if (!origin) return false;
  try {
    return new URL(origin).host !== (c.req.header('host') ?? new URL(c.req.url).host);
  } catch {
    return true;
  }
}
