/**
 * Who is calling: `Authorization: Bearer <key>` resolves to one tenant and key (registry lookup by hash);
 * without one, the web app's session cookie does (src/web/sessions.ts), and then a state-changing request
 * must carry the session's CSRF token in X-CSRF-Token (a cookie rides along on requests other sites
 * start; a header it cannot set). Without tenants and on a loopback address the server runs one local
 * tenant and needs no key; a keyless state-changing request from another site's page is refused there.
 * A missing, unknown, revoked or expired key is a 401 that does not say which.
 */
import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { fromAnotherSite } from '../../web/same-site.js';
import { SESSION_COOKIE } from '../../web/sessions.js';
import { errorJson } from '../errors.js';
import { LOCAL_PRINCIPAL, type AppEnv, type ServerDeps } from '../app-env.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function authenticate(deps: ServerDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    const presented = header?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
    const unsafe = !SAFE_METHODS.has(c.req.method);
    let principal = presented ? deps.registry.authenticate(presented) : undefined;
    if (!presented) {
      const session = deps.sessions.get(getCookie(c, SESSION_COOKIE));
      if (session) {
        if (unsafe && !deps.sessions.csrfMatches(session, c.req.header('x-csrf-token'))) {
          return errorJson(c, 403, 'csrf_refused', 'a request made with the web session must carry its CSRF token', { hint: 'Send the X-CSRF-Token header the web app\'s pages carry (meta csrf-token), or use an API key.' });
        }
        principal = session.principal;
      } else if (deps.localTenantAllowed && deps.registry.tenantIds().length === 0) {
        if (unsafe && fromAnotherSite(c)) return errorJson(c, 403, 'cross_site_refused', 'a keyless request from another site is refused', { hint: 'Call the API from this machine, or configure tenants and send a key.' });
        principal = { ...LOCAL_PRINCIPAL };
      }
    }
    if (!principal) {
      return errorJson(c, 401, 'unauthorized', presented ? 'the API key is not valid (unknown, revoked or expired)' : 'an API key is required', {
        hint: 'Send Authorization: Bearer <key>; `hitline tenants add <id>` or `hitline tenants rotate <id>` prints a key.',
      }, { 'WWW-Authenticate': 'Bearer realm="hitline"' });
    }
    c.set('principal', principal);
    c.set('tenant', await deps.contexts.get(principal.tenantId));
    await next();
  };
}
