/**
 * Who is calling: `Authorization: Bearer <key>` resolves to one tenant and key (registry lookup by hash).
 * Without tenants and on a loopback address the server runs one local tenant and needs no key. A missing,
 * unknown, revoked or expired key is a 401 that does not say which.
 */
import type { MiddlewareHandler } from 'hono';
import { errorJson } from '../errors.js';
import { LOCAL_TENANT, type AppEnv, type ServerDeps } from '../app-env.js';

export function authenticate(deps: ServerDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    const presented = header?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
    let principal = presented ? deps.registry.authenticate(presented) : undefined;
    if (!presented && deps.localTenantAllowed && deps.registry.tenantIds().length === 0) {
      principal = { tenantId: LOCAL_TENANT, keyId: LOCAL_TENANT, keyPrefix: LOCAL_TENANT };
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
