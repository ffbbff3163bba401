/**
 * Signing in with a tenant's API key (or, with no tenant configured on a loopback address, without one),
 * signing out, and the language switch. The key is checked by the tenant registry exactly as the API checks
 * a Bearer key; the browser keeps only a session id (sessions.ts).
 */
import type { Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { html } from 'hono/html';
import { isLang, LANG_COOKIE } from '../i18n/index.js';
import { signedIn } from '../guard.js';
import { fromAnotherSite } from '../same-site.js';
import { SESSION_COOKIE } from '../sessions.js';
import type { WebDeps, WebEnv } from '../web-env.js';
import { page } from './layout.js';

/** Only a path of this site is a place to go back to (never `//other.site` or `https://...`). */
export function localPath(value: string | undefined, fallback = '/'): string {
  return value && value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\') ? value : fallback;
}

export function signInRoutes(web: Hono<WebEnv>, deps: WebDeps): void {
  const form = (c: Context<WebEnv>, refused: boolean) => {
    const t = c.get('t');
    const next = localPath(c.req.query('next'), '/catalog');
    return page(c, t('signIn.title'), 'none', html`<section class="narrow"><h1>${t('signIn.title')}</h1>
<p>${t('signIn.intro')}</p>
${refused ? html`<p class="error" role="alert">${t('signIn.refused')}</p>` : ''}
<form method="post" action="/sign-in?next=${encodeURIComponent(next)}" class="stack">
  <label for="key">${t('signIn.key')}</label>
  <input id="key" name="key" type="password" autocomplete="current-password" required spellcheck="false" autofocus>
  <button type="submit" class="primary">${t('signIn.submit')}</button>
</form>
${deps.localPrincipal && deps.registry.tenantIds().length === 0 ? html`<form method="post" action="/sign-in?next=${encodeURIComponent(next)}" class="stack"><input type="hidden" name="local" value="1"><p class="hint">${t('signIn.localNote')}</p><button type="submit">${t('signIn.local')}</button></form>` : ''}
</section>`, refused ? 403 : 200);
  };

  web.get('/sign-in', (c) => form(c, false));

  web.post('/sign-in', async (c) => {
    if (fromAnotherSite(c)) return form(c, true); // login CSRF: no signing a browser into someone else's tenant
    const body = await c.req.parseBody();
    const key = typeof body.key === 'string' ? body.key.trim() : '';
    const local = deps.localPrincipal && body.local === '1' && deps.registry.tenantIds().length === 0 ? deps.localPrincipal : undefined;
    const principal = local ?? (key ? deps.registry.authenticate(key) : undefined);
    if (!principal) return form(c, true);
    const session = deps.sessions.create(principal);
    setCookie(c, SESSION_COOKIE, session.id, {
      httpOnly: true, sameSite: 'Strict', path: '/', secure: new URL(c.req.url).protocol === 'https:', maxAge: deps.sessions.cookieMaxAgeSeconds,
    });
    return c.redirect(localPath(c.req.query('next'), '/catalog'), 303);
  });

  web.post('/sign-out', signedIn(deps), (c) => {
    deps.sessions.destroy(c.get('session').id);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.redirect('/sign-in', 303);
  });

  web.get('/lang/:lang', (c) => {
    const lang = c.req.param('lang');
    if (isLang(lang)) setCookie(c, LANG_COOKIE, lang, { path: '/', sameSite: 'Lax', maxAge: 365 * 86400 });
    return c.redirect(localPath(c.req.query('back')), 303);
  });

  web.get('/', (c) => c.redirect(deps.sessions.get(getCookie(c, SESSION_COOKIE)) ? '/catalog' : '/sign-in', 303));
}
