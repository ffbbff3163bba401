/**
 * What stands before every page: the language of the request, the signed-in session (else the sign-in
 * page), the CSRF token on every state-changing request, and error pages. A request from htmx gets its
 * error as a message in the page's live region instead of a whole page.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { html } from 'hono/html';
import { HitlineError } from '../core/errors.js';
import { ConflictError, NotFoundError } from '../service/errors.js';
import type { Logger } from '../service/log.js';
import { chooseLang, LANG_COOKIE, translator } from './i18n/index.js';
import { isHtmx, page } from './pages/layout.js';
import { SESSION_COOKIE } from './sessions.js';
import type { WebDeps, WebEnv } from './web-env.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function withLanguage(): MiddlewareHandler<WebEnv> {
  return async (c, next) => {
    const lang = chooseLang(getCookie(c, LANG_COOKIE), c.req.header('accept-language'));
    c.set('lang', lang);
    c.set('t', translator(lang));
    await next();
  };
}

/** The CSRF token a request presents: the X-CSRF-Token header (htmx, app.js) or the `_csrf` field of a plain form. */
async function presentedToken(c: Context<WebEnv>): Promise<string | undefined> {
  const header = c.req.header('x-csrf-token');
  if (header) return header;
  const type = c.req.header('content-type') ?? '';
  if (!type.startsWith('application/x-www-form-urlencoded') && !type.startsWith('multipart/form-data')) return undefined;
  const field = (await c.req.parseBody())._csrf;
  return typeof field === 'string' ? field : undefined;
}

export function signedIn(deps: WebDeps): MiddlewareHandler<WebEnv> {
  return async (c, next) => {
    const session = deps.sessions.get(getCookie(c, SESSION_COOKIE));
    if (!session) {
      const back = c.req.path + (new URL(c.req.url).search || '');
      if (isHtmx(c)) {
        c.header('HX-Redirect', '/sign-in');
        return c.body(null, 401);
      }
      if (SAFE_METHODS.has(c.req.method)) return c.redirect(`/sign-in?next=${encodeURIComponent(back)}`, 303);
      return page(c, c.get('t')('signIn.title'), 'none', html`<p class="error" role="alert">${c.get('t')('signIn.refused')}</p><p><a href="/sign-in">${c.get('t')('signIn.title')}</a></p>`, 403);
    }
    if (!SAFE_METHODS.has(c.req.method) && !deps.sessions.csrfMatches(session, await presentedToken(c))) {
      return failure(c, 403, c.get('t')('csrf.refused'));
    }
    c.set('session', session);
    c.set('tenant', await deps.contexts.get(session.principal.tenantId));
    await next();
  };
}

/** An error as the reader needs it: a page, or (htmx) a message in the live region. */
export function failure(c: Context<WebEnv>, status: 400 | 403 | 404 | 409 | 500, message: string, hint?: string) {
  const t = c.get('t');
  if (isHtmx(c)) {
    c.header('HX-Retarget', '#flash');
    c.header('HX-Reswap', 'innerHTML');
    return c.html(html`<p class="error" role="alert">${message}${hint ? html` <span class="hint">${hint}</span>` : ''}</p>`, status);
  }
  return page(c, t('error.title'), 'none', html`<h1>${t('error.title')}</h1><p class="error" role="alert">${message}</p>${hint ? html`<p class="hint">${hint}</p>` : ''}<p><a href="/">${t('error.back')}</a></p>`, status);
}

export function onWebError(logger: Logger) {
  return (err: Error, c: Context<WebEnv>) => {
    const t = c.get('t') ?? translator('en');
    if (!c.get('t')) c.set('t', t);
    if (err instanceof NotFoundError) return failure(c, 404, err.message, err.hint);
    if (err instanceof HitlineError) return failure(c, err instanceof ConflictError ? 409 : 400, err.message, err.hint);
    logger.log('error', 'unexpected error in the web app', { path: c.req.path, error: err.stack ?? err.message });
    return failure(c, 500, 'hitline hit an unexpected error (a bug); the server log has the details.');
  };
}
