/** Signing in to the web app in tests: the session cookie and CSRF token a browser would hold. */
import type { TestServer } from '../server/helpers.js';

export interface WebSessionForTest {
  cookie: string;
  csrf: string;
  setCookie: string;
}

export async function signInAs(ts: TestServer, key: string): Promise<WebSessionForTest> {
  const res = await ts.call('/sign-in', { method: 'POST', body: new URLSearchParams({ key }), headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
  if (res.status !== 303) throw new Error(`sign-in answered ${res.status}`);
  const setCookie = res.headers.get('set-cookie') ?? '';
  const cookie = setCookie.split(';')[0];
  const page = await (await ts.call('/catalog', { headers: { cookie } })).text();
  const csrf = page.match(/<meta name="csrf-token" content="([^"]+)">/)?.[1];
  if (!csrf) throw new Error('no CSRF token on the catalog page');
  return { cookie, csrf, setCookie };
}
